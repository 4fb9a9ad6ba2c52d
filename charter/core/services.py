"""Writes to the organisation's settings: its service hours and its closure days. Both are
audited (the audit trail records every model change with its actor)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from .calendar import HoursError, WeeklyHours
from .errors import DomainError
from .guards import clean_text, require
from .models import Closure, Organisation
from .selectors import organisation_current

LONGEST_CLOSURE_DAYS = 366


def checked_hours(data, *, field: str, required: bool = True) -> WeeklyHours:
    """Weekly hours from their data form, checked, or the DomainError that says which day is
    wrong and why. The calendar counts business days on weekdays, so hours that are given must
    open on at least one of them."""
    try:
        hours = WeeklyHours.from_data(data)
    except HoursError as error:
        raise DomainError(error.message, field=field) from None
    if not hours.is_set:
        if required:
            raise DomainError("Give the hours of at least one weekday.", field=field)
        return hours
    if not hours.opens_on_a_weekday:
        raise DomainError(
            "Open on at least one weekday: deadlines in business days count weekdays.",
            field=field,
        )
    return hours


@transaction.atomic
def organisation_hours_update(*, actor, service_hours) -> Organisation:
    """Set the organisation's service hours (by day; see ``WeeklyHours``). Promises that
    concern no channel with published hours run on them from now on; deadlines already set
    stay as they were."""
    require(actor, "core.change_organisation", "change the organisation's service hours")
    hours = checked_hours(service_hours, field="service_hours")
    organisation = organisation_current()
    organisation.service_hours = hours.to_data()
    if organisation.pk:
        organisation.save(update_fields=["service_hours"])
    else:
        organisation.save()
    return organisation


@transaction.atomic
def closure_create(*, actor, name: str, first_day: date, last_day: date | None = None) -> Closure:
    """Close the organisation from ``first_day`` to ``last_day`` (both included; one day if
    no last day): no deadline counts a business day or hour in them."""
    require(actor, "core.add_closure", "add closure days")
    name = clean_text(name, 120, "A name for the closure", "name", required=True)
    if not isinstance(first_day, date):
        raise DomainError("Give the first day closed.", field="first_day")
    last_day = last_day or first_day
    if not isinstance(last_day, date):
        raise DomainError("Give the last day closed.", field="last_day")
    if last_day < first_day:
        raise DomainError("The last day closed is before the first.", field="last_day")
    if last_day - first_day >= timedelta(days=LONGEST_CLOSURE_DAYS):
        raise DomainError(
            "A closure of more than a year would stop every deadline: check the dates.",
            field="last_day",
        )
    clash = Closure.objects.filter(first_day__lte=last_day, last_day__gte=first_day).first()
    if clash is not None:
        raise DomainError(
            f"These days overlap {clash}: change that one instead.", field="first_day"
        )
    return Closure.objects.create(name=name, first_day=first_day, last_day=last_day)


@transaction.atomic
def closure_delete(*, actor, closure: Closure) -> None:
    """Open again on days that were to be closed. Deadlines already set stay as they were."""
    require(actor, "core.delete_closure", "remove closure days")
    closure.delete()
