"""The service charter as data: its versions and the promises each version makes.

Every deadline and KPI target elsewhere reads the current approved version's promises through
``selectors.promise_for`` / ``selectors.deadline_for``: one source of truth for what the
organisation promised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from charter.core.calendar import WeeklyHours

from . import rules


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved (current)"
    SUPERSEDED = "superseded", "Superseded"


class CharterVersion(models.Model):
    """One version of the organisation's customer service charter."""

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    vision = models.TextField(blank=True)
    mission = models.TextField(blank=True, help_text="One aim per line.")
    welcome = models.TextField(
        blank=True, help_text="The opening words of the public charter page."
    )
    external_dispute_body = models.TextField(
        blank=True,
        help_text="Where customers may take a complaint we have not resolved (name and how to "
        "reach it); a final response names it.",
    )
    summary_of_changes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        permissions = [("approve_charterversion", "Can approve a version of the charter")]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="approved"),
                name="one_current_charter_version",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="charter_version_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Charter version {self.number}"


class PromiseEvent(models.TextChoices):
    """The kinds of event a promise sets a deadline or a target for."""

    COMPLAINT_ACKNOWLEDGE = "complaint_acknowledge", "Acknowledge a complaint"
    COMPLAINT_RESOLVE = "complaint_resolve", "Resolve a complaint (or give a final response)"
    CALL_ANSWER = "call_answer", "Answer a telephone call"
    DELIVERY = "delivery", "Deliver an order"
    FOLLOW_UP = "follow_up", "Follow up after a resolution"
    REFUND = "refund", "Process a refund"
    ENQUIRY_REPLY = "enquiry_reply", "Reply to an enquiry"
    COMPLAINT_QUICK_RESOLUTION = (
        "complaint_quick_resolution",
        "Resolve a complaint without a written response (unless the customer asks for one)",
    )


class PromiseUnit(models.TextChoices):
    BUSINESS_HOURS = "business_hours", "business hours"
    BUSINESS_DAYS = "business_days", "business days"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    SECONDS = "seconds", "seconds"


DEADLINE_UNITS = (PromiseUnit.BUSINESS_HOURS, PromiseUnit.BUSINESS_DAYS, PromiseUnit.CALENDAR_DAYS)


class ServicePromise(models.Model):
    """A measurable promise of one charter version, e.g. "we deliver within 3 business days".

    It applies to all customers, to one customer type, or to one segment; the most specific one
    that applies to a customer wins. ``percent`` makes it a service level ("80% of calls within
    20 seconds"); without it every single event must meet the target.
    """

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="promises")
    event = models.CharField(max_length=32, choices=PromiseEvent.choices)
    customer_type = models.ForeignKey(
        "customers.CustomerType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promises",
    )
    segment = models.ForeignKey(
        "customers.Segment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.SlugField(
        max_length=40,
        blank=True,
        help_text="Only for complaints on this topic (e.g. hardship); blank for every topic.",
    )
    target = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=16, choices=PromiseUnit.choices)
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a service level: the share of events that must meet the target.",
    )
    wording = models.CharField(
        max_length=255, help_text="The promise as customers read it in the charter."
    )
    measure = models.CharField(
        max_length=255, help_text="How it is checked, e.g. from the complaint's logged time."
    )

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(segment__isnull=True) | Q(customer_type__isnull=True),
                name="promise_scoped_to_type_or_segment",
            ),
            models.CheckConstraint(condition=Q(target__gt=0), name="promise_target_positive"),
        ]

    def __str__(self) -> str:
        return self.wording

    @property
    def scope_label(self) -> str:
        if self.segment_id:
            label = f"Segment: {self.segment}"
        elif self.customer_type_id:
            label = f"Customer type: {self.customer_type}"
        else:
            label = "All customers"
        return f"{label}; topic: {self.topic}" if self.topic else label

    @property
    def target_label(self) -> str:
        target = f"{self.target.normalize():f}"
        if self.percent is not None:
            return f"{self.percent.normalize():f}% within {target} {self.get_unit_display()}"
        return f"{target} {self.get_unit_display()}"


class CustomerNeed(models.Model):
    """What one internal or external customer type needs from us, and what to tell them how:
    part of a charter version, so it is revised with it."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="needs")
    customer_type = models.ForeignKey(
        "customers.CustomerType", on_delete=models.PROTECT, related_name="+"
    )
    needs = models.TextField(help_text="One need per line.")
    communication = models.TextField(
        blank=True, help_text="What content suits them and on which channels."
    )

    class Meta:
        ordering = ["customer_type__internal", "customer_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "customer_type"], name="one_needs_entry_per_customer_type"
            )
        ]

    def __str__(self) -> str:
        return f"Needs of {self.customer_type}"

    @property
    def need_lines(self) -> list[str]:
        return [line.strip() for line in self.needs.splitlines() if line.strip()]


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TELEPHONE = "telephone", "Telephone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    VIDEO = "video", "Video conference"
    WEB_FORM = "web_form", "Web form"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"


class ChannelOffer(models.Model):
    """A channel the charter offers customers, its hours, and what it is best used for.

    ``opening_hours`` are the hours by day (see ``core.calendar.WeeklyHours``): a promise about
    something received on this channel runs on them. A channel without them (a web form open
    at any time, letters) runs on the organisation's service hours. ``hours`` is what the hours
    do not say, e.g. "by appointment" or "answered within 5 business days"."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    opening_hours = models.JSONField(
        default=dict,
        blank=True,
        help_text='By day, e.g. {"monday": [["08:30", "17:00"]]}; a day left out is closed.',
    )
    hours = models.CharField(
        max_length=120,
        blank=True,
        verbose_name="note on the hours",
        help_text="What the hours do not say, e.g. by appointment; answered within 5 business "
        "days.",
    )
    suited_to = models.TextField(
        blank=True, help_text="What content and which customers this channel suits."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "channel"], name="one_offer_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.hours_text}"

    @property
    def weekly_hours(self) -> WeeklyHours:
        return WeeklyHours.load(self.opening_hours)

    @property
    def opening_hours_text(self) -> str:
        """The opening hours as customers read them, or "" when the charter gives none."""
        hours = self.weekly_hours
        return hours.text() if hours.is_set else ""

    @property
    def hours_text(self) -> str:
        """The opening hours and the note, in one sentence."""
        return ". ".join(part for part in (self.opening_hours_text, self.hours) if part)


class Policy(models.Model):
    """A policy and its procedures (complaints, refunds and returns, privacy...), versioned."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200, unique=True)
    teams = models.ManyToManyField(
        "accounts.Team",
        blank=True,
        related_name="+",
        help_text="The teams who must read and acknowledge it; none means all staff.",
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"
        permissions = [("approve_policy", "Can approve a version of a policy")]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version of a policy, in the template the organisation uses: purpose, scope,
    resources, responsibility, legislation, who authorised it, and numbered steps."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    purpose = models.TextField()
    scope = models.TextField()
    resources = models.TextField(blank=True)
    responsibility = models.TextField()
    legislation = models.TextField(blank=True, help_text="One act per line.")
    summary_of_changes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The template's "Updated / authorised" line, as the organisation signs its policies: a
    # month and a name with a title ("10/2011", "John Doe CFO"). Filled from the approval
    # when the draft does not say otherwise.
    authorised_on = models.DateField(
        null=True, blank=True, help_text="The month it was authorised (kept as its first day)."
    )
    authorised_by_name = models.CharField(
        max_length=200, blank=True, help_text="Who authorised it: name and title."
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="approved"),
                name="one_current_policy_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} (version {self.number})"

    @property
    def acts(self) -> list[str]:
        return [line.strip() for line in self.legislation.splitlines() if line.strip()]

    @property
    def authorised(self) -> str:
        """E.g. "10/2011", an en dash and "John Doe CFO"; empty until it is authorised."""
        return rules.authorised_line(self.authorised_on, self.authorised_by_name)


class ProcedureStep(models.Model):
    """A numbered step of a procedure. It may name the authority limit it applies (refund 10%
    up to $25), the role to refer to (injury goes to the customer service manager), or the
    form to use (the insurance claim form)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="steps")
    procedure = models.CharField(
        max_length=120, help_text="Which procedure of the policy, e.g. for officers."
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    authority_limit = models.ForeignKey(
        "accounts.AuthorityLimit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refer_to_role = models.ForeignKey(
        "accounts.Role", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    form_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "procedure", "number"], name="one_step_number_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure} {self.number}"


class Acknowledgement(models.Model):
    """A member of staff confirming they have read one version of the charter or of a policy.
    Acknowledgements are per version: a new version is read again."""

    charter_version = models.ForeignKey(
        CharterVersion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter_version", "user"], name="one_acknowledgement_each"
            ),
            models.UniqueConstraint(
                fields=["policy_version", "user"], name="one_policy_acknowledgement_each"
            ),
            models.CheckConstraint(
                condition=Q(charter_version__isnull=True, policy_version__isnull=False)
                | Q(charter_version__isnull=False, policy_version__isnull=True),
                name="acknowledges_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.charter_version or self.policy_version}"
