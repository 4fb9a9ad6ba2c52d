"""The organisation's business calendar: which days are worked, the hours of each, and deadlines
counted in them.

Pure functions of the domain (no ORM): the services read the weekly hours (the organisation's
service hours, or a channel's hours from the charter) and the company's closure days, and pass
them in as plain data. Public holidays are those of the organisation's Australian state, from
the ``holidays`` package. Times are aware; deadlines are worked out in the organisation's zone
and returned in it.

Conventions, as service charters mean them:
- a business day is a weekday (Monday to Friday, as Australian law uses the word) that is not a
  public holiday or a closure day, and on which the hours open;
- "within N business days" of a moment ends at closing time (the hours' last closing that day)
  on the Nth business day after the day it happened (a complaint on Friday, one business day:
  Monday at closing time, or Tuesday after a Monday holiday);
- "within N business hours" counts only opening hours, Saturday's too when the hours open on
  Saturday, never on a public holiday or closure day; it starts at the next opening if the
  moment falls outside them, and counts real elapsed time (a daylight-saving night is an hour
  shorter or longer);
- "within N calendar days" is N days later at the same clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_LABELS = tuple(day.capitalize() for day in DAYS)
MINUTES_A_DAY = 24 * 60
STEP_MINUTES = 15  # opening and closing times fall on the quarter hour
# A loop over days stops here: hours or closures that never open again are refused, not hung on.
SEARCH_DAYS = 3_700

# One day's opening hours: (opens, closes) in minutes from midnight, 0 to 1440 (midnight at the
# end of the day), closing after opening, in order, not overlapping.
Interval = tuple[int, int]


class HoursError(ValueError):
    """Opening hours that cannot be used, with a sentence a person can act on."""

    def __init__(self, message: str, *, day: str = ""):
        super().__init__(message)
        self.message = message
        self.day = day


@lru_cache(maxsize=64)
def _public_holidays(state: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("AU", subdiv=state, years=year))


# --- Reading and writing times of day -------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_SPLIT_INTERVALS = re.compile(r"\s*(?:,|;|\band\b)\s*")
_SPLIT_ENDS = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b)\s*")  # hyphen, en or em dash


def parse_clock(text: str) -> int:
    """Minutes from midnight of a time written as 8, 8:30, 08:30, 8.30, 8:30 am, 5 pm, 17:00,
    noon, midnight or 24:00 (midnight at the end of the day)."""
    words = text.strip().lower()
    named = {"noon": 12 * 60, "midday": 12 * 60, "midnight": MINUTES_A_DAY}
    if words in named:
        return named[words]
    found = _CLOCK.match(words)
    if not found:
        raise HoursError(f"“{text.strip()}” is not a time of day: write it as 8:30 or 17:00.")
    hour, minute = int(found[1]), int(found[2] or 0)
    half = (found[3] or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise HoursError(f"“{text.strip()}” is not a time of day: write it as 8:30 am.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise HoursError(f"“{text.strip()}” is not a time of day: write it as 8:30 or 17:00.")
    if minute % STEP_MINUTES:
        raise HoursError(
            f"{clock_text(hour * 60 + minute)} is not on the quarter hour: use :00, :15, :30 "
            "or :45."
        )
    return hour * 60 + minute


def clock_text(minutes: int) -> str:
    """17:30 style, as the hours are edited (24:00 for midnight at the end of the day)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_words(minutes: int) -> str:
    """5:30 pm style, as customers read the hours."""
    if minutes in (0, MINUTES_A_DAY):
        return "midnight"
    hour, minute = divmod(minutes, 60)
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'am' if hour < 12 else 'pm'}"


def check_day(intervals, *, label: str = "") -> tuple[Interval, ...]:
    """One day's intervals, checked: each closes after it opens, on the quarter hour, within
    the day, in order and not overlapping. ``label`` (the day) starts every message."""
    prefix = f"{label}: " if label else ""
    checked: list[Interval] = []
    for opens, closes in intervals:
        for minutes in (opens, closes):
            if not 0 <= minutes <= MINUTES_A_DAY:
                raise HoursError(f"{prefix}times run from 00:00 to 24:00.", day=label)
            if minutes % STEP_MINUTES:
                raise HoursError(
                    f"{prefix}{clock_text(minutes)} is not on the quarter hour: use :00, :15, "
                    ":30 or :45.",
                    day=label,
                )
        if closes <= opens:
            raise HoursError(
                f"{prefix}closing ({clock_text(closes)}) must be after opening "
                f"({clock_text(opens)}).",
                day=label,
            )
        checked.append((opens, closes))
    checked.sort()
    for first, second in pairwise(checked):
        if second[0] < first[1]:
            raise HoursError(
                f"{prefix}{clock_text(first[0])}-{clock_text(first[1])} and "
                f"{clock_text(second[0])}-{clock_text(second[1])} overlap.",
                day=label,
            )
    return tuple(checked)


def parse_day(text: str, *, label: str = "") -> tuple[Interval, ...]:
    """One day's hours from how a person writes them: "8:00-18:00", "8:30 am to 5 pm",
    "9-12, 13-17"; blank or "closed" for a day it does not open."""
    words = (text or "").strip()
    if words.lower() in ("", "closed", "-"):
        return ()
    prefix = f"{label}: " if label else ""
    intervals = []
    for part in _SPLIT_INTERVALS.split(words):
        ends = _SPLIT_ENDS.split(part.strip())
        if len(ends) != 2 or not all(ends):
            raise HoursError(
                f"{prefix}write the hours as opening and closing times, e.g. 8:30-17:00 "
                "(several periods separated by commas), or leave it blank if closed.",
                day=label,
            )
        try:
            intervals.append((parse_clock(ends[0]), parse_clock(ends[1])))
        except HoursError as error:
            raise HoursError(f"{prefix}{error.message}", day=label) from None
    return check_day(intervals, label=label)


# --- A week's hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyHours:
    """The hours of each day of the week, Monday first; a day with no intervals is closed.

    As data (the database, the API) it is ``{"monday": [["08:00", "18:00"]], ...}``: days it
    opens, each with its (opening, closing) pairs; a day left out is closed."""

    days: tuple[tuple[Interval, ...], ...] = ((),) * 7

    def __post_init__(self):
        if len(self.days) != 7:
            raise HoursError("A week has seven days.")

    @classmethod
    def weekdays(cls, opens: str, closes: str) -> WeeklyHours:
        """The same hours Monday to Friday, closed at weekends."""
        day = check_day([(parse_clock(opens), parse_clock(closes))])
        return cls((day,) * 5 + ((),) * 2)

    @classmethod
    def from_data(cls, data) -> WeeklyHours:
        """Checked weekly hours from their data form; each day may also be given as text
        ("8:30-17:00"). Raises HoursError saying which day is wrong and why."""
        if data in (None, "", [], {}):
            return cls()
        if not isinstance(data, dict):
            raise HoursError('Give the hours by day, e.g. {"monday": [["08:30", "17:00"]]}.')
        days: list[tuple[Interval, ...]] = [()] * 7
        for key, value in data.items():
            name = str(key).strip().lower()
            if name not in DAYS:
                raise HoursError(f"“{key}” is not a day of the week: write monday to sunday.")
            index = DAYS.index(name)
            label = DAY_LABELS[index]
            if isinstance(value, str):
                days[index] = parse_day(value, label=label)
                continue
            if not isinstance(value, list | tuple) or not all(
                isinstance(pair, list | tuple) and len(pair) == 2 for pair in value
            ):
                raise HoursError(
                    f'{label}: give a list of opening and closing times, e.g. [["08:30", '
                    '"17:00"]], or leave the day out if closed.',
                    day=label,
                )
            intervals = []
            for opens, closes in value:
                try:
                    intervals.append((parse_clock(str(opens)), parse_clock(str(closes))))
                except HoursError as error:
                    raise HoursError(f"{label}: {error.message}", day=label) from None
            days[index] = check_day(intervals, label=label)
        return cls(tuple(days))

    @classmethod
    def load(cls, data, default: WeeklyHours | None = None) -> WeeklyHours:
        """Stored hours for reading (a page, a deadline): the default (no hours) when what is
        stored cannot be used, rather than failing a customer's page."""
        try:
            return cls.from_data(data)
        except HoursError:
            return default or cls()

    def to_data(self) -> dict[str, list[list[str]]]:
        return {
            DAYS[i]: [[clock_text(o), clock_text(c)] for o, c in day]
            for i, day in enumerate(self.days)
            if day
        }

    def on(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]

    @property
    def is_set(self) -> bool:
        return any(self.days)

    @property
    def opens_on_a_weekday(self) -> bool:
        return any(self.days[:5])

    def day_text(self, weekday: int) -> str:
        """One day as it is edited: "08:30-17:00", several periods separated by commas."""
        return ", ".join(f"{clock_text(o)}-{clock_text(c)}" for o, c in self.days[weekday])

    def text(self) -> str:
        """The week as customers read it: "Monday to Friday, 8:00 am to 6:00 pm; Saturday,
        9:00 am to 1:00 pm". Days with the same hours are named together."""
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for index, day in enumerate(self.days):
            if day:
                groups.setdefault(day, []).append(index)
        if not groups:
            return "Closed"
        parts = []
        for day, indexes in groups.items():
            times = " and ".join(
                "all day"
                if (o, c) == (0, MINUTES_A_DAY)
                else f"{clock_words(o)} to {clock_words(c)}"
                for o, c in day
            )
            parts.append(f"{_days_words(indexes)}, {times}")
        return "; ".join(parts)


def _days_words(indexes: list[int]) -> str:
    """Monday to Friday; Saturday and Sunday; Monday, Wednesday and Friday."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    words: list[str] = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{DAY_LABELS[run[0]]} to {DAY_LABELS[run[-1]]}")
        else:
            words.extend(DAY_LABELS[i] for i in run)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


OFFICE_HOURS = WeeklyHours.weekdays("09:00", "17:00")


@dataclass(frozen=True)
class ClosedPeriod:
    """Days the organisation closes beside public holidays (a Christmas shutdown), first and
    last day included."""

    first: date
    last: date
    name: str = "Closed"

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


# --- The calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    state: str = "NSW"
    time_zone: str = "Australia/Sydney"
    hours: WeeklyHours = OFFICE_HOURS
    closures: tuple[ClosedPeriod, ...] = field(default=())

    def __post_init__(self):
        if not self.hours.opens_on_a_weekday:
            raise HoursError("The hours must open on at least one weekday.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def with_hours(self, hours: WeeklyHours) -> BusinessCalendar:
        """The same days (holidays, closures, zone) on other hours, e.g. a channel's."""
        return replace(self, hours=hours)

    @cached_property
    def _closed_days(self) -> dict[date, str]:
        days: dict[date, str] = {}
        for period in self.closures:
            day = period.first
            while day <= period.last:
                days.setdefault(day, period.name)
                day += timedelta(days=1)
        return days

    # --- Days -------------------------------------------------------------------------------
    def holiday_name(self, day: date) -> str | None:
        return _public_holidays(self.state, day.year).get(day)

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """The public holidays from ``first`` to ``last``, in order, with their names."""
        return sorted(
            (day, name)
            for year in range(first.year, last.year + 1)
            for day, name in _public_holidays(self.state, year).items()
            if first <= day <= last
        )

    def closure_name(self, day: date) -> str | None:
        return self._closed_days.get(day)

    def is_closed(self, day: date) -> bool:
        """A public holiday or a closure day: no hours count, whatever the week says."""
        return self.holiday_name(day) is not None or day in self._closed_days

    def is_business_day(self, day: date) -> bool:
        weekday = day.weekday()
        return weekday < 5 and bool(self.hours.on(weekday)) and not self.is_closed(day)

    def next_business_day(self, day: date) -> date:
        """The first business day after ``day``."""
        for _ in range(SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_business_day(day):
                return day
        raise HoursError("No business day comes in the next ten years: check the closures.")

    def business_days_after(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself if count is 0)."""
        if count < 0:
            raise ValueError("Count business days forward only.")
        for _ in range(count):
            day = self.next_business_day(day)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 if end <= start).
        Open weekdays are counted by arithmetic and the holidays and closure days on them
        subtracted, so two years cost the same as two days."""
        if end <= start:
            return 0
        first = start + timedelta(days=1)
        days = (end - first).days + 1
        weeks, rest = divmod(days, 7)
        open_weekdays = [w for w in range(5) if self.hours.on(w)]
        count = weeks * len(open_weekdays) + sum(
            1 for i in range(rest) if (first + timedelta(days=i)).weekday() in open_weekdays
        )
        closed = {
            day
            for year in range(first.year, end.year + 1)
            for day in _public_holidays(self.state, year)
            if first <= day <= end
        }
        closed.update(day for day in self._closed_days if first <= day <= end)
        return count - sum(1 for day in closed if day.weekday() in open_weekdays)

    # --- Deadlines ----------------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("Deadlines are worked out from aware times.")
        return moment.astimezone(self.zone)

    def _at(self, day: date, minutes: int) -> datetime:
        """``minutes`` after the local midnight that starts ``day``, in UTC (24:00 is the next
        midnight)."""
        midnight = datetime.combine(day, time(0))
        return (midnight + timedelta(minutes=minutes)).replace(tzinfo=self.zone).astimezone(UTC)

    def _open_hours(self, day: date) -> tuple[Interval, ...]:
        return () if self.is_closed(day) else self.hours.on(day.weekday())

    def closing_time(self, day: date) -> datetime:
        """When the hours close on ``day`` (its last closing), in the local zone."""
        intervals = self.hours.on(day.weekday())
        if not intervals:
            raise ValueError(f"The hours do not open on {DAY_LABELS[day.weekday()]}s.")
        return self._at(day, intervals[-1][1]).astimezone(self.zone)

    def add_business_days(self, moment: datetime, count: int) -> datetime:
        """Closing time on the ``count``-th business day after the day of ``moment`` (with
        count 0, on that day, or the next business day if it is not one)."""
        day = self.local(moment).date()
        if count == 0 and not self.is_business_day(day):
            day = self.next_business_day(day)
        return self.closing_time(self.business_days_after(day, count))

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """``hours`` of opening time after ``moment``, skipping the hours it is closed,
        weekends it does not open, public holidays and closure days."""
        if hours < 0:
            raise ValueError("Count business hours forward only.")
        now = self.local(moment).astimezone(UTC)
        remaining = timedelta(hours=hours)
        day = self.local(moment).date()
        for _ in range(SEARCH_DAYS):
            for opens, closes in self._open_hours(day):
                start, end = max(now, self._at(day, opens)), self._at(day, closes)
                if end <= start:
                    continue
                if remaining <= end - start:
                    return (start + remaining).astimezone(self.zone)
                remaining -= end - start
            day += timedelta(days=1)
        raise HoursError("No opening hours come in the next ten years: check the closures.")

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Opening hours between two moments (0 if end <= start): what a pause cost in
        business time, so that a paused deadline moves by that much and no more."""
        if self.local(end) <= self.local(start):
            return 0.0
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta()
        day, last = self.local(start).date(), self.local(end).date()
        while day <= last:
            for opens, closes in self._open_hours(day):
                counted_from = max(start_utc, self._at(day, opens))
                counted_to = min(end_utc, self._at(day, closes))
                if counted_to > counted_from:
                    total += counted_to - counted_from
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def add_calendar_days(self, moment: datetime, count: int) -> datetime:
        return self.local(moment) + timedelta(days=count)
