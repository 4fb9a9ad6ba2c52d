"""The organisation's service hours and closure days: set by the manager or the administrator
on their page, checked, audited, and read by every deadline in a fixed number of queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from charter.accounts.models import RoleCode
from charter.core import services
from charter.core.errors import DomainError, NotPermitted
from charter.core.models import AuditEntry, Closure, Interface, Organisation
from charter.core.selectors import business_calendar

MELBOURNE = ZoneInfo("Australia/Melbourne")
PAGE = "/settings/hours/"


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Innovative Widgets", state="VIC", time_zone="Australia/Melbourne"
    )


@pytest.fixture
def grace(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


def _entries(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    )


def test_a_new_organisation_keeps_the_hours_deadlines_always_had(organisation):
    calendar = business_calendar()
    # 9 to 5 on weekdays: Monday 23 November 2026 at 4 pm + 2 business hours is Tuesday 10:00.
    received = datetime(2026, 11, 23, 16, 0, tzinfo=MELBOURNE)
    assert calendar.add_business_hours(received, 2) == datetime(2026, 11, 24, 10, tzinfo=MELBOURNE)


def test_the_manager_sets_the_service_hours_and_every_deadline_counts_them(organisation, grace):
    services.organisation_hours_update(
        actor=grace, service_hours={d: "08:30-17:00" for d in ("monday", "tuesday", "wednesday")}
    )
    organisation.refresh_from_db()
    assert organisation.service_hours["monday"] == [["08:30", "17:00"]]
    calendar = business_calendar()
    # Wednesday 25 November 2026, 4 pm: 1 h to 5 pm; Thursday to Sunday closed; Monday 30th
    # 8:30 + 1 h = 9:30.
    received = datetime(2026, 11, 25, 16, 0, tzinfo=MELBOURNE)
    assert calendar.add_business_hours(received, 2) == datetime(
        2026, 11, 30, 9, 30, tzinfo=MELBOURNE
    )
    # One business day from Wednesday: Monday 30th at 5 pm (Thursday and Friday closed).
    assert calendar.add_business_days(received, 1) == datetime(2026, 11, 30, 17, tzinfo=MELBOURNE)
    # Audited (who did it comes from the request's or command's context: see the page test).
    entry = _entries(organisation).latest("timestamp", "pk")
    assert "service_hours" in entry.changes


def test_hours_that_cannot_be_used_are_refused(organisation, grace, make_user):
    with pytest.raises(DomainError, match="Tuesday: closing"):
        services.organisation_hours_update(actor=grace, service_hours={"tuesday": "17:00-9:00"})
    with pytest.raises(DomainError, match="at least one weekday"):
        services.organisation_hours_update(actor=grace, service_hours={"saturday": "9-13"})
    with pytest.raises(DomainError, match="at least one weekday"):
        services.organisation_hours_update(actor=grace, service_hours={})
    officer = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    with pytest.raises(NotPermitted):
        services.organisation_hours_update(actor=officer, service_hours={"monday": "9-17"})


def test_closures_are_checked_audited_and_skipped(organisation, grace, make_user):
    shutdown = services.closure_create(
        actor=grace,
        name="Christmas shutdown",
        first_day=date(2026, 12, 24),
        last_day=date(2027, 1, 2),
    )
    assert _entries(shutdown).get().action == AuditEntry.Action.CREATE
    with pytest.raises(DomainError, match="overlap Christmas shutdown"):
        services.closure_create(actor=grace, name="Stocktake", first_day=date(2027, 1, 2))
    with pytest.raises(DomainError, match="before the first"):
        services.closure_create(
            actor=grace, name="Oops", first_day=date(2027, 2, 2), last_day=date(2027, 2, 1)
        )
    with pytest.raises(DomainError, match="A name for the closure is needed"):
        services.closure_create(actor=grace, name=" ", first_day=date(2027, 3, 1))
    with pytest.raises(NotPermitted):
        services.closure_create(
            actor=make_user(RoleCode.CUSTOMER_SERVICE_OFFICER), name="Mine", first_day=date.max
        )
    # Wednesday 23 December 2026, 4 pm, 9 to 5: 1 h; closed to Saturday 2 January; Monday
    # 4 January 9:00 + 1 h = 10:00.
    received = datetime(2026, 12, 23, 16, 0, tzinfo=MELBOURNE)
    due = business_calendar().add_business_hours(received, 2)
    assert due == datetime(2027, 1, 4, 10, tzinfo=MELBOURNE)
    services.closure_delete(actor=grace, closure=shutdown)
    assert not Closure.objects.exists()
    # Open again: Thursday 24 December 9:00 + 1 h.
    due = business_calendar().add_business_hours(received, 2)
    assert due == datetime(2026, 12, 24, 10, tzinfo=MELBOURNE)


def test_the_calendar_is_read_in_few_queries_however_many_closures_and_kept_till_they_change(
    organisation, grace, django_assert_num_queries, django_assert_max_num_queries
):
    for year in range(2020, 2030):
        services.closure_create(actor=grace, name="Shutdown", first_day=date(year, 12, 24))
    # The organisation and its closures, and the settings generation they are kept under.
    with django_assert_max_num_queries(4):
        calendar = business_calendar()
    assert calendar.closure_name(date(2029, 12, 24)) == "Shutdown"
    with django_assert_num_queries(1):  # kept: only the generation is read
        assert business_calendar() == calendar
    services.closure_create(actor=grace, name="Stocktake", first_day=date(2030, 6, 30))
    assert business_calendar().closure_name(date(2030, 6, 30)) == "Stocktake"


# --- The page -----------------------------------------------------------------------------------


def test_the_manager_changes_the_hours_on_the_page_with_a_reason_for_a_bad_time(
    client, organisation, grace
):
    client.force_login(grace)
    page = client.get(PAGE).content.decode()
    assert "Monday to Friday, 9:00 am to 5:00 pm" in page
    assert 'value="09:00-17:00"' in page
    days = {"monday": "8:30-17:00", "tuesday": "8:30-17:00", "wednesday": "8:07-17:00"}
    refused = client.post(PAGE, days)
    assert refused.status_code == 400
    assert "08:07 is not on the quarter hour" in refused.content.decode()
    backwards = client.post(PAGE, {"monday": "17:00-8:30"})
    assert "closing (08:30) must be after opening (17:00)" in backwards.content.decode()
    saved = client.post(PAGE, {**days, "wednesday": "8:30-12:00"}, follow=True)
    assert "Monday and Tuesday, 8:30 am to 5:00 pm; Wednesday, 8:30 am to 12:00 pm" in (
        saved.content.decode()
    )
    entry = _entries(Organisation.objects.get()).latest("timestamp", "pk")
    assert (entry.actor, entry.interface) == (grace, Interface.WEB)


def test_closures_are_added_and_removed_on_the_page(client, organisation, grace):
    client.force_login(grace)
    added = client.post(
        reverse("core:closure-add"),
        {"name": "Christmas shutdown", "first_day": "2026-12-24", "last_day": "2027-01-02"},
        follow=True,
    )
    assert "Thu 24 Dec 2026" in added.content.decode()
    clash = client.post(
        reverse("core:closure-add"), {"name": "Stocktake", "first_day": "2026-12-31"}
    )
    assert clash.status_code == 400
    assert "These days overlap Christmas shutdown" in clash.content.decode()
    closure = Closure.objects.get()
    assert _entries(closure).get().actor == grace
    asked = client.post(reverse("core:closure-remove", args=[closure.pk])).content.decode()
    assert "Open again on Christmas shutdown" in asked and Closure.objects.exists()
    client.post(reverse("core:closure-remove", args=[closure.pk]), {"confirmed": "1"})
    assert not Closure.objects.exists()
    assert _entries(closure).latest("timestamp", "pk").action == AuditEntry.Action.DELETE


def test_an_officer_may_not_change_the_hours(client, organisation, make_user):
    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_OFFICER))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"monday": "9-17"}).status_code == 403
    added = client.post(reverse("core:closure-add"), {"name": "Mine", "first_day": "2027-01-05"})
    assert added.status_code == 403
    assert not Closure.objects.exists()


def test_the_auditor_reads_the_hours_but_changes_nothing(client, organisation, make_user):
    client.force_login(make_user(RoleCode.AUDITOR))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Save the service hours" not in page.content.decode()
    assert "Add the closure" not in page.content.decode()
    assert client.post(PAGE, {"monday": "9-17"}).status_code == 403
