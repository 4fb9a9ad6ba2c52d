"""The complaints log's period cut into what the monthly counts hold and what is counted from
cases as the page is read. Pure functions on dates: no query, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def midnight(day: date, zone: tzinfo) -> datetime:
    """The moment ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass(frozen=True)
class Split:
    """Days as half-open ranges ``[first, stop)``; ``None`` is unbounded."""

    whole_months: tuple[date | None, date] | None  # months read from the monthly counts
    live: tuple[tuple[date | None, date | None], ...]  # days counted from cases


def split_period(first: date | None, stop: date | None, *, counted_before: date | None) -> Split:
    """Cut the days ``[first, stop)`` into whole months before ``counted_before`` (the first
    month the monthly counts may be behind on: the current one) and the days left over at
    either end. Without ``counted_before`` (the counts were never made) every day is live."""
    if first is not None and stop is not None and first >= stop:
        return Split(None, ())
    if counted_before is None:
        return Split(None, ((first, stop),))
    full_from = first if first is None or first.day == 1 else next_month(month_of(first))
    full_to = counted_before if stop is None else min(month_of(stop), counted_before)
    if full_from is not None and full_from >= full_to:
        return Split(None, ((first, stop),))
    live = []
    if first is not None and first < full_from:
        live.append((first, full_from))
    if stop is None or full_to < stop:
        live.append((full_to, stop))
    return Split((full_from, full_to), tuple(live))


def months_between(first: date, stop: date) -> list[date]:
    """The first days of the months that ``[first, stop)`` touches."""
    months, month = [], month_of(first)
    while month < stop:
        months.append(month)
        month = next_month(month)
    return months
