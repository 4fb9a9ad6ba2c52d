"""Core tables: the organisation, the append-only audit trail, and the scheduler's bookkeeping."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models
from django.utils import timezone

from .calendar import OFFICE_HOURS, WeeklyHours
from .errors import AuditTrailIsAppendOnly


class AustralianState(models.TextChoices):
    NSW = "NSW", "New South Wales"
    VIC = "VIC", "Victoria"
    QLD = "QLD", "Queensland"
    WA = "WA", "Western Australia"
    SA = "SA", "South Australia"
    TAS = "TAS", "Tasmania"
    ACT = "ACT", "Australian Capital Territory"
    NT = "NT", "Northern Territory"


def default_service_hours() -> dict:
    return OFFICE_HOURS.to_data()


class Organisation(models.Model):
    """The organisation whose charter Charter runs: name, zone, state (for holidays), currency,
    and its service hours (a promise that concerns no channel with published hours runs on
    them)."""

    name = models.CharField(max_length=200, unique=True)
    time_zone = models.CharField(max_length=64, default="Australia/Sydney")
    state = models.CharField(
        max_length=3,
        choices=AustralianState.choices,
        default=AustralianState.NSW,
        help_text="Its public holidays are skipped by business-day deadlines.",
    )
    currency = models.CharField(max_length=3, default="AUD")
    service_hours = models.JSONField(
        default=default_service_hours,
        help_text='Opening hours by day, e.g. {"monday": [["09:00", "17:00"]]}; a day left out '
        "is closed. Changed through the service hours page, which checks them.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def weekly_hours(self) -> WeeklyHours:
        """The service hours; office hours (9 to 5 on weekdays) if none usable are stored."""
        hours = WeeklyHours.load(self.service_hours, OFFICE_HOURS)
        return hours if hours.opens_on_a_weekday else OFFICE_HOURS


class Closure(models.Model):
    """Days the organisation closes beside the public holidays (a Christmas shutdown): no
    business day or business hour falls in them, on any channel."""

    name = models.CharField(max_length=120, help_text="e.g. Christmas shutdown.")
    first_day = models.DateField()
    last_day = models.DateField(help_text="The last day closed (the day before reopening).")

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y})"


class Interface(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    COMMAND = "command", "Command"
    TASK = "task", "Background task"
    SYSTEM = "system", "System"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly()

    def delete(self):
        raise AuditTrailIsAppendOnly()


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    """One create, change or delete of a domain record: who, when, what changed, through what.

    Append-only: the model and queryset refuse changes, and on PostgreSQL a trigger makes the
    database refuse UPDATE and DELETE too (see migration 0002).
    """

    # Staff who have history are deactivated, never deleted: PROTECT keeps the trail whole.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name="actor",
    )
    # Indexed together with the time below, so a filtered trail is read in order, not sorted.
    action = models.PositiveSmallIntegerField(
        choices=AbstractLogEntry.Action.choices, verbose_name="action"
    )
    interface = models.CharField(max_length=10, choices=Interface.choices, default=Interface.SYSTEM)
    source = models.CharField(
        max_length=200, blank=True, help_text="The page, API call, command or task that did it."
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [
            models.Index(fields=["content_type", "object_pk", "-timestamp"]),
            models.Index(fields=["interface", "-timestamp"]),
            models.Index(fields=["action", "-timestamp"]),
            models.Index(fields=["actor", "-timestamp"]),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly()


class ScheduledJob(models.Model):
    """When each periodic job was last queued, so a scheduler that was down catches up."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class SettingsGeneration(models.Model):
    """One row whose number changes with every change of the settings each complaint reads
    (hours, closures, the approved charter, case settings): processes keep those settings
    while the number stays the same (see ``core.memo``)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Settings generation {self.number}"
