"""Deadlines on real opening hours: a channel's hours, the organisation's service hours,
public holidays, closure days and daylight saving.

Every expected time below was worked out by hand from a wall calendar (the working is in the
comment beside it), not by our own code. Days of the week, for reference: Thursday 19 November
2026, Monday 23 November 2026, Wednesday 24 December 2025, Friday 2 October 2026, Saturday
4 October 2025, Saturday 5 April 2025.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from charter.core.calendar import (
    BusinessCalendar,
    ClosedPeriod,
    HoursError,
    WeeklyHours,
    parse_day,
)

MELBOURNE, SYDNEY = ZoneInfo("Australia/Melbourne"), ZoneInfo("Australia/Sydney")
TELEPHONE = WeeklyHours.weekdays("08:00", "18:00")  # the demo's telephone line
OFFICE = WeeklyHours.weekdays("09:00", "17:00")
SHUTDOWN = ClosedPeriod(date(2026, 12, 24), date(2027, 1, 2), "Christmas shutdown")

VIC_PHONE = BusinessCalendar(state="VIC", time_zone="Australia/Melbourne", hours=TELEPHONE)
NSW_PHONE = BusinessCalendar(state="NSW", time_zone="Australia/Sydney", hours=TELEPHONE)
NSW_OFFICE = BusinessCalendar(state="NSW", time_zone="Australia/Sydney", hours=OFFICE)


def mel(*args) -> datetime:
    return datetime(*args, tzinfo=MELBOURNE)


def syd(*args) -> datetime:
    return datetime(*args, tzinfo=SYDNEY)


# --- Business hours on a channel's hours --------------------------------------------------------


def test_a_telephone_complaint_after_the_office_closes_runs_on_the_telephone_lines_hours():
    received = mel(2026, 11, 19, 17, 30)  # Thursday, 5:30 pm
    # Line open till 6 pm: 0.5 h on Thursday; 3.5 h more from 8:00 on Friday = 11:30.
    assert VIC_PHONE.add_business_hours(received, 4) == mel(2026, 11, 20, 11, 30)
    # On 9-to-5 office hours the line would be closed: Friday 9:00 + 4 h = 13:00.
    office = VIC_PHONE.with_hours(OFFICE)
    assert office.add_business_hours(received, 4) == mel(2026, 11, 20, 13, 0)


@pytest.mark.parametrize(
    ("received", "hours", "due", "why"),
    [
        (mel(2026, 11, 23, 7, 15), 1, mel(2026, 11, 23, 9, 0), "before opening: 8:00 + 1 h"),
        (mel(2026, 11, 23, 18, 30), 1, mel(2026, 11, 24, 9, 0), "after closing: Tue 8:00 + 1"),
        (mel(2026, 11, 23, 18, 0), 1, mel(2026, 11, 24, 9, 0), "exactly at closing: Tue 8 + 1"),
        (mel(2026, 11, 23, 8, 0), 10, mel(2026, 11, 23, 18, 0), "8:00 + 10 h is closing itself"),
        (mel(2026, 11, 20, 16, 0), 4, mel(2026, 11, 23, 10, 0), "Fri 2 h, weekend, Mon 8 + 2"),
        (mel(2026, 11, 21, 12, 0), 2, mel(2026, 11, 23, 10, 0), "on a Saturday: Mon 8 + 2"),
    ],
)
def test_business_hours_on_the_telephone_lines_hours(received, hours, due, why):
    assert VIC_PHONE.add_business_hours(received, hours) == due, why


def test_melbourne_cup_day_stops_the_clock_in_victoria_only():
    received = mel(2026, 11, 2, 17, 0)  # Monday 2 November 2026, 5 pm
    # Victoria: 1 h on Monday; Tuesday 3 November is Melbourne Cup Day; Wednesday 8:00 + 3 h.
    assert VIC_PHONE.add_business_hours(received, 4) == mel(2026, 11, 4, 11, 0)
    # New South Wales works on Cup Day: Monday 1 h (Sydney time), Tuesday 8:00 + 3 h.
    assert NSW_PHONE.add_business_hours(syd(2026, 11, 2, 17), 4) == syd(2026, 11, 3, 11, 0)


def test_christmas_and_boxing_day_in_new_south_wales():
    received = syd(2025, 12, 24, 16, 0)  # Wednesday, 4 pm
    # 2 h on Wednesday; Thursday 25 Christmas, Friday 26 Boxing Day, then the weekend;
    # Monday 29 December 8:00 + 2 h = 10:00.
    assert NSW_PHONE.add_business_hours(received, 4) == syd(2025, 12, 29, 10, 0)
    # One business day: Monday 29 December at the line's closing time, 6 pm.
    assert NSW_PHONE.add_business_days(received, 1) == syd(2025, 12, 29, 18, 0)


def test_a_closure_counts_no_business_day_or_hour():
    closed = BusinessCalendar(
        state="VIC", time_zone="Australia/Melbourne", hours=TELEPHONE, closures=(SHUTDOWN,)
    )
    received = mel(2026, 12, 23, 17, 0)  # Wednesday 23 December, 5 pm
    # 1 h on Wednesday; closed Thursday 24 December to Saturday 2 January; Sunday; Monday
    # 4 January 8:00 + 3 h = 11:00.
    assert closed.add_business_hours(received, 4) == mel(2027, 1, 4, 11, 0)
    # One business day: Monday 4 January at 6 pm (without the shutdown: Thursday 24th).
    assert closed.add_business_days(received, 1) == mel(2027, 1, 4, 18, 0)
    assert VIC_PHONE.add_business_days(received, 1) == mel(2026, 12, 24, 18, 0)
    # A pause over the shutdown cost 1 h on Wednesday and 1 h on Monday (8 to 9).
    assert closed.business_hours_between(received, mel(2027, 1, 4, 9, 0)) == 2.0
    # Business days after 23 December up to Tuesday 5 January: the 4th and 5th only. Without
    # it: 24, 29, 30, 31 December, 4 and 5 January (25th, 28th and 1st are holidays) = 6.
    assert closed.business_days_between(date(2026, 12, 23), date(2027, 1, 5)) == 2
    assert VIC_PHONE.business_days_between(date(2026, 12, 23), date(2027, 1, 5)) == 6
    assert closed.closure_name(date(2027, 1, 2)) == "Christmas shutdown"
    assert not closed.is_business_day(date(2026, 12, 31))


def test_a_one_day_closure_on_an_ordinary_friday():
    training = ClosedPeriod(date(2026, 11, 20), date(2026, 11, 20), "Training day")
    calendar = BusinessCalendar(
        state="VIC", time_zone="Australia/Melbourne", hours=TELEPHONE, closures=(training,)
    )
    # Thursday 5:30 pm: 0.5 h; Friday closed; Monday 23rd 8:00 + 3.5 h = 11:30.
    assert calendar.add_business_hours(mel(2026, 11, 19, 17, 30), 4) == mel(2026, 11, 23, 11, 30)


def test_business_days_end_at_each_channels_closing_time():
    received = mel(2026, 11, 23, 10, 0)  # Monday
    # One business day: Tuesday 24th, at whatever time the hours close that day.
    assert VIC_PHONE.add_business_days(received, 1) == mel(2026, 11, 24, 18, 0)
    email = VIC_PHONE.with_hours(WeeklyHours.weekdays("08:30", "17:00"))
    assert email.add_business_days(received, 1) == mel(2026, 11, 24, 17, 0)
    counter = VIC_PHONE.with_hours(WeeklyHours.weekdays("09:00", "16:00"))
    assert counter.add_business_days(received, 1) == mel(2026, 11, 24, 16, 0)


def test_saturday_hours_count_as_business_hours_but_not_as_a_business_day():
    # The bank's line: weekdays 8 am to 8 pm, Saturday 9 to 1.
    bank = NSW_PHONE.with_hours(
        WeeklyHours.from_data(
            {**dict.fromkeys(["monday", "tuesday", "wednesday", "thursday"], "8:00-20:00"),
             "friday": "8:00-20:00", "saturday": "9:00-13:00"}
        )
    )  # fmt: skip
    friday = syd(2026, 11, 20, 19, 0)
    # 1 h on Friday (7 to 8 pm) and 3 h on Saturday from 9: Saturday noon.
    assert bank.add_business_hours(friday, 4) == syd(2026, 11, 21, 12, 0)
    # A business day is a weekday: one business day from Friday is Monday, at 8 pm.
    assert bank.add_business_days(friday, 1) == syd(2026, 11, 23, 20, 0)


def test_a_lunch_break_is_not_counted():
    lunch = NSW_OFFICE.with_hours(
        WeeklyHours.from_data({d: "9:00-12:30, 13:30-17:00" for d in ("monday", "tuesday")})
    )
    # Monday noon: half an hour to 12:30, closed for lunch, half an hour from 13:30 = 14:00.
    assert lunch.add_business_hours(syd(2026, 11, 23, 12, 0), 1) == syd(2026, 11, 23, 14, 0)
    # Monday 4 pm + 2 h: 1 h to 5 pm, then Tuesday 24th 9:00 + 1 h = 10:00.
    assert lunch.add_business_hours(syd(2026, 11, 23, 16, 0), 2) == syd(2026, 11, 24, 10, 0)
    assert lunch.business_hours_between(syd(2026, 11, 23, 12), syd(2026, 11, 23, 14)) == 1.0


# --- Daylight saving in Sydney ------------------------------------------------------------------


def test_over_the_start_of_daylight_saving_and_labour_day():
    # Friday 2 October 2026, 3 pm AEST (UTC+10) on 9-to-5: 2 h on Friday; clocks go forward
    # on Sunday 4 October; Monday 5 October is Labour Day in NSW; Tuesday 9:00 AEDT + 2 h is
    # 11:00 AEDT (UTC+11), which is midnight UTC.
    due = NSW_OFFICE.add_business_hours(syd(2026, 10, 2, 15, 0), 4)
    assert due == syd(2026, 10, 6, 11, 0)
    assert due == datetime(2026, 10, 6, 0, 0, tzinfo=UTC)


def test_over_the_end_of_daylight_saving():
    # Friday 4 April 2025, 3 pm AEDT (UTC+11): 2 h on Friday; clocks go back on Sunday
    # 6 April; Monday 7 April 9:00 AEST + 2 h = 11:00 AEST (UTC+10) = 01:00 UTC.
    due = NSW_OFFICE.add_business_hours(syd(2025, 4, 4, 15, 0), 4)
    assert due == datetime(2025, 4, 7, 1, 0, tzinfo=UTC)


def test_a_line_open_round_the_clock_counts_the_short_and_the_long_night_as_they_are():
    always = NSW_OFFICE.with_hours(WeeklyHours.from_data(dict.fromkeys(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        "00:00-24:00",
    )))  # fmt: skip
    # Saturday 4 October 2025 noon AEST = 02:00 UTC; 24 real hours later is 02:00 UTC on
    # Sunday, which is 1 pm AEDT: the clocks went forward an hour that night.
    assert always.add_business_hours(syd(2025, 10, 4, 12, 0), 24) == syd(2025, 10, 5, 13, 0)
    # Saturday and Sunday 4-5 October 2025: 24 h + 23 h.
    assert always.business_hours_between(syd(2025, 10, 4), syd(2025, 10, 6)) == 47.0
    # Saturday 5 April 2025 noon AEDT = 01:00 UTC; + 24 h = 01:00 UTC Sunday = 11 am AEST.
    assert always.add_business_hours(syd(2025, 4, 5, 12, 0), 24) == syd(2025, 4, 6, 11, 0)
    # Saturday and Sunday 5-6 April 2025: 24 h + 25 h.
    assert always.business_hours_between(syd(2025, 4, 5), syd(2025, 4, 7)) == 49.0


# --- Writing and reading the hours -------------------------------------------------------------


def test_the_hours_read_as_customers_write_them():
    bank = WeeklyHours.from_data(
        {**{d: "8:00 am to 8 pm" for d in ("monday", "tuesday", "wednesday", "thursday")},
         "friday": [["08:00", "20:00"]], "saturday": "9-13"}
    )  # fmt: skip
    assert bank.text() == "Monday to Friday, 8:00 am to 8:00 pm; Saturday, 9:00 am to 1:00 pm"
    assert bank.to_data()["saturday"] == [["09:00", "13:00"]]
    assert "sunday" not in bank.to_data()
    assert bank.day_text(0) == "08:00-20:00"
    assert TELEPHONE.text() == "Monday to Friday, 8:00 am to 6:00 pm"
    split = WeeklyHours.from_data({d: "9-12:30, 13:30-17" for d in ("monday", "wednesday")})
    assert split.text() == "Monday and Wednesday, 9:00 am to 12:30 pm and 1:30 pm to 5:00 pm"
    assert WeeklyHours().text() == "Closed"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("8:07-17:00", "08:07 is not on the quarter hour: use :00, :15, :30 or :45."),
        ("18:00-8:00", "closing (08:00) must be after opening (18:00)."),
        ("9:00-9:00", "closing (09:00) must be after opening (09:00)."),
        ("25:00-26:00", "“25:00” is not a time of day: write it as 8:30 or 17:00."),
        ("13 pm-5 pm", "“13 pm” is not a time of day: write it as 8:30 am."),
        ("9-12:30, 12:00-17", "09:00-12:30 and 12:00-17:00 overlap."),
        ("nine to five", "“nine” is not a time of day: write it as 8:30 or 17:00."),
        ("9", "write the hours as opening and closing times"),
    ],
)
def test_hours_that_cannot_be_used_are_refused_with_the_reason(written, message):
    with pytest.raises(HoursError) as refused:
        parse_day(written, label="Monday")
    assert refused.value.message.startswith("Monday: ")
    assert message in refused.value.message


def test_blank_or_closed_is_a_closed_day_and_midnight_ends_a_day():
    assert parse_day("") == () and parse_day("Closed") == ()
    assert parse_day("0:00-24:00") == ((0, 1440),)
    assert parse_day("noon to midnight") == ((720, 1440),)


def test_weekly_hours_from_data_name_the_wrong_day():
    with pytest.raises(HoursError, match="“funday” is not a day of the week"):
        WeeklyHours.from_data({"funday": "9-5"})
    with pytest.raises(HoursError, match=r"^Tuesday: closing"):
        WeeklyHours.from_data({"monday": [["09:00", "17:00"]], "tuesday": [["17:00", "09:00"]]})
    with pytest.raises(HoursError, match=r"^Wednesday: give a list"):
        WeeklyHours.from_data({"wednesday": [["09:00"]]})
    # Stored hours that cannot be used read as none, rather than failing a page.
    assert WeeklyHours.load({"monday": "nonsense"}) == WeeklyHours()
