"""A case's deadlines run on the hours of the channel it came by (the charter's telephone line,
its email hours), or the organisation's service hours; closure days stop the clock; a pause
adds back only the business hours waited on that channel. Expected times are worked out by
hand in the comments. Days of the week: Thursday 19 November 2026, Monday 23 November 2026."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from charter.cases import services
from charter.core.models import Closure
from charter.standards import services as standards_services

MEL = ZoneInfo("Australia/Melbourne")
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday")
PLAIN = (Path(__file__).parent / "mail" / "plain.eml").read_bytes()


def mel(*args) -> datetime:
    return datetime(*args, tzinfo=MEL)


@pytest.fixture
def hours_charter(widgets_charter, manager):
    """Complaints acknowledged within 4 business hours and resolved within 2 business days;
    enquiries answered within 1 business day. The telephone line is open 8 to 6 on weekdays,
    email answered 8:30 to 5; letters publish no hours (the service hours: 9 to 5)."""
    draft = standards_services.charter_version_draft(actor=manager)
    for event, target, unit in [
        ("complaint_acknowledge", 4, "business_hours"),
        ("complaint_resolve", 2, "business_days"),
        ("enquiry_reply", 1, "business_days"),
    ]:
        standards_services.promise_save(
            actor=manager, version=draft, event=event, target=Decimal(target), unit=unit,
            wording=f"{event} within {target} {unit}", measure="From when it is logged.",
        )  # fmt: skip
    for channel, hours, note in [
        ("telephone", "08:00-18:00", ""),
        ("email", "08:30-17:00", ""),
        ("letter", None, "Answered within 5 business days"),
    ]:
        standards_services.channel_save(
            actor=manager, version=draft, channel=channel,
            opening_hours=dict.fromkeys(WEEK, hours) if hours else {}, hours=note,
        )  # fmt: skip
    return standards_services.charter_version_approve(actor=manager, version=draft)


def _open(officer, customer, channel, at, kind="complaint"):
    return services.case_open(
        actor=officer, kind=kind, customer=customer, subject="Widgets late",
        channel=channel, opened_at=at,
    )  # fmt: skip


def test_a_telephone_complaint_at_half_past_five_on_thursday(hours_charter, officer, make_customer):
    case = _open(officer, make_customer(), "telephone", mel(2026, 11, 19, 17, 30))
    # Line open till 6: 0.5 h on Thursday; Friday 8:00 + 3.5 h = 11:30.
    assert case.acknowledge_due == mel(2026, 11, 20, 11, 30)
    # Two business days: Friday, then Monday 23rd, at the line's closing time.
    assert case.resolve_due == mel(2026, 11, 23, 18, 0)


def test_the_same_complaint_by_email_or_letter(hours_charter, officer, make_customer):
    by_email = _open(officer, make_customer(), "email", mel(2026, 11, 19, 17, 30))
    # Email closed at 5: Friday 8:30 + 4 h = 12:30; two business days: Monday 5 pm.
    assert by_email.acknowledge_due == mel(2026, 11, 20, 12, 30)
    assert by_email.resolve_due == mel(2026, 11, 23, 17, 0)
    by_letter = _open(officer, make_customer(), "letter", mel(2026, 11, 19, 17, 30))
    # No hours for letters: the service hours, 9 to 5: Friday 9:00 + 4 h = 13:00.
    assert by_letter.acknowledge_due == mel(2026, 11, 20, 13, 0)


def test_a_closure_day_stops_a_cases_clock(hours_charter, officer, make_customer):
    Closure.objects.create(
        name="Christmas shutdown", first_day=date(2026, 12, 24), last_day=date(2027, 1, 2)
    )
    case = _open(officer, make_customer(), "telephone", mel(2026, 12, 23, 17, 0))
    # Wednesday 23 December, 5 pm: 1 h; closed 24 December to 2 January, then Sunday;
    # Monday 4 January 8:00 + 3 h = 11:00.
    assert case.acknowledge_due == mel(2027, 1, 4, 11, 0)
    # Two business days: Monday 4th and Tuesday 5th January, at 6 pm.
    assert case.resolve_due == mel(2027, 1, 5, 18, 0)


def test_an_emailed_complaint_runs_on_the_email_hours(hours_charter, make_customer, monkeypatch):
    make_customer(name="Yore Mine Co.", email="dana.price@yoremine.example")
    monkeypatch.setattr(timezone, "now", lambda: mel(2026, 11, 19, 17, 30))
    case = services.email_receive(raw=PLAIN, source="test").case
    assert case.channel == "email" and case.kind == "complaint"
    # Received Thursday 5:30 pm, email answered 8:30 to 5: Friday 8:30 + 4 h = 12:30.
    assert case.acknowledge_due == mel(2026, 11, 20, 12, 30)


def _batch(n: int, start: int) -> list[tuple[str, bytes]]:
    return [
        ("test", PLAIN.replace(b"4471@yoremine", f"{start + i}@yoremine".encode()))
        for i in range(n)
    ]


def test_filing_mail_reads_the_hours_once_per_batch(hours_charter, make_customer):
    make_customer(name="Yore Mine Co.", email="dana.price@yoremine.example")
    for year in range(2020, 2030):
        Closure.objects.create(
            name="Shutdown", first_day=date(year, 12, 24), last_day=date(year + 1, 1, 2)
        )
    services.emails_receive(_batch(1, 50))  # fills per-process caches (content types)
    with CaptureQueriesContext(connection) as two:
        services.emails_receive(_batch(2, 100))
    with CaptureQueriesContext(connection) as six:
        services.emails_receive(_batch(6, 200))
    assert len(six) == len(two)


def test_opening_a_case_costs_the_same_whatever_the_closures_and_channels(
    hours_charter, officer, make_customer
):
    customer = make_customer()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _open(officer, customer, "telephone", mel(2026, 11, 19, 10))
        return len(queries)

    count()  # the first also fills per-process caches (content types, permissions)
    before = count()
    for year in range(2020, 2030):
        Closure.objects.create(
            name="Shutdown", first_day=date(year, 12, 24), last_day=date(year, 12, 31)
        )
    count()  # the closures changed the calendar: the process reads it again, once
    assert count() == before


def test_a_pause_gives_back_the_telephone_hours_waited(
    hours_charter, officer, make_customer, monkeypatch
):
    case = _open(officer, make_customer(), "telephone", mel(2026, 11, 19, 10, 0))
    assert case.resolve_due == mel(2026, 11, 23, 18, 0)  # Friday, Monday at 6 pm
    clock = {"now": mel(2026, 11, 19, 17, 0)}  # Thursday 5 pm
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    services.case_pause(actor=officer, case=case, reason="Photos of the damaged widgets")
    clock["now"] = mel(2026, 11, 20, 9, 0)  # Friday 9 am
    case = services.case_resume(actor=officer, case=case)
    # Waited on the line's hours: Thursday 5 to 6 pm and Friday 8 to 9 am, 2 h (on 9-to-5
    # office hours it would have been none). Monday 6 pm + 2 h: the line is closed, so
    # Tuesday 24th 8:00 + 2 h = 10:00.
    assert case.resolve_due == mel(2026, 11, 24, 10, 0)
