"""Staff leave and who stands in; the manager's reading of complaints procedure step 6.

While someone is away, approvals that would wait for them go to their stand-in too (who is
emailed, where they are not), and the reading of step 6 decides whether replacing a faulty
product needs approval."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from charter.accounts import selectors, services, tasks
from charter.accounts.models import AuthoritySettings, RoleCode, StaffAbsence
from charter.core.errors import DomainError, NotPermitted
from charter.core.models import AuditEntry

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, demo_limits):
    return {
        "mary": make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary"),
        "mia": make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mia"),
        "john": make_user(RoleCode.SUPERVISOR, username="john"),
        "grace": make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace"),
        "omar": make_user(RoleCode.ADMINISTRATOR, username="omar2"),
    }


def _today_leave(people, **fields):
    today = timezone.localdate()
    return services.absence_record(
        actor=people["grace"],
        user=people["john"],
        starts_on=fields.pop("starts_on", today - timedelta(days=3)),
        ends_on=fields.pop("ends_on", today + timedelta(days=10)),
        stand_in=fields.pop("stand_in", people["grace"]),
        **fields,
    )


# --- Recording leave ----------------------------------------------------------------------------
def test_the_manager_and_the_administrator_record_leave_and_it_is_audited(people):
    absence = _today_leave(people, note="Annual leave")
    assert absence.recorded_by == people["grace"] and absence.stand_in == people["grace"]
    changed = services.absence_update(
        actor=people["omar"],
        absence=absence,
        starts_on=absence.starts_on,
        ends_on=absence.ends_on + timedelta(days=1),
        reason="annual_leave",
        stand_in=people["grace"],
    )
    assert changed.ends_on == absence.ends_on + timedelta(days=1)
    assert (
        AuditEntry.objects.filter(
            content_type__model="staffabsence", object_pk=str(absence.pk)
        ).count()
        == 2
    )
    with pytest.raises(NotPermitted):
        services.absence_record(
            actor=people["mary"],
            user=people["mia"],
            starts_on=date(2025, 1, 6),
            ends_on=date(2025, 1, 10),
        )


def test_leave_is_checked_before_it_is_kept(people):
    with pytest.raises(DomainError, match="end on or after") as refused:
        _today_leave(people, starts_on=date(2025, 11, 30), ends_on=date(2025, 10, 1))
    assert refused.value.field == "ends_on"
    with pytest.raises(DomainError, match="cannot decide the approvals") as refused:
        _today_leave(people, stand_in=people["mia"])
    assert refused.value.field == "stand_in"
    services.absence_record(
        actor=people["grace"],
        user=people["grace"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="away themselves"):
        _today_leave(people)
    _today_leave(people, stand_in=None)
    with pytest.raises(DomainError, match="already recorded as away"):
        _today_leave(people, stand_in=None)
    assert StaffAbsence.objects.count() == 2


# --- Approvals while someone is away -------------------------------------------------------------
def _goodwill(people, amount="30"):
    return services.approval_request_create(
        requested_by=people["mary"],
        action="goodwill",
        amount=amount,
        item_value="120",
        description="Goodwill on a faulty widget",
    )


def test_a_request_for_the_supervisor_goes_to_his_stand_in_while_he_is_away(people, smtp_server):
    _today_leave(people)
    approval = _goodwill(people)
    assert approval.required_role.code == RoleCode.SUPERVISOR
    assert approval in selectors.approvals_waiting_for(people["grace"])
    assert tasks.notify_approvers.call(approval.pk) == 1
    [message] = smtp_server
    assert message["To"] == people["grace"].email  # John, away, is not emailed
    assert f"#{approval.pk}" in message["Subject"]


def test_a_stand_in_of_the_same_rank_sees_what_waits_for_the_person_away(
    people, make_user, smtp_server
):
    """A second supervisor in another team stands in: told, and the request waits for them."""
    lee = make_user(RoleCode.SUPERVISOR, username="lee")
    _today_leave(people, stand_in=lee)
    approval = _goodwill(people)
    assert approval in selectors.approvals_waiting_for(lee)
    tasks.notify_approvers.call(approval.pk)
    assert [m["To"] for m in smtp_server] == [lee.email]


def test_before_and_after_the_leave_the_supervisor_is_told(people, smtp_server):
    today = timezone.localdate()
    _today_leave(people, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=5))
    approval = _goodwill(people)
    tasks.notify_approvers.call(approval.pk)
    assert [m["To"] for m in smtp_server] == [people["john"].email]
    assert selectors.present(people["john"]) == people["john"]
    assert selectors.present(people["john"], today + timedelta(days=2)) == people["grace"]
    assert (
        selectors.holder_present(RoleCode.SUPERVISOR, today + timedelta(days=2))
        == (people["grace"])
    )


# --- The reading of step 6 -----------------------------------------------------------------------
def test_replacing_follows_the_managers_reading_of_step_6(people):
    mary = people["mary"]
    assert selectors.authority_settings().replacement_within_everyones_authority
    on = selectors.authority_check(actor=mary, action="replace", amount=D("120"))
    assert on.allowed and "every staff member's authority" in on.reason
    services.authority_settings_set(
        actor=people["grace"], replacement_within_everyones_authority=False
    )
    off = selectors.authority_check(actor=mary, action="replace", amount=D("120"))
    assert not off.allowed and "needs approval" in off.reason
    # The supervisor's own limit still lets him replace.
    assert selectors.authority_check(actor=people["john"], action="replace", amount=D("120"))
    entry = AuditEntry.objects.get(
        content_type__model="authoritysettings", action=AuditEntry.Action.UPDATE
    )
    assert "replacement_within_everyones_authority" in entry.changes
    with pytest.raises(NotPermitted):
        services.authority_settings_set(actor=mary, replacement_within_everyones_authority=True)
    assert AuthoritySettings.objects.count() == 1


# --- The pages ------------------------------------------------------------------------------------
def test_the_manager_records_leave_on_the_staff_page(client, people):
    john, grace = people["john"], people["grace"]
    client.force_login(grace)
    page = client.get(f"/staff/{john.pk}/").content.decode()
    assert "Record leave" in page and "No leave recorded" in page
    bad = client.post(
        f"/staff/{john.pk}/leave/",
        {"starts_on": "2025-11-30", "ends_on": "2025-10-01", "reason": "annual_leave"},
    )
    assert bad.status_code == 400
    assert "The leave must end on or after the day it starts." in bad.content.decode()
    today = timezone.localdate()
    done = client.post(
        f"/staff/{john.pk}/leave/",
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
            "reason": "annual_leave",
            "stand_in": grace.pk,
        },
        follow=True,
    )
    text = done.content.decode()
    assert "Leave recorded for" in text and "On leave" in text and "stands in" in text
    absence = StaffAbsence.objects.get()
    edit = client.post(
        f"/staff/{john.pk}/leave/{absence.pk}/",
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=8)).isoformat(),
            "reason": "training",
            "stand_in": grace.pk,
        },
    )
    assert edit.status_code == 302
    absence.refresh_from_db()
    assert absence.reason == "training"
    remove = f"/staff/{john.pk}/leave/{absence.pk}/remove/"
    asked = client.post(remove).content.decode()
    assert "leave?" in asked and "is deleted" in asked and StaffAbsence.objects.exists()
    assert client.post(remove, {"confirmed": "1"}).status_code == 302
    assert not StaffAbsence.objects.exists()


def test_an_officer_sees_who_stands_in_but_cannot_record_leave(client, people):
    _today_leave(people)
    client.force_login(people["mary"])
    page = client.get(f"/staff/{people['john'].pk}/").content.decode()
    assert "On leave" in page and "Record leave" not in page
    assert "Annual leave" not in page  # the reason is for the manager and the administrator
    refused = client.post(
        f"/staff/{people['john'].pk}/leave/",
        {"starts_on": "2025-01-06", "ends_on": "2025-01-10", "reason": "annual_leave"},
    )
    assert refused.status_code == 403
    assert client.get("/staff/999999/").status_code == 404


def test_the_manager_changes_the_reading_on_the_authority_limits_page(client, people):
    client.force_login(people["mary"])
    page = client.get("/authority/").content.decode()
    assert "within every officer's authority: <strong>yes</strong>" in page
    assert "Save the reading" not in page
    refused = client.post("/authority/reading/", {"replacement_within_everyones_authority": "no"})
    assert refused.status_code == 403
    assert selectors.authority_settings().replacement_within_everyones_authority
    client.force_login(people["grace"])
    bad = client.post("/authority/reading/", {"replacement_within_everyones_authority": "x"})
    assert bad.status_code == 400
    saved = client.post(
        "/authority/reading/", {"replacement_within_everyones_authority": "no"}, follow=True
    ).content.decode()
    assert "within every officer's authority: <strong>no</strong>" in saved
    changed = AuditEntry.objects.get(
        content_type__model="authoritysettings", action=AuditEntry.Action.UPDATE
    )
    assert changed.actor == people["grace"]
    assert not selectors.authority_settings().replacement_within_everyones_authority
    client.force_login(people["mary"])
    check = client.get("/authority/check/?action=replace&amount=120").content.decode()
    assert "Not on your own." in check
