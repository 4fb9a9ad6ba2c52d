"""The demo's authority as the seed's complaints procedure reads (steps 6 and 7), its policies
signed as the seed signs them, and John's leave in October and November as a record."""

from datetime import datetime, time
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from freezegun import freeze_time

from charter.accounts import selectors, services, tasks
from charter.accounts.models import StaffAbsence, User
from charter.core.demo_dates import story_dates
from charter.core.selectors import business_calendar
from charter.feedback import services as feedback_services
from charter.feedback.models import Comment

D = Decimal
pytestmark = pytest.mark.django_db
HOLD = "I was left on hold for forty minutes before anyone answered the phone."


def _staff(*names):
    return [User.objects.get(username=name) for name in names]


def test_marys_goodwill_is_12_on_a_120_widget_and_30_goes_to_john(demo):
    [mary] = _staff("mary")
    twelve = selectors.authority_check(
        actor=mary, action="goodwill", amount=D("12"), item_value=D("120")
    )
    assert twelve.allowed
    thirty = selectors.authority_check(
        actor=mary, action="goodwill", amount=D("30"), item_value=D("120")
    )
    assert not thirty.allowed and thirty.ceiling == D("12.00")
    # Refunding the faulty widget itself, the remedy the refunds policy says is due, is hers.
    assert selectors.authority_check(
        actor=mary, action="refund", amount=D("120"), item_value=D("120")
    ).allowed
    approval = services.approval_request_create(
        requested_by=mary,
        action="goodwill",
        amount="30",
        item_value="120",
        description="Goodwill on a faulty widget",
    )
    assert approval.required_role.code == "supervisor"
    mail.outbox.clear()
    tasks.notify_approvers.call(approval.pk)
    assert [m.to for m in mail.outbox] == [["john@innovative-widgets.example"]]


def test_johns_leave_is_a_record_and_his_approvals_go_to_grace_while_he_is_away(demo):
    john, grace, mary = _staff("john", "grace", "mary")
    leave = StaffAbsence.objects.get(user=john)
    story = story_dates(leave.starts_on.replace(month=12, day=1))
    assert (leave.starts_on, leave.ends_on) == story.leave["john"]
    assert leave.stand_in == grace and leave.get_reason_display() == "Annual leave"
    zone = business_calendar().zone
    during = datetime.combine(leave.starts_on.replace(day=15), time(10), tzinfo=zone)
    with freeze_time(during):
        approval = services.approval_request_create(
            requested_by=mary,
            action="goodwill",
            amount="30",
            item_value="120",
            description="Goodwill on a faulty widget",
        )
        assert approval in selectors.approvals_waiting_for(grace)
        mail.outbox.clear()
        tasks.notify_approvers.call(approval.pk)
        assert [m.to for m in mail.outbox] == [["grace@innovative-widgets.example"]]
        # Feedback routed to John during his leave lands with the manager.
        comment = feedback_services.feedback_give(kind="comment", text=HOLD)
        assert comment.topic.code == "waiting_time" and comment.routed_to == grace
    after = feedback_services.feedback_give(kind="comment", text=HOLD)
    assert after.routed_to == john


def test_the_history_reads_the_leave_record(demo_with_history):
    john, grace = _staff("john", "grace")
    leave = StaffAbsence.objects.get(user=john)
    away = Comment.objects.filter(
        topic__code="waiting_time",
        received_at__date__gte=leave.starts_on,
        received_at__date__lte=leave.ends_on,
    )
    assert away.exists() and not away.filter(routed_to=john).exists()
    assert set(away.values_list("routed_to__username", flat=True)) == {grace.username}
    from charter.cases.models import Contact

    calls = Contact.objects.filter(
        staff=john, at__date__gte=leave.starts_on, at__date__lte=leave.ends_on
    )
    assert not calls.exists()


def test_replacing_is_marys_with_the_reading_on_and_not_with_it_off(demo, client):
    mary, grace = _staff("mary", "grace")
    assert selectors.authority_check(actor=mary, action="replace", amount=D("120")).allowed
    client.force_login(grace)
    page = unescape(client.get("/standards/policies/complaints/1/").content.decode())
    assert "10/2011 \N{EN DASH} John Doe CFO" in page
    assert "Reading in force:</strong> replacing the faulty product is within every staff" in page
    assert "No product replacements are within all staff members" in page
    assert "an additional amount of up to 10% of the faulty product's value, at most $25" in page
    client.post("/authority/reading/", {"replacement_within_everyones_authority": "no"})
    assert not selectors.authority_check(actor=mary, action="replace", amount=D("120")).allowed
    page = client.get("/standards/policies/complaints/1/").content.decode()
    assert "Reading in force:</strong> read on its own" in page


def test_the_complaints_procedure_is_numbered_as_the_seed_numbers_it(demo):
    from charter.standards import selectors as standards_selectors
    from charter.standards.models import Policy

    version = Policy.objects.get(slug="complaints").versions.get(number=1)
    procedures = dict(standards_selectors.procedures(version))
    officers, manager = procedures.values()
    assert [s.number for s in officers] == list(range(1, 11))
    assert [s.number for s in manager] == [1, 2, 3, 4]
    assert officers[5].authority_limit.action == "replace"
    assert officers[6].authority_limit.action == "goodwill"
    assert officers[8].refer_to_role.code == officers[9].refer_to_role.code == "csm"
    assert "a. " in manager[1].text and "b. " in manager[1].text
    assert all(f"{letter}. " in manager[3].text for letter in "abcde")
