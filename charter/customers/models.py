"""Customers (external and internal), their types, contacts, consents, products, account
managers and segments.

Personal data lives in a few named fields (``PERSONAL_FIELDS``): erasure clears exactly those,
and the audit trail records that they changed but never their values (see settings).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone


class Channel(models.TextChoices):
    """The ways the organisation talks with customers (the charter's communication strategy)."""

    EMAIL = "email", "Email"
    TELEPHONE = "telephone", "Telephone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    VIDEO = "video", "Video conference"
    WEB_FORM = "web_form", "Web form"
    LETTER = "letter", "Letter"
    SMS = "sms", "Text message"
    SOCIAL = "social", "Social media"


class CustomerType(models.Model):
    """A kind of customer the charter states needs for, e.g. "Mining equipment supplier"."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    internal = models.BooleanField(
        default=False, help_text="A team of our own that the customer service team serves."
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["internal", "name"]

    def __str__(self) -> str:
        return self.name


class CustomerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class Customer(models.Model):
    """A customer: a person or an organisation, outside the organisation or one of its teams.

    ``__str__`` is the reference, not the name, so that no personal data reaches the audit
    trail's record descriptions.
    """

    # Unique by a constraint, not unique=True: PostgreSQL would add a second (LIKE) index that
    # nothing uses but every import writes.
    reference = models.CharField(
        max_length=32, help_text="The customer's number; imports match on it."
    )
    kind = models.CharField(max_length=16, choices=CustomerKind.choices)
    customer_type = models.ForeignKey(
        CustomerType,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name="type",
        db_index=False,  # customer_type_name below leads with it
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_customer",
        help_text="For an internal customer: the team it is.",
    )
    name = models.CharField(max_length=200, help_text="An organisation's name or a person's.")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(
        max_length=32,
        blank=True,
        help_text="E.164, e.g. +61412345678, and any extension: +61892001000;ext=23.",
    )
    preferred_channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    customer_since = models.DateField(default=timezone.localdate)
    annual_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Revenue from the customer a year."
    )
    balance = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Funds held or owed (banking)."
    )
    last_activity_on = models.DateField(null=True, blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_customers",
        db_index=False,  # customer_manager_name below leads with it
    )
    # Current consent, kept in step with the ConsentRecord ledger by the consent service.
    consent_service = models.BooleanField(default=True, verbose_name="contact for service")
    consent_surveys = models.BooleanField(default=False, verbose_name="surveys")
    consent_marketing = models.BooleanField(default=False, verbose_name="marketing")
    is_active = models.BooleanField(default=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    PERSONAL_FIELDS = ("name", "given_name", "family_name", "date_of_birth", "email", "phone")

    class Meta:
        ordering = ["name", "pk"]
        permissions = [
            ("erase_customer", "Can erase a customer's personal data"),
            ("export_customer", "Can export customers and answer access requests"),
            ("import_customer", "Can import customers from a file"),
            ("assign_account_manager", "Can assign customers to account managers"),
            ("manage_accounts", "Can own customers as their account manager"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                name="customer_reference_unique",
                violation_error_message="Another customer already has this reference.",
            ),
            # References match whatever their case: IW-0001 and iw-0001 are one customer.
            models.UniqueConstraint(
                Upper("reference"),
                name="customer_reference_any_case",
                violation_error_message=(
                    "Another customer already has this reference (references match whatever "
                    "their case)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(annual_value__gte=0),
                name="customer_annual_value_not_negative",
                violation_error_message="The value a year cannot be negative: enter 0 or more.",
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0),
                name="customer_balance_not_negative",
                violation_error_message="The balance cannot be negative: enter 0 or more.",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_by_name"),
            models.Index(fields=["customer_type", "name"], name="customer_type_name"),
            models.Index(fields=["account_manager", "name"], name="customer_manager_name"),
            # Inbound email finds its customer by address, whatever its case.
            models.Index(Lower("email"), name="customer_email_lower"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_internal(self) -> bool:
        return self.team_id is not None or self.customer_type.internal

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Contact(models.Model):
    """A person at an organisation customer: its buyer, its production manager..."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=120, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    preferred_channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    is_primary = models.BooleanField(default=False)

    PERSONAL_FIELDS = ("name", "job_title", "email", "phone")

    class Meta:
        ordering = ["-is_primary", "name", "pk"]
        indexes = [models.Index(Lower("email"), name="contact_email_lower")]

    def __str__(self) -> str:
        return f"Contact {self.pk} of {self.customer_id}"


class AddressKind(models.TextChoices):
    STREET = "street", "Street"
    POSTAL = "postal", "Postal"
    DELIVERY = "delivery", "Delivery"
    BILLING = "billing", "Billing"


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=16, choices=AddressKind.choices, default=AddressKind.STREET)
    line1 = models.CharField("address", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    locality = models.CharField("suburb or town", max_length=100)
    state = models.CharField(max_length=3, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="AU")

    PERSONAL_FIELDS = ("line1", "line2", "locality", "postcode")

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} address of {self.customer_id}"


class ConsentPurpose(models.TextChoices):
    SERVICE = "service", "Contact for service"
    SURVEYS = "surveys", "Surveys and feedback"
    MARKETING = "marketing", "Marketing"


CONSENT_FIELDS = {
    ConsentPurpose.SERVICE: "consent_service",
    ConsentPurpose.SURVEYS: "consent_surveys",
    ConsentPurpose.MARKETING: "consent_marketing",
}


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    TELEPHONE = "telephone", "By telephone"
    EMAIL = "email", "By email"
    IN_PERSON = "in_person", "In person"
    PAPER = "paper", "Signed form"
    IMPORT = "import", "Imported"


class ConsentRecord(models.Model):
    """One giving or withdrawing of consent: the ledger behind the customer's current consent."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="consents", db_index=False
    )  # the index below leads with it
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    given = models.BooleanField(help_text="True when given, false when withdrawn.")
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "purpose", "-at"])]

    def __str__(self) -> str:
        verb = "given" if self.given else "withdrawn"
        return f"{self.get_purpose_display()} {verb} ({self.customer_id})"


class AccountManagerAssignment(models.Model):
    """Who managed a customer, from when until when: reassigning ends one and starts another."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="manager_assignments"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_assignments",
        help_text="Blank: the customer was left without an account manager.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(ended_at__isnull=True),
                name="one_current_account_manager",
                violation_error_message=(
                    "This customer's account manager was changed meanwhile: reload and try again."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Account manager of {self.customer_id} from {self.started_at:%Y-%m-%d}"


class OfferingCategory(models.TextChoices):
    DEPOSITS = "deposits", "Deposits and savings"
    TRANSACTIONS = "transactions", "Everyday banking"
    DIGITAL = "digital", "Online banking"
    LENDING = "lending", "Lending"
    WEALTH = "wealth", "Investment and wealth"
    INSURANCE = "insurance", "Insurance"
    SUPPLY = "supply", "Product supply"
    SERVICE = "service", "Service plan"


class OfferingKind(models.TextChoices):
    PRODUCT = "product", "Product"
    SERVICE = "service", "Service"
    OFFER = "offer", "Offer"


class Offering(models.Model):
    """A product or service a customer can hold: a savings account, a widget supply contract."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=OfferingKind.choices, default="product")
    category = models.CharField(max_length=16, choices=OfferingCategory.choices)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = "product or service"
        verbose_name_plural = "products and services"

    def __str__(self) -> str:
        return self.name


class HoldingStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    HELD = "held", "Held"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


OPEN_HOLDING_STATUSES = (HoldingStatus.OFFERED, HoldingStatus.HELD)


class Holding(models.Model):
    """A product or service a customer holds, or has been offered (e.g. by a segment)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="holdings", db_index=False
    )  # holding_by_customer leads with it
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="holdings")
    status = models.CharField(
        max_length=16, choices=HoldingStatus.choices, default=HoldingStatus.HELD
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    segment = models.ForeignKey(
        "Segment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The segment that offered it, if any.",
    )

    class Meta:
        ordering = ["offering__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "offering"],
                condition=Q(status__in=["offered", "held"]),
                name="one_open_holding_per_offering",
                violation_error_message="The customer already has or was offered this product.",
            )
        ]
        # Segment rules ask "does this customer hold X?" per customer: without this index
        # SQLite walks every holding of X for each customer instead.
        indexes = [models.Index(fields=["customer", "status"], name="holding_by_customer")]

    def __str__(self) -> str:
        return f"{self.offering} ({self.get_status_display()}) for {self.customer_id}"


class Segment(models.Model):
    """A named rule over customer attributes, e.g. "Premier: balance at least $250,000".

    ``conditions`` is a list of {"attribute", "operator", "value"}; all must hold. ``rules``
    validates and describes them, ``selectors`` turns them into one database query.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="What the segment means for customers.")
    conditions = models.JSONField(default=list)
    offerings = models.ManyToManyField(
        Offering,
        blank=True,
        related_name="segments",
        help_text="Offered to each customer who enters the segment.",
    )
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        permissions = [("evaluate_segment", "Can evaluate segments")]

    def __str__(self) -> str:
        return self.name


class SegmentEvaluation(models.Model):
    """One run of a segment's rule over all customers: how many matched, entered and left."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="evaluations")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched = models.PositiveIntegerField(default=0)
    entered = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    offers_made = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.segment} evaluated {self.started_at:%Y-%m-%d %H:%M}"


class SegmentMembership(models.Model):
    """A customer's time in a segment: entered at one evaluation, left at a later one."""

    # Both are the first column of an index below, so need no index of their own.
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="segment_memberships", db_index=False
    )
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "customer"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership",
                violation_error_message="The customer is already in this segment.",
            )
        ]
        indexes = [
            models.Index(fields=["segment", "left_at", "customer"], name="membership_current"),
            models.Index(fields=["customer", "-entered_at"], name="membership_by_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.segment_id}"


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", "Queued to send"
    TO_MAKE = "to_make", "For staff to make"
    SENT = "sent", "Sent"
    MADE = "made", "Made by staff"
    FAILED = "failed", "Could not be sent"


class CallOutcome(models.TextChoices):
    """How a call on the call list ended; any of them takes it off the list."""

    REACHED = "reached", "Reached"
    LEFT_MESSAGE = "left_message", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


# Outcomes after which the customer knows (the notice counts as made).
TOLD_OUTCOMES = (CallOutcome.REACHED, CallOutcome.LEFT_MESSAGE)


class SegmentNotice(models.Model):
    """Telling a customer which segment they are in, on their preferred channel."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="segment_notices")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=NoticeStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    # A call on the call list: how it ended, when and by whom.
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["segment", "customer"]),
            # The call list: calls still to make (or made) on a channel, oldest first.
            models.Index(fields=["channel", "status", "created_at"], name="notice_call_list"),
        ]

    def __str__(self) -> str:
        return f"Segment notice {self.pk} to {self.customer_id}"


class SegmentFeedback(models.Model):
    """What a customer said about their segment: how well it suits them, and why."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="segment_feedback"
    )
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        help_text="How well the segment suits them: 1 (not at all) to 5 (very well)."
    )
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "segment feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="segment_rating_1_to_5",
                violation_error_message="Give a rating from 1 to 5.",
            )
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.segment_id} from {self.customer_id}"


class SearchTerm(models.Model):
    """The words a customer is found by (name words, emails, phones, reference), lower-cased.

    Kept by the customer services; a prefix lookup on ``term`` answers search on SQLite and
    PostgreSQL alike without scanning the customers.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)

    class Meta:
        # One index answers a prefix search on both databases and holds the customer too:
        # PostgreSQL needs the pattern operator class for LIKE 'abc%'; SQLite ignores it and
        # searches by range. (Every index here is also written by every import.)
        indexes = [
            models.Index(
                fields=["term", "customer"],
                name="search_term_customer",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.term


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class CustomerImport(models.Model):
    """One import of a customers file: its progress, its counts and every bad row's reason.

    The file's content is kept only until it has been read (it holds personal data).
    """

    file_name = models.CharField(max_length=255)
    content = models.BinaryField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    bad_rows = models.JSONField(default=list, help_text="[{line, reference, reason}, ...]")
    failure = models.TextField(blank=True)
    # A run writes this with every chunk: a "running" import whose beat has stopped was killed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file.")
    earlier = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An earlier import of the same file that stopped part-way.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name}"

    @property
    def bad_count(self) -> int:
        return len(self.bad_rows)

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Erasure(models.Model):
    """The record that a customer's personal data was erased: who, when and why."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="erasure")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=255)
    retained = models.JSONField(
        default=dict, help_text="What was kept, de-identified, and how many of each."
    )

    def __str__(self) -> str:
        return f"Erasure of {self.customer_id}"
