"""Opening a complaint reads the calendar, the charter's promises, the channels' hours and the
case settings from what the process keeps, yet a change to any of them is seen by the very
next complaint (in this process or any other: they share the settings generation). And a
case's page costs the same number of queries whatever its contacts, history and approvals.
Expected times are worked out by hand in the comments (Thursday 19 November 2026)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from charter.cases import services
from charter.cases.models import CaseSettings
from charter.core import memo
from charter.core import services as core_services
from charter.standards import services as standards_services
from tests.cases.test_channel_deadlines import WEEK, _open, hours_charter, mel  # noqa: F401

# ruff: noqa: F811 (fixtures imported from the modules that define them)

pytestmark = pytest.mark.django_db

THURSDAY_TEN = mel(2026, 11, 19, 10, 0)


def _new_charter(manager, *, telephone: str):
    """The next charter version, the same but for the telephone line's hours."""
    draft = standards_services.charter_version_draft(actor=manager)
    offer = draft.channels.get(channel="telephone")
    standards_services.channel_save(
        actor=manager, version=draft, offer=offer, opening_hours=dict.fromkeys(WEEK, telephone)
    )
    return standards_services.charter_version_approve(actor=manager, version=draft)


def test_a_new_charter_is_seen_by_the_next_complaint(
    hours_charter, officer, manager, make_customer
):
    customer = make_customer()
    before = _open(officer, customer, "telephone", THURSDAY_TEN)
    # The line opens 8 to 6: 4 business hours from 10:00 is 14:00 the same day.
    assert before.acknowledge_due == mel(2026, 11, 19, 14, 0)
    _new_charter(manager, telephone="08:00-12:00")
    after = _open(officer, customer, "telephone", THURSDAY_TEN)
    # Now 8 to 12: 2 h on Thursday, then Friday 8:00 + 2 h = 10:00.
    assert after.acknowledge_due == mel(2026, 11, 20, 10, 0)
    # Two business days at the line's new closing time: Monday 23rd at noon.
    assert after.resolve_due == mel(2026, 11, 23, 12, 0)


def test_a_closure_and_new_service_hours_are_seen_by_the_next_complaint(
    hours_charter, officer, make_customer, admin_user
):
    customer = make_customer()
    by_letter = _open(officer, customer, "letter", THURSDAY_TEN)
    # Letters publish no hours: the service hours, 9 to 5: 10:00 + 4 h = 14:00.
    assert by_letter.acknowledge_due == mel(2026, 11, 19, 14, 0)
    core_services.organisation_hours_update(
        actor=admin_user, service_hours=dict.fromkeys(WEEK, "09:00-12:00")
    )
    by_letter = _open(officer, customer, "letter", THURSDAY_TEN)
    # 9 to 12: 2 h on Thursday, Friday 9:00 + 2 h = 11:00.
    assert by_letter.acknowledge_due == mel(2026, 11, 20, 11, 0)
    core_services.closure_create(actor=admin_user, name="Staff day", first_day=date(2026, 11, 20))
    by_phone = _open(officer, customer, "telephone", THURSDAY_TEN)
    # Closed Friday: two business days are Monday 23rd and Tuesday 24th, at 6 pm.
    assert by_phone.resolve_due == mel(2026, 11, 24, 18, 0)


def test_new_case_settings_are_seen_by_the_next_complaint(hours_charter, officer, make_customer):
    customer = make_customer(annual_value=500_000)
    settings = services.case_settings()
    settings.significant_annual_value = Decimal(1_000_000)
    settings.save()
    assert not _open(officer, customer, "telephone", THURSDAY_TEN).significant_customer
    settings.significant_annual_value = Decimal(100_000)
    settings.save()
    assert _open(officer, customer, "telephone", THURSDAY_TEN).significant_customer


def test_a_change_made_by_another_process_is_seen_by_the_next_request(
    hours_charter, officer, make_customer
):
    """Another process changes the settings without this one hearing a signal: only the
    settings generation in the database tells. A request reads it once; the next sees it."""
    customer = make_customer()
    # What each request's start does (the signal itself would also close the test's connection).
    memo.request_begins()
    try:
        assert _open(officer, customer, "letter", THURSDAY_TEN).acknowledge_due == mel(
            2026, 11, 19, 14, 0
        )
        with connection.cursor() as cursor:  # the other process: rows and generation
            cursor.execute(
                "UPDATE core_organisation SET service_hours = %s",
                ['{"monday": [["09:00", "11:00"]], "tuesday": [["09:00", "11:00"]], '
                 '"wednesday": [["09:00", "11:00"]], "thursday": [["09:00", "11:00"]], '
                 '"friday": [["09:00", "11:00"]]}'],
            )  # fmt: skip
            cursor.execute(f"UPDATE {memo.TABLE} SET number = number + 7")
        # The same request goes on with what it read.
        again = _open(officer, customer, "letter", THURSDAY_TEN)
        assert again.acknowledge_due == mel(2026, 11, 19, 14, 0)
    finally:
        memo.request_ends()
    memo.request_begins()
    try:
        # 9 to 11: 1 h on Thursday, 2 h on Friday, Monday 9:00 + 1 h = 10:00.
        after = _open(officer, customer, "letter", THURSDAY_TEN)
        assert after.acknowledge_due == mel(2026, 11, 23, 10, 0)
    finally:
        memo.request_ends()


def test_opening_a_complaint_through_the_api_reads_few_queries(
    hours_charter, officer, make_customer, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(officer)
    customer = make_customer()
    body = {"subject": "Widgets cracked", "channel": "telephone", "customer": customer.pk}
    assert api.post("/api/v1/cases/", body, format="json").status_code == 201
    # The generation, the customer, the segments, the case and its audit entry, its
    # reference, its story, the transaction, the story read back for the answer.
    with django_assert_max_num_queries(11):
        response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201
    answer = response.json()
    assert answer["reference"] == f"CASE-{answer['id']}"
    assert answer["acknowledge_due"] and answer["resolve_due"]
    assert [e["kind"] for e in answer["events"]] == ["opened"]
    assert answer["contacts"] == [] and answer["resolutions"] == [] and answer["orders"] == []
    assert CaseSettings.objects.count() == 1


def _busy(officer, customer, n: int):
    """A complaint with ``n`` contacts, notes and refunds waiting for approval."""
    case = _open(officer, customer, "telephone", THURSDAY_TEN)
    for i in range(n):
        services.contact_log(actor=officer, case=case, channel="telephone", summary=f"Call {i}")
        services.case_note(actor=officer, case=case, text=f"Note {i}")
        refund = services.resolution_add(
            actor=officer, case=case, kind="goodwill_refund", description=f"Refund {i}",
            amount=Decimal(50), item_value=Decimal(200),
        )  # fmt: skip
        assert refund.status == "awaiting_approval"
    return case


def test_a_case_page_costs_the_same_queries_whatever_its_contacts_history_and_approvals(
    hours_charter, officer, make_customer, client
):
    customer = make_customer()
    one, twenty = _busy(officer, customer, 1), _busy(officer, customer, 20)
    client.force_login(officer)

    def count(case) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/cases/{case.pk}/")
        assert response.status_code == 200
        return len(queries)

    count(one)  # fills per-process caches (content types, permissions, settings)
    assert count(one) == count(twenty)
    page = client.get(f"/cases/{twenty.pk}/").content.decode()
    assert "Call 19" in page and "Note 19" in page and "Refund 19" in page
