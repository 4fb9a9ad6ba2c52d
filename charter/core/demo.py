"""The demo organisations. Charter serves one organisation per database, so each demo is its
own installation: ``seed_demo`` (Innovative Widgets, an Australian widget manufacturer) or
``seed_demo --organisation bank`` (Southern Cross Community Bank, a bank in New South Wales)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from .calendar import WeeklyHours
from .models import AustralianState, Closure, Organisation

WIDGETS = "widgets"
BANK = "bank"

# key: the organisation's row
ORGANISATIONS = {
    # Its complaints policy cites Victorian law, so it is Victorian.
    WIDGETS: {
        "name": "Innovative Widgets",
        "state": AustralianState.VIC,
        "time_zone": "Australia/Melbourne",
        "currency": "AUD",
        # The office answers from half past eight; each channel's own hours are in the charter.
        "service_hours": WeeklyHours.weekdays("08:30", "17:00").to_data(),
    },
    BANK: {
        "name": "Southern Cross Community Bank",
        "state": AustralianState.NSW,
        "time_zone": "Australia/Sydney",
        "currency": "AUD",
    },
}


def seed(ctx) -> None:
    fields = dict(ORGANISATIONS[ctx.organisation])
    organisation, created = Organisation.objects.get_or_create(
        name=fields.pop("name"), defaults=fields
    )
    ctx.created["organisation"] = organisation
    if created:
        ctx.say(f"Created the organisation {organisation}.")
        if ctx.organisation == WIDGETS:
            _christmas_shutdowns(organisation)


def _christmas_shutdowns(organisation) -> None:
    """The factory closes from Christmas Eve to 2 January: last year's (in the year of
    history) and this year's, whatever year the demo is loaded."""
    year = timezone.localdate(timezone.now(), ZoneInfo(organisation.time_zone)).year
    for first in (year - 1, year):
        Closure.objects.get_or_create(
            name="Christmas shutdown",
            first_day=date(first, 12, 24),
            defaults={"last_day": date(first + 1, 1, 2)},
        )
