"""The organisation's business calendar: which days are worked, and deadlines counted in them.

Pure functions of the domain (no ORM): business days skip weekends and the public holidays of
the organisation's Australian state, from the ``holidays`` package. Times are aware; deadlines
are worked out in the organisation's zone and returned in it.

Conventions, as service charters mean them:
- "within N business days" of a moment ends at closing time on the Nth business day after the
  day it happened (a complaint on Friday, one business day: Monday at closing time, or Tuesday
  after a Monday holiday);
- "within N business hours" counts only opening hours on business days, starting at the next
  opening if the moment falls outside them;
- "within N calendar days" is N times 24 hours later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=64)
def _public_holidays(state: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("AU", subdiv=state, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    state: str = "NSW"
    time_zone: str = "Australia/Sydney"
    opens: time = time(9, 0)
    closes: time = time(17, 0)

    def __post_init__(self):
        if self.closes <= self.opens:
            raise ValueError("Closing time must be after opening time.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # --- Days -------------------------------------------------------------------------------
    def holiday_name(self, day: date) -> str | None:
        return _public_holidays(self.state, day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def next_business_day(self, day: date) -> date:
        """The first business day after ``day``."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_after(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself if count is 0)."""
        if count < 0:
            raise ValueError("Count business days forward only.")
        for _ in range(count):
            day = self.next_business_day(day)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 if end <= start).
        Weekdays are counted by arithmetic and weekday holidays subtracted, so two years
        cost the same as two days."""
        if end <= start:
            return 0
        first = start + timedelta(days=1)
        days = (end - first).days + 1
        weeks, rest = divmod(days, 7)
        weekdays = weeks * 5 + sum(
            1 for i in range(rest) if (first + timedelta(days=i)).weekday() < 5
        )
        holidays_on_weekdays = sum(
            1
            for year in range(first.year, end.year + 1)
            for day in _public_holidays(self.state, year)
            if first <= day <= end and day.weekday() < 5
        )
        return weekdays - holidays_on_weekdays

    # --- Deadlines ----------------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("Deadlines are worked out from aware times.")
        return moment.astimezone(self.zone)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)

    def add_business_days(self, moment: datetime, count: int) -> datetime:
        """Closing time on the ``count``-th business day after the day of ``moment``."""
        day = self.business_days_after(self.local(moment).date(), count)
        return self._at(day, self.closes)

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """``hours`` of opening time after ``moment``, skipping nights, weekends and holidays."""
        if hours < 0:
            raise ValueError("Count business hours forward only.")
        now = self.local(moment)
        remaining = timedelta(hours=hours)
        day = now.date()
        if not self.is_business_day(day) or now.time() >= self.closes:
            start = self._at(self.next_business_day(day), self.opens)
        else:
            start = max(now, self._at(day, self.opens))
        while True:
            closing = self._at(start.date(), self.closes)
            if start + remaining <= closing:
                return start + remaining
            remaining -= closing - start
            start = self._at(self.next_business_day(start.date()), self.opens)

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Opening hours between two moments (0 if end <= start): what a pause cost in
        business time, so that a paused deadline moves by that much and no more."""
        start, end = self.local(start), self.local(end)
        if end <= start:
            return 0.0
        total = timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_business_day(day):
                opens = max(start, self._at(day, self.opens))
                closes = min(end, self._at(day, self.closes))
                if closes > opens:
                    total += closes - opens
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def add_calendar_days(self, moment: datetime, count: int) -> datetime:
        return self.local(moment) + timedelta(days=count)
