"""Cutting the log's period into whole months (read from the monthly counts) and the days left
at either end (counted from cases), on dates written out by hand."""

from datetime import date

from charter.cases.log_periods import Split, months_between, next_month, split_period

BEFORE = date(2027, 1, 1)  # the counts hold every month before January 2027


def test_a_period_of_whole_months_is_read_from_the_counts_alone():
    assert split_period(date(2026, 1, 1), None, counted_before=BEFORE) == Split(
        (date(2026, 1, 1), BEFORE), ((BEFORE, None),)
    )


def test_the_days_either_side_of_the_whole_months_are_counted_from_cases():
    split = split_period(date(2025, 12, 7), date(2026, 11, 21), counted_before=BEFORE)
    assert split.whole_months == (date(2026, 1, 1), date(2026, 11, 1))
    assert split.live == (
        (date(2025, 12, 7), date(2026, 1, 1)),
        (date(2026, 11, 1), date(2026, 11, 21)),
    )


def test_a_period_within_one_month_or_two_part_months_is_counted_from_cases():
    assert split_period(date(2026, 3, 5), date(2026, 3, 9), counted_before=BEFORE) == Split(
        None, ((date(2026, 3, 5), date(2026, 3, 9)),)
    )
    assert split_period(date(2026, 3, 15), date(2026, 4, 10), counted_before=BEFORE).live == (
        (date(2026, 3, 15), date(2026, 4, 10)),
    )


def test_without_counts_every_day_is_counted_and_an_empty_period_counts_nothing():
    assert split_period(None, None, counted_before=None) == Split(None, ((None, None),))
    assert split_period(date(2026, 5, 2), date(2026, 5, 2), counted_before=BEFORE) == Split(
        None, ()
    )


def test_months_run_over_the_end_of_the_year_and_february():
    assert next_month(date(2025, 12, 1)) == date(2026, 1, 1)
    assert next_month(date(2024, 1, 1)) == date(2024, 2, 1)
    assert months_between(date(2024, 1, 31), date(2024, 3, 1)) == [
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]
