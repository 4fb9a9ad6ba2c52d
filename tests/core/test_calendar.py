"""Business-day deadlines against Victoria's published 2026 public holidays (the reference),
not against the holidays package's own list."""

from datetime import date, datetime, timedelta

import pytest

from charter.core.calendar import BusinessCalendar, WeeklyHours

MELBOURNE = BusinessCalendar(state="VIC", time_zone="Australia/Melbourne")
SYDNEY = BusinessCalendar(state="NSW", time_zone="Australia/Sydney")

# Victoria's public holidays in 2026 as the state government published them.
VIC_2026 = [
    date(2026, 1, 1),  # New Year's Day
    date(2026, 1, 26),  # Australia Day
    date(2026, 3, 9),  # Labour Day
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 4),  # Saturday before Easter Sunday
    date(2026, 4, 5),  # Easter Sunday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 4, 25),  # ANZAC Day (a Saturday; no day in lieu in Victoria)
    date(2026, 6, 8),  # King's Birthday
    date(2026, 9, 25),  # Friday before the AFL Grand Final
    date(2026, 11, 3),  # Melbourne Cup Day
    date(2026, 12, 25),  # Christmas Day
    date(2026, 12, 26),  # Boxing Day (a Saturday)
    date(2026, 12, 28),  # Boxing Day, observed on the Monday
]


def mel(*args) -> datetime:
    return datetime(*args, tzinfo=MELBOURNE.zone)


def test_every_published_holiday_is_not_a_business_day_and_nothing_else_on_weekdays():
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected = day.weekday() < 5 and day not in VIC_2026
        assert MELBOURNE.is_business_day(day) is expected, day
        day = date.fromordinal(day.toordinal() + 1)


def test_melbourne_cup_day_is_a_holiday_in_victoria_but_not_in_new_south_wales():
    assert not MELBOURNE.is_business_day(date(2026, 11, 3))
    assert SYDNEY.is_business_day(date(2026, 11, 3))
    # Labour Day differs too: March in Victoria, October in New South Wales.
    assert SYDNEY.is_business_day(date(2026, 3, 9))
    assert not SYDNEY.is_business_day(date(2026, 10, 5))


def test_three_business_days_from_an_order_on_the_friday_before_the_cup():
    # Ordered Friday 30 October 2026; Monday counts, Tuesday is Melbourne Cup Day.
    deadline = MELBOURNE.add_business_days(mel(2026, 10, 30, 16, 45), 3)
    assert deadline == mel(2026, 11, 5, 17, 0)


def test_one_business_day_over_easter_and_christmas():
    assert MELBOURNE.add_business_days(mel(2026, 4, 2, 10), 1) == mel(2026, 4, 7, 17)
    assert MELBOURNE.add_business_days(mel(2026, 12, 24, 10), 1) == mel(2026, 12, 29, 17)


def test_a_complaint_on_a_saturday_counts_from_monday():
    assert MELBOURNE.add_business_days(mel(2026, 11, 21, 11), 1) == mel(2026, 11, 23, 17)


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        (mel(2026, 11, 23, 10, 0), 4, mel(2026, 11, 23, 14, 0)),  # same day
        (mel(2026, 11, 23, 15, 0), 4, mel(2026, 11, 24, 11, 0)),  # runs overnight
        (mel(2026, 11, 23, 7, 30), 1, mel(2026, 11, 23, 10, 0)),  # before opening
        (mel(2026, 11, 23, 18, 0), 1, mel(2026, 11, 24, 10, 0)),  # after closing
        (mel(2026, 10, 30, 16, 0), 16, mel(2026, 11, 4, 16, 0)),  # weekend and the Cup
        (mel(2026, 11, 21, 12, 0), 2, mel(2026, 11, 23, 11, 0)),  # on a Saturday
    ],
)
def test_business_hours_count_only_opening_hours(received, hours, due):
    assert MELBOURNE.add_business_hours(received, hours) == due


def test_deadlines_are_worked_out_in_the_organisations_zone():
    # 23:30 UTC on Sunday is 10:30 on Monday in Melbourne (daylight saving).
    from datetime import UTC

    received = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert MELBOURNE.add_business_days(received, 0) == mel(2026, 11, 23, 17)
    assert MELBOURNE.add_business_hours(received, 1) == mel(2026, 11, 23, 11, 30)


def test_counting_business_days_between_two_dates():
    assert MELBOURNE.business_days_between(date(2026, 10, 30), date(2026, 11, 6)) == 4
    assert MELBOURNE.business_days_between(date(2026, 11, 6), date(2026, 11, 6)) == 0


def test_naive_times_and_backward_counts_are_refused():
    with pytest.raises(ValueError):
        MELBOURNE.add_business_days(datetime(2026, 11, 23, 10), 1)
    with pytest.raises(ValueError):
        MELBOURNE.add_business_days(mel(2026, 11, 23, 10), -1)
    with pytest.raises(ValueError):
        WeeklyHours.weekdays("17:00", "09:00")  # closing before opening
    with pytest.raises(ValueError):
        BusinessCalendar(hours=WeeklyHours.from_data({"saturday": "9:00-13:00"}))  # no weekday


def test_the_calendar_is_the_organisations(db):
    from charter.core.models import Organisation
    from charter.core.selectors import business_calendar

    Organisation.objects.create(
        name="Innovative Widgets", state="VIC", time_zone="Australia/Melbourne"
    )
    calendar = business_calendar()
    assert (calendar.state, calendar.time_zone) == ("VIC", "Australia/Melbourne")
    assert not calendar.is_business_day(date(2026, 11, 3))


def test_across_the_year_boundary():
    # 31 Dec is a Thursday; New Year's Day 2027 a Friday; then a weekend.
    assert MELBOURNE.add_business_days(mel(2026, 12, 30, 9), 3) == mel(2027, 1, 5, 17)


def _reference_deadline(received: date, count: int) -> date:
    """An independent count: walk the calendar, skipping weekends and the published list."""
    closed = set(VIC_2026) | {date(2027, 1, 1), date(2027, 1, 26)}
    day, left = received, count
    while left:
        day = date.fromordinal(day.toordinal() + 1)
        if day.weekday() < 5 and day not in closed:
            left -= 1
    return day


def test_every_day_of_2026_agrees_with_an_independent_count():
    day = date(2026, 1, 1)
    while day.year == 2026:
        for count in (1, 3, 5):
            got = MELBOURNE.add_business_days(mel(day.year, day.month, day.day, 20, 15), count)
            assert got.date() == _reference_deadline(day, count), (day, count)
        day = date.fromordinal(day.toordinal() + 1)


def test_counting_business_days_over_long_spans_agrees_with_a_day_by_day_count():
    """Counted by arithmetic, checked against walking each day with the holidays package."""
    import random

    import holidays as holidays_package

    vic = holidays_package.country_holidays("AU", subdiv="VIC", years=range(2024, 2029))
    rng = random.Random(7)
    for _ in range(200):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1500))
        end = start + timedelta(days=rng.randrange(0, 700))
        expected, day = 0, start
        while day < end:
            day += timedelta(days=1)
            expected += day.weekday() < 5 and day not in vic
        assert MELBOURNE.business_days_between(start, end) == expected, (start, end)


@pytest.mark.parametrize(
    "start, end, hours",
    [
        # Within one day.
        (mel(2026, 11, 23, 10), mel(2026, 11, 23, 12, 30), 2.5),
        # Friday 4 pm to Monday 10 am: one hour on Friday, one on Monday.
        (mel(2026, 11, 20, 16), mel(2026, 11, 23, 10), 2.0),
        # Melbourne Cup Day (Tue 3 Nov 2026) counts nothing: Mon 4 pm to Wed 10 am.
        (mel(2026, 11, 2, 16), mel(2026, 11, 4, 10), 2.0),
        # Overnight and outside hours only.
        (mel(2026, 11, 23, 18), mel(2026, 11, 24, 8), 0.0),
        (mel(2026, 11, 24, 8), mel(2026, 11, 23, 18), 0.0),
    ],
)
def test_business_hours_between_two_moments(start, end, hours):
    assert MELBOURNE.business_hours_between(start, end) == hours
    # And adding them back lands on the same moment (when any passed).
    if hours:
        assert MELBOURNE.add_business_hours(start, hours) == end
