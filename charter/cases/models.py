"""Contacts on every channel, and the cases they open or join: enquiries, complaints,
compliments and suggestions, with the complaint procedure's steps, deadlines and resolutions.

A case's due times come from the charter's promises when it is opened
(``standards.selectors.deadline_for``) and are kept on the case; breaches are found by a query
over those times, so a worker that was down misses none. Every change of step goes through
``services.case_step``; the rules of which step may follow which live in ``rules``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from charter.customers.models import Channel


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the customer"
    OUTBOUND = "outbound", "To the customer"


class CaseKind(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"
    SUGGESTION = "suggestion", "Suggestion"


class CaseStatus(models.TextChoices):
    """The complaint procedure's steps (the seeds' six steps, then closed), in order."""

    RECEIVED = "received", "Received and logged"
    INVESTIGATING = "investigating", "Investigating"
    COMMITTED = "committed", "Committed to resolve"
    SOLUTION_DECIDED = "solution_decided", "Solution decided"
    NOTIFIED = "notified", "Customer notified"
    FOLLOWED_UP = "followed_up", "Followed up"
    REFERRED = "referred", "Referred to an outside body"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


class ComplainantType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PUBLIC = "public", "Member of the public (not a regular customer)"
    CORPORATE_AGENCY = "corporate_agency", "Corporate agency"
    COLLEAGUE = "colleague", "Colleague (internal customer)"


class DirectedAt(models.TextChoices):
    SALESPERSON = "salesperson", "A salesperson"
    DISTRIBUTOR = "distributor", "An outsourced distribution company"
    COLLEAGUE = "colleague", "A colleague"
    PRODUCT = "product", "A product"
    DELIVERY = "delivery", "Our delivery"
    SERVICE = "service", "Our service or a policy"
    OTHER = "other", "Something else"


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class EscalationLevel(models.TextChoices):
    NONE = "", "Not escalated"
    SUPERVISOR = "supervisor", "Supervisor"
    MANAGER = "csm", "Customer service manager"


class Category(models.Model):
    """What a case is about, in the organisation's own words (late delivery, wrong item...),
    for the log's filters and the analysis."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class CaseSettings(models.Model):
    """The figures the routing rules and deadline warnings use. One row (the current)."""

    significant_annual_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=250_000,
        help_text="A customer worth at least this a year is significant: their complaints are "
        "raised in severity and their account manager is told.",
    )
    warn_hours_before = models.PositiveSmallIntegerField(
        default=4, help_text="Warn the owner this many hours before a deadline passes."
    )
    follow_up_business_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="When no promise sets it: follow up this many business days after notifying.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "case settings"

    def __str__(self) -> str:
        return "Case settings"


class Case(models.Model):
    """An enquiry, complaint, compliment or suggestion, and where it stands."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=CaseKind.choices, default=CaseKind.COMPLAINT)
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The facts as the customer gave them.")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # case_customer_history leads with it
    )
    # Someone who is not a customer (a member of the public) leaves a name and a way back.
    public_name = models.CharField(max_length=200, blank=True)
    public_email = models.EmailField(blank=True)
    public_phone = models.CharField(max_length=40, blank=True)
    complainant_type = models.CharField(
        max_length=20, choices=ComplainantType.choices, default=ComplainantType.CUSTOMER
    )
    directed_at = models.CharField(max_length=20, choices=DirectedAt.choices, blank=True)
    directed_at_detail = models.CharField(
        max_length=200, blank=True, help_text="Who or what exactly, e.g. the distributor's name."
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    topic = models.CharField(
        max_length=40, blank=True, help_text="A charter topic with its own promise (hardship)."
    )
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.NORMAL)
    desired_outcome = models.TextField(
        blank=True, help_text="How the customer would like it resolved."
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # What the procedure's routing looks at (the officers' steps 8 to 10, and the triggers).
    involves_injury = models.BooleanField(default=False)
    property_damage = models.BooleanField(default=False, help_text="Damage to other property.")
    not_covered = models.BooleanField(
        default=False, help_text="The officers' procedure does not cover it."
    )
    legal_threat = models.BooleanField(default=False, help_text="A threat of legal action.")
    competitor_threat = models.BooleanField(
        default=False, help_text="A threat to leave for a competitor."
    )
    significant_customer = models.BooleanField(default=False)
    complex = models.BooleanField(default=False, help_text="Follows the manager's procedure.")
    routing = models.JSONField(
        default=list, blank=True, help_text="What the routing rules decided, and why."
    )
    callback_at = models.DateTimeField(
        null=True, blank=True, help_text="When the manager agreed to call the customer."
    )
    insurance_claim = models.CharField(
        max_length=60, blank=True, help_text="The insurance claim form's number, once started."
    )
    # The manager's procedure for a complex complaint.
    system_action = models.TextField(
        blank=True, help_text="What we change so that it does not happen to anyone again."
    )
    customer_action = models.TextField(blank=True, help_text="What we do for this customer, now.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_opened",
        help_text="Empty when the case was opened by an inbound email.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_owned",
    )
    escalation = models.CharField(
        max_length=16, choices=EscalationLevel.choices, default="", blank=True
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    referred_to = models.CharField(max_length=200, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    # The charter's promises the due times came from; kept, so a later charter moves nothing.
    acknowledge_promise = models.ForeignKey(
        "standards.ServicePromise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolve_promise = models.ForeignKey(
        "standards.ServicePromise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledge_due = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolve_due = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    follow_up_due = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="How it ended, in a line, for the log.")
    # Waiting for the customer stops the resolution clock; the time waited is added on resume.
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    # Breaches and warnings, recorded once by the periodic check.
    acknowledge_breached_at = models.DateTimeField(null=True, blank=True)
    resolve_breached_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    orders = models.ManyToManyField("orders.Order", blank=True, related_name="cases")
    returns = models.ManyToManyField("orders.Return", blank=True, related_name="cases")
    warranties = models.ManyToManyField("orders.Warranty", blank=True, related_name="cases")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("escalate_case", "Can escalate a case"),
            ("manage_complex_case", "Can own complex, injury and legal complaints"),
        ]
        indexes = [
            # The queue: open cases by what falls due first. Partial on closed_at so that
            # SQLite and PostgreSQL both read a page straight off it.
            models.Index(
                # The owner, the answer time and the pause are in the key (not only INCLUDEd,
                # which SQLite ignores) so that the queue's counts (past due and due soon, of
                # mine and of all) read the index alone on both databases, not open cases
                # scattered over the table.
                fields=["resolve_due", "id", "owner", "notified_at", "paused_at"],
                condition=Q(closed_at__isnull=True),
                name="case_open_by_due",
            ),
            models.Index(
                fields=["acknowledge_due"],
                condition=Q(acknowledged_at__isnull=True, closed_at__isnull=True),
                name="case_unacknowledged",
            ),
            models.Index(fields=["customer", "-opened_at"], name="case_customer_history"),
            models.Index(fields=["-opened_at", "-id"], name="case_newest_first"),
            # The complaints log: a page of one kind newest first, and the counts of the days
            # the monthly roll-up does not hold, read from this index alone (every column the
            # log filters and counts by is in its key).
            models.Index(
                fields=[
                    "kind",
                    "opened_at",
                    "id",
                    "category",
                    "channel",
                    "complainant_type",
                    "directed_at",
                    "status",
                ],
                name="case_log_by_kind",
            ),
            # The roll-up's refresh finds the cases changed since it last ran.
            models.Index(fields=["updated_at"], name="case_changed"),
            models.Index(
                fields=["owner", "resolve_due", "id"],
                condition=Q(closed_at__isnull=True),
                name="case_owner_open_by_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="case_closed_iff_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def who(self) -> str:
        if self.customer_id:
            return self.customer.name
        return self.public_name or "Someone who did not leave a name"


class Contact(models.Model):
    """One conversation on one channel: a call, an email, a visit, a letter, a post."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_logged",
        db_index=False,  # contact_customer_history leads with it
    )
    public_name = models.CharField(max_length=200, blank=True)
    public_email = models.EmailField(blank=True)
    public_phone = models.CharField(max_length=40, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_logged",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="contact_customer_history"),
            models.Index(fields=["-at", "-id"], name="contact_newest_first"),
        ]

    def __str__(self) -> str:
        return f"Contact #{self.pk}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    STEP = "step", "Step"
    ROUTED = "routed", "Routed"
    ESCALATED = "escalated", "Escalated"
    REFERRED = "referred", "Referred outside"
    PAUSED = "paused", "Waiting for the customer"
    RESUMED = "resumed", "Resumed"
    NOTE = "note", "Note"
    RESOLUTION = "resolution", "Resolution"
    EMAIL = "email", "Email"
    WARNED = "warned", "Deadline warning"
    BREACHED = "breached", "Deadline missed"
    LINKED = "linked", "Linked a record"


class CaseEvent(models.Model):
    """The case's story: each step, routing decision, escalation, pause and note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=CaseEventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_story")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()}"


class ResolutionKind(models.TextChoices):
    APOLOGY = "apology", "Apology"
    INFORMATION = "information", "Information"
    REFUND = "refund", "Refund"
    GOODWILL_REFUND = "goodwill_refund", "Goodwill refund"
    REPLACEMENT = "replacement", "Replacement"
    REPAIR = "repair", "Repair"
    CREDIT = "credit", "Credit to account"
    REORDER = "reorder", "Reorder"
    COMPENSATION = "compensation", "Compensation"


class ResolutionStatus(models.TextChoices):
    DONE = "done", "Done"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    REJECTED = "rejected", "Not approved"


class Resolution(models.Model):
    """What we do for the customer. Money and goods go through the authority limits."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="resolutions")
    kind = models.CharField(max_length=20, choices=ResolutionKind.choices)
    description = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    item_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The faulty product's value (a goodwill refund is a share of it).",
    )
    currency = models.CharField(max_length=3, default="AUD")
    status = models.CharField(
        max_length=20, choices=ResolutionStatus.choices, default=ResolutionStatus.DONE
    )
    approval = models.ForeignKey(
        "accounts.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_resolutions",
        help_text="The order it concerns, or the reorder or replacement it placed.",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"


# --- Replies and email ------------------------------------------------------------------------


class Situation(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    APOLOGY_REMEDY = "apology_remedy", "Apology with a remedy"
    DELAY_NOTICE = "delay_notice", "Delay notice"
    FINAL_RESPONSE = "final_response", "Final response (with the right to go outside)"
    FOLLOW_UP = "follow_up", "Follow-up"


class ReplyTemplate(models.Model):
    """Approved wording for a situation, with ``{placeholders}`` filled from the case. Each
    situation has numbered versions; the approved one with the highest number is current."""

    situation = models.CharField(max_length=20, choices=Situation.choices)
    version = models.PositiveSmallIntegerField(default=1)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    policy_version = models.ForeignKey(
        "standards.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_templates",
        help_text="The complaints policy version this wording belongs to.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["situation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "version"], name="one_template_version")
        ]
        permissions = [("approve_replytemplate", "Can approve reply wording for use")]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} v{self.version}"


class MailStatus(models.TextChoices):
    ACCEPTED = "accepted", "Filed"
    QUARANTINED = "quarantined", "Kept aside"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Email(models.Model):
    """An email in or out. Inbound mail that cannot be read is kept aside with the reason, the
    raw message kept whole so that nothing is lost. Two inbound messages are the same message
    when their digests are equal; a different message that reuses a Message-ID is filed under a
    derived one (``mail.derived_message_id``)."""

    direction = models.CharField(max_length=10, choices=Direction.choices)
    status = models.CharField(max_length=12, choices=MailStatus.choices)
    problem = models.TextField(blank=True, help_text="Why it was kept aside or not sent.")
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=300, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The message's own date.")
    received_at = models.DateTimeField(default=timezone.now)
    raw = models.BinaryField(blank=True, help_text="The message exactly as it came.")
    digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of an inbound message as its sender wrote it (mail.content_digest).",
    )
    source = models.CharField(max_length=300, blank=True, help_text="Mailbox and file or UID.")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="email_by_status"),
            models.Index(fields=["digest"], name="email_by_digest"),
        ]

    def __str__(self) -> str:
        return f"Email #{self.pk}"


class Attachment(models.Model):
    email = models.ForeignKey(Email, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class CaseMonthCount(models.Model):
    """How many cases were opened in a month (in the organisation's zone) for each mix of what
    the complaints log filters by: its analysis adds these up instead of counting a million
    cases. Rebuilt month by month by ``services.log_counts_refresh`` (the task queue, every
    minute), never written by hand."""

    month = models.DateField(help_text="The first day of the month the cases were opened in.")
    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    complainant_type = models.CharField(max_length=20, choices=ComplainantType.choices)
    directed_at = models.CharField(max_length=20, choices=DirectedAt.choices, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    cases = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Every column in the key: the analysis reads the index alone.
            models.Index(
                fields=[
                    "kind",
                    "month",
                    "category",
                    "complainant_type",
                    "directed_at",
                    "channel",
                    "status",
                    "cases",
                ],
                name="case_month_count_by_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%b %Y} {self.kind}: {self.cases}"


class CaseMonthCountsState(models.Model):
    """When the monthly counts were last brought up to date, and what they cover (one row)."""

    counted_at = models.DateTimeField(help_text="Cases changed before this are counted.")
    last_case_id = models.BigIntegerField(default=0, help_text="The newest case counted.")
    time_zone = models.CharField(max_length=64, help_text="The zone the months are in.")

    class Meta:
        verbose_name_plural = "case month counts state"

    def __str__(self) -> str:
        return f"Case month counts as of {self.counted_at:%Y-%m-%d %H:%M}"
