"""When the demo's story happens, worked out from the day it is loaded: the one place that says
so. Every app's ``demo.py`` reads its dates from here, so a demo loaded in March, or next year,
tells the seeds' story as one loaded in December does.

The seeds tell it in December ("It is currently December"), looking back over the year:

- **October and November** are the last October and November that have both ended before the
  load date: "the October before the last full month". Loaded in December 2026, those of 2026;
  loaded on any day from January to November 2027, still those of 2026. The month names stay
  true (Taya and Mary joined in October, Nitin left in October), however old the story is.
- **Staff events.** Taya starts on the first Monday of that October and Mary a week later;
  Nitin's last day is 31 October; John is on annual leave from 1 October to 30 November.
- **The year of history** (calls, complaints, comments) runs from the first of the month eleven
  months before the load date's month to the load date: loaded in December, the seeds' January
  to November and December so far. Loaded in October or November, it starts on the story's
  1 October instead, so the story's months are always in it.
- **The RATER runs** open on 2 March and 1 September of the story's year, before October.
- **Yore Mine Co.** The buyer rang "yesterday": the last business day before the load date. He
  had ordered for delivery "last Friday" and "it's now a week later": the promised day is the
  Friday of the week before his call (a Friday that was a public holiday in the organisation's
  state, such as Good Friday or Christmas Day, promised nothing, so the Friday a week before
  it). Loaded from Tuesday to Sunday that is the Friday of the previous week; loaded on a
  Monday (or the day after a Monday holiday), the call was on the previous week's last business
  day and the promised Friday is the one before it. The order was placed so that the charter's
  three business days end on that Friday (``orders.demo``).

``seed_demo --today YYYY-MM-DD`` loads the demo as if it were that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

TAYA, MARY, NITIN, JOHN = "taya", "mary", "nitin", "john"


def _month_start(day: date, months: int = 0) -> date:
    """The first of the month ``months`` months from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(0 - day.weekday()) % 7)


@dataclass(frozen=True)
class StoryDates:
    today: date
    october: date  # 1 October of the story's year
    november_end: date  # 30 November of the story's year
    history_start: date
    rater_runs: tuple[date, date]
    started: dict[str, date] = field(default_factory=dict)  # staff who joined in the story
    left: dict[str, date] = field(default_factory=dict)  # ... and who left (their last day)
    leave: dict[str, tuple[date, date]] = field(default_factory=dict)  # first and last day

    @property
    def year(self) -> int:
        return self.october.year

    def on_duty(self, username: str, day: date, away: dict | None = None) -> bool:
        """Whether someone worked that day: after they started, up to their last day, and not
        on leave. ``away`` is the leave as recorded (username: [(first, last), ...]), which
        the demo reads once the staff are loaded; without it, the story's own leave."""
        if username in self.started and day < self.started[username]:
            return False
        if username in self.left and day > self.left[username]:
            return False
        if away is None:
            away = {name: [span] for name, span in self.leave.items()}
        return not any(first <= day <= last for first, last in away.get(username, ()))

    def story_months(self, day: date) -> bool:
        """Whether a day is in the story's October or November."""
        return self.october <= day <= self.november_end

    # --- Yore Mine Co. ------------------------------------------------------------------------
    def complaint_day(self, calendar) -> date:
        """The seeds' "yesterday": the last business day before the load date."""
        day = self.today - timedelta(days=1)
        while not calendar.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def promised_friday(self, calendar) -> date:
        """The seeds' "last Friday", from the call: the Friday of the week before it, a week
        earlier again while that Friday was a public holiday."""
        call = self.complaint_day(calendar)
        friday = call - timedelta(days=call.weekday() + 3)
        while not calendar.is_business_day(friday):
            friday -= timedelta(days=7)
        return friday


def story_dates(today: date) -> StoryDates:
    year = today.year if today.month == 12 else today.year - 1
    october = date(year, 10, 1)
    taya = _monday_on_or_after(october)
    return StoryDates(
        today=today,
        october=october,
        november_end=date(year, 11, 30),
        history_start=min(_month_start(today, -11), october),
        rater_runs=(date(year, 3, 2), date(year, 9, 1)),
        started={TAYA: taya, MARY: taya + timedelta(days=7)},
        left={NITIN: date(year, 10, 31)},
        leave={JOHN: (october, date(year, 11, 30))},
    )


def current() -> StoryDates:
    """The story as of today in the organisation's zone (``seed_demo --today`` sets the clock)."""
    from .selectors import business_calendar

    return story_dates(timezone.localtime(timezone.now(), business_calendar().zone).date())
