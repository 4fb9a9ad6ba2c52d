"""Pure rules the order pages need: how an order's lateness reads in business terms. No ORM.
(Kept apart from ``rules`` while that module is being worked on; it may move there.)"""

from __future__ import annotations

from datetime import datetime

from charter.core.calendar import BusinessCalendar


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overdue_words(promised_by: datetime, now: datetime, calendar: BusinessCalendar) -> str:
    """How late an order is, as a customer service officer says it: "2 business days late"
    once business days have passed since the promised day; on the promised day itself, the
    hours; over a weekend or holiday, since when. Empty when not late."""
    promised, current = calendar.local(promised_by), calendar.local(now)
    if current <= promised:
        return ""
    days = calendar.business_days_between(promised.date(), current.date())
    if days:
        return _plural(days, "business day") + " late"
    if promised.date() == current.date():
        hours = int((current - promised).total_seconds() // 3600)
        return _plural(hours, "hour") + " late" if hours else "less than an hour late"
    return f"late since {promised:%A} (no business day has passed)"
