"""The second demo organisation, a bank in New South Wales, as an installation of its own: its
charter keeps ASIC's internal dispute resolution times and sends customers on to AFCA.

Expected dates are worked out by hand from a 2026 calendar: Friday 2 October 2026 is followed
by the weekend and then NSW's Labour Day, Monday 5 October, a public holiday in New South Wales
(not in Victoria); daylight saving starts in NSW on Sunday 4 October.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from charter.accounts.models import AuthorityLimit, Team, User
from charter.core.models import AuditEntry, Organisation
from charter.customers.models import Customer, CustomerType, Segment
from charter.standards import selectors
from charter.standards.models import (
    ChannelOffer,
    CharterVersion,
    CustomerNeed,
    Policy,
    ProcedureStep,
    PromiseEvent,
    ServicePromise,
)

SYDNEY = ZoneInfo("Australia/Sydney")
# A complaint on Friday 2 October 2026 at 10 am, Sydney time.
FRIDAY = datetime(2026, 10, 2, 10, 0, tzinfo=SYDNEY)


@pytest.fixture
def bank(db, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    settings.CHARTER_DEMO_LOGINS_FILE = tmp_path / "demo-logins.txt"
    call_command("seed_demo", organisation="bank", verbosity=0)
    return Organisation.objects.get()


@pytest.fixture
def aisha(bank):
    return Customer.objects.get(reference="SCB-0001")


def test_the_bank_is_its_own_organisation_with_the_demo_logins(bank, client, tmp_path):
    assert (bank.name, bank.state, bank.time_zone) == (
        "Southern Cross Community Bank",
        "NSW",
        "Australia/Sydney",
    )
    assert not Customer.objects.filter(reference__startswith="IW-").exists()
    assert User.objects.get(username="grace").email == "grace@southerncrossbank.example"
    assert User.objects.get(username="mary").role_codes == ["cso"]
    assert Team.objects.filter(name="Customer service").exists()
    response = client.post("/login/", {"username": "mary", "password": "demo-pass-123"})
    assert response.status_code == 302
    # The bank's logins are kept beside Innovative Widgets' file, never over it.
    assert "Southern Cross" in (tmp_path / "demo-logins-bank.txt").read_text()
    assert not (tmp_path / "demo-logins.txt").exists()


def test_a_complaint_is_acknowledged_within_one_business_day(aisha):
    ack = selectors.deadline_for(aisha, PromiseEvent.COMPLAINT_ACKNOWLEDGE, FRIDAY)
    assert "within 24 hours or one business day" in ack.promise.wording
    # Saturday, Sunday and NSW Labour Day do not count: closing time on Tuesday 6 October.
    assert ack.due == datetime(2026, 10, 6, 17, 0, tzinfo=SYDNEY)
    wednesday = datetime(2026, 11, 11, 15, 30, tzinfo=SYDNEY)
    ack = selectors.deadline_for(aisha, PromiseEvent.COMPLAINT_ACKNOWLEDGE, wednesday)
    assert ack.due == datetime(2026, 11, 12, 17, 0, tzinfo=SYDNEY)


def test_a_final_response_is_due_in_30_calendar_days_and_21_for_hardship(aisha):
    final = selectors.deadline_for(aisha, PromiseEvent.COMPLAINT_RESOLVE, FRIDAY)
    assert final.promise.topic == ""
    # 30 days on from 2 October, weekends and holidays included: 1 November, same time of day.
    assert final.due == datetime(2026, 11, 1, 10, 0, tzinfo=SYDNEY)
    hardship = selectors.deadline_for(
        aisha, PromiseEvent.COMPLAINT_RESOLVE, FRIDAY, topic="hardship"
    )
    assert hardship.promise.topic == "hardship"
    assert hardship.due == datetime(2026, 10, 23, 10, 0, tzinfo=SYDNEY)
    default = selectors.deadline_for(
        aisha, PromiseEvent.COMPLAINT_RESOLVE, FRIDAY, topic="default_notice"
    )
    assert default.promise.topic == "default_notice"
    assert default.due == datetime(2026, 10, 23, 10, 0, tzinfo=SYDNEY)
    # A topic with no promise of its own gets the general 30 days.
    fees = selectors.deadline_for(aisha, PromiseEvent.COMPLAINT_RESOLVE, FRIDAY, topic="fees")
    assert fees.due == datetime(2026, 11, 1, 10, 0, tzinfo=SYDNEY)


def test_a_quick_resolution_by_the_fifth_business_day_needs_no_written_response(aisha):
    quick = selectors.deadline_for(aisha, PromiseEvent.COMPLAINT_QUICK_RESOLUTION, FRIDAY)
    assert "no written response unless you ask for one" in quick.promise.wording
    # Tuesday 6, Wednesday 7, Thursday 8, Friday 9, Monday 12 October.
    assert quick.due == datetime(2026, 10, 12, 17, 0, tzinfo=SYDNEY)


def test_the_charter_names_afca_and_the_final_response_step_does_too(bank):
    version = selectors.current_version()
    body = version.external_dispute_body
    assert "Australian Financial Complaints Authority" in body
    assert "www.afca.org.au" in body and "1800 931 678" in body
    assert {n.customer_type.name for n in version.needs.all()} == set(
        CustomerType.objects.values_list("name", flat=True)
    )
    assert {"telephone", "email", "face_to_face", "video", "web_form", "letter"} <= set(
        version.channels.values_list("channel", flat=True)
    )
    policy = Policy.objects.get(slug="complaints").versions.get(status="approved")
    assert policy.approved_by == User.objects.get(username="grace")
    final = [s for s in policy.steps.all() if "final response in writing" in s.text]
    assert len(final) == 1 and "AFCA" in final[0].text
    assert final[0].authority_limit.action == "refer_outside"
    assert "Corporations Act 2001 (Cwlth)" in policy.acts


def test_seeding_the_bank_twice_changes_nothing(bank):
    models = [
        User,
        Team,
        AuthorityLimit,
        Customer,
        CustomerType,
        Segment,
        CharterVersion,
        ServicePromise,
        CustomerNeed,
        ChannelOffer,
        Policy,
        ProcedureStep,
        AuditEntry,
    ]
    before = [m.objects.count() for m in models]
    call_command("seed_demo", organisation="bank", verbosity=0)
    assert [m.objects.count() for m in models] == before


def test_one_organisation_per_database(bank):
    with pytest.raises(CommandError, match="one organisation per database"):
        call_command("seed_demo", verbosity=0)
    assert Organisation.objects.count() == 1
    assert not Customer.objects.filter(reference="IW-0001").exists()
