"""Staff, teams, roles, authority limits and approval requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from . import rules


class RoleCode(models.TextChoices):
    """The roles of the design's "who uses it" table. Rank orders who approves above whom."""

    CUSTOMER_SERVICE_OFFICER = "cso", "Customer service officer"
    RETURNS_WARRANTY_OFFICER = "returns_officer", "Returns and warranty officer"
    ANALYST = "analyst", "Analyst"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    SUPERVISOR = "supervisor", "Supervisor"
    CUSTOMER_SERVICE_MANAGER = "csm", "Customer service manager"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Role(models.Model):
    """A role, carried by a Django group whose permissions say what the role may see and do."""

    code = models.CharField(max_length=32, choices=RoleCode.choices, unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    description = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(
        default=0,
        help_text="Seniority for approvals: a request goes to the lowest rank that may grant it.",
    )

    class Meta:
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.get_code_display()


class Team(models.Model):
    """A team or department of the organisational chart (teams may sit inside departments)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    purpose = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Staff who leave are deactivated, never deleted (their history stays)."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    job_title = models.CharField(max_length=120, blank=True)
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_codes(self) -> list[str]:
        """The user's role codes, most senior last: prefetched groups if present, else one query."""
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            roles = [g.role for g in self.groups.all() if hasattr(g, "role")]
            return [r.code for r in sorted(roles, key=lambda r: r.rank)]
        return list(
            Role.objects.filter(group__user=self).order_by("rank").values_list("code", flat=True)
        )

    @property
    def role_names(self) -> list[str]:
        return [RoleCode(code).label for code in self.role_codes]

    def has_role(self, code: str) -> bool:
        return code in self.role_codes


class AuthorityAction(models.TextChoices):
    REFUND = "refund", "Refund"
    GOODWILL = "goodwill", "Goodwill refund"
    REPLACE = "replace", "Replace a product"
    COMPENSATE = "compensate", "Give compensation"
    CLOSE_COMPLAINT = "close_complaint", "Close a complaint"
    REFER_OUTSIDE = "refer_outside", "Refer a complaint to an outside body"


# Actions that carry an amount; the others are yes-or-no.
VALUED_ACTIONS = {
    AuthorityAction.REFUND,
    AuthorityAction.GOODWILL,
    AuthorityAction.REPLACE,
    AuthorityAction.COMPENSATE,
}


class AuthoritySettings(models.Model):
    """How the organisation reads its procedure where the limits table alone cannot say. One row.

    Innovative Widgets' complaints procedure step 6 can be read two ways; read with step 7's
    "additional", replacing the faulty product is within every staff member's authority. When
    this is on, a replacement is within the authority of everyone who holds a limit at all,
    whatever their role's "Replace a product" row says; when off, that row decides.
    """

    replacement_within_everyones_authority = models.BooleanField(
        default=False,
        verbose_name="Replacing a faulty product is within every officer's authority",
        help_text="On: every member of staff with authority limits may replace a faulty "
        "product without approval. Off: each role's “Replace a product” limit decides.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "authority settings"

    def __str__(self) -> str:
        return "Authority settings"


class AuthorityLimit(models.Model):
    """What a role may do without approval: e.g. refund 10% of the item's value up to $25.

    ``allowed`` false means the role may not do it at all. A percentage, a cap, both or neither
    (no limit) bound the amount of a valued action.
    """

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="authority_limits")
    action = models.CharField(max_length=32, choices=AuthorityAction.choices)
    allowed = models.BooleanField(default=True)
    percent_of_value = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="At most this percentage of the item's value (blank: no percentage limit).",
    )
    max_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="At most this amount (blank: no cap).",
    )
    currency = models.CharField(max_length=3, default="AUD")
    note = models.CharField(
        max_length=255, blank=True, help_text="Where the limit comes from, e.g. a procedure step."
    )

    class Meta:
        ordering = ["role__rank", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "action"],
                name="one_limit_per_role_action",
                violation_error_message="This role already has a limit for this action.",
            ),
            models.CheckConstraint(
                condition=Q(percent_of_value__isnull=True)
                | Q(percent_of_value__gte=0, percent_of_value__lte=100),
                name="authority_percent_between_0_and_100",
                violation_error_message="The percentage must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=0),
                name="authority_cap_not_negative",
                violation_error_message="The cap cannot be negative: enter 0 or more, or leave "
                "it blank for no cap.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.get_action_display()}"

    def as_rule(self) -> rules.Limit:
        """This limit as the pure ``rules.Limit`` the authority rules decide with (reads the
        role: select it with the limit)."""
        return rules.Limit(
            role=self.role.code,
            role_label=self.role.get_code_display(),
            rank=self.role.rank,
            action=self.action,
            allowed=self.allowed,
            percent_of_value=self.percent_of_value,
            max_amount=self.max_amount,
            currency=self.currency,
        )

    @property
    def description(self) -> str:
        """E.g. "up to 10% of the item's value, at most $25.00", as /me/ and approvals say."""
        return rules.describe_limit(self.as_rule())

    @property
    def described(self) -> str:
        """E.g. "Customer service officer: Refund, up to 10% of the item's value, at most $25"."""
        return f"{self}, {self.description}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApprovalRequest(models.Model):
    """An action above its requester's authority, waiting for a role that may grant it.

    The subject (a refund, a replacement...) is any record, linked generically so that this lower
    app never imports the higher one; the higher app reacts to ``approval_decided``.
    """

    action = models.CharField(max_length=32, choices=AuthorityAction.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    item_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="AUD")
    description = models.TextField(help_text="What is asked for, and why.")
    why_needed = models.TextField(help_text="Why the requester's own authority does not cover it.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests"
    )
    required_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("decide_approvalrequest", "Can approve or reject approval requests")]
        indexes = [
            models.Index(fields=["status", "required_role", "created_at"]),
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["-created_at", "-id"], name="approval_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="approval_decided_iff_not_pending",
                violation_error_message=(
                    "This request was decided meanwhile: reload it to see the decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Approval #{self.pk}: {self.get_action_display()}"


class AbsenceReason(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    PERSONAL_LEAVE = "personal_leave", "Personal (sick or carer's) leave"
    LONG_SERVICE_LEAVE = "long_service_leave", "Long service leave"
    PARENTAL_LEAVE = "parental_leave", "Parental leave"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class StaffAbsence(models.Model):
    """A member of staff away from one day to another, and who stands in for them.

    While it lasts, approvals that would wait for them also go to the stand-in (who is told,
    where they are not), new cases routed or escalated to them go to someone present, and
    feedback routed to them goes to the customer service manager.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField(help_text="Their first day away.")
    ends_on = models.DateField(help_text="Their last day away.")
    reason = models.CharField(
        max_length=32, choices=AbsenceReason.choices, default=AbsenceReason.ANNUAL_LEAVE
    )
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standing_in",
        help_text="Who stands in for them: told of the approvals that would wait for them.",
    )
    note = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["user", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(stand_in=models.F("user")), name="absence_stand_in_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_reason_display()}, {self.starts_on} to {self.ends_on}"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on
