"""Contacts and cases over the API: every write goes through the cases services; the
procedure's steps are actions and a step out of order is a 409 with the reason; a resolution
above the caller's authority waits (202); lists read in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from charter.accounts.models import RoleCode
from charter.cases.models import Case, Contact
from tests.cases.conftest import (  # noqa: F401
    account_manager,
    complaints_charter,
    grace_user,
    late_delivery,
    officer,
    supervisor,
    yore_mine,
)
from tests.customers.conftest import make_customer, manager, offerings, types  # noqa: F401
from tests.orders.conftest import widgets, widgets_charter  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_logging_a_contact_on_every_channel(complaints_charter, officer, make_customer):  # noqa: F811
    api = _client(officer)
    customer = make_customer()
    for channel in ("email", "telephone", "face_to_face", "video", "web_form", "letter", "social"):
        response = api.post(
            "/api/v1/contacts/",
            {"channel": channel, "summary": "Asked", "customer": customer.pk},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert Contact.objects.filter(customer=customer).count() == 7
    bad = api.post("/api/v1/contacts/", {"channel": "pigeon", "summary": ""}, format="json")
    assert bad.status_code == 400 and {"channel", "summary"} <= set(bad.json())
    unknown = api.post(
        "/api/v1/contacts/", {"channel": "email", "summary": "x", "staff": 1}, format="json"
    )
    assert unknown.status_code == 400 and "staff" in unknown.json()
    listed = api.get(f"/api/v1/contacts/?customer={customer.pk}").json()
    assert listed["count"] == 7


def test_a_complaint_through_its_steps_over_the_api(
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    supervisor,  # noqa: F811
    make_customer,  # noqa: F811
    late_delivery,  # noqa: F811
):
    api = _client(officer)
    opened = api.post(
        "/api/v1/cases/",
        {
            "subject": "Late widgets",
            "channel": "telephone",
            "customer": make_customer().pk,
            "category": "late-delivery",
            "directed_at": "distributor",
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["reference"].startswith("CASE-") and case["resolve_due"]
    url = f"/api/v1/cases/{case['id']}/"
    refused = api.post(url + "step/", {"to": "closed"}, format="json")
    assert refused.status_code == 409 and "cannot be closed" in str(refused.json())
    assert api.post(url + "step/", {"to": "investigating"}, format="json").status_code == 200
    refund = api.post(
        url + "resolutions/",
        {"kind": "refund", "description": "Refund", "amount": "300.00", "item_value": "300.00"},
        format="json",
    )
    assert refund.status_code == 201, refund.content  # the refund due is the officer's
    waits = api.post(
        url + "resolutions/",
        {
            "kind": "goodwill_refund",
            "description": "Goodwill on top",
            "amount": "30.00",
            "item_value": "120.00",
        },
        format="json",
    )
    assert waits.status_code == 202, waits.content
    assert waits.json()["required_role"] == "supervisor"
    done = api.post(
        url + "resolutions/", {"kind": "apology", "description": "Sorry"}, format="json"
    )
    assert done.status_code == 201
    paused = api.post(url + "pause/", {"reason": "Photos"}, format="json").json()
    assert paused["paused_at"]
    assert api.post(url + "resume/").json()["paused_at"] is None
    escalated = api.post(
        url + "escalate/", {"to": "supervisor", "reason": "Asked for John"}, format="json"
    ).json()
    assert escalated["escalation"] == "supervisor" and escalated["owner"] == str(supervisor)
    detail = api.get(url).json()
    assert [e["kind"] for e in detail["events"]][:2] == ["opened", "step"]


def test_who_may_use_the_cases_api(
    complaints_charter,  # noqa: F811
    make_user,
    officer,  # noqa: F811
    make_customer,  # noqa: F811
):
    case = (
        _client(officer)
        .post(
            "/api/v1/cases/",
            {"subject": "x", "channel": "email", "customer": make_customer().pk},
            format="json",
        )
        .json()
    )
    analyst = _client(make_user(RoleCode.ANALYST))
    assert analyst.get("/api/v1/cases/").status_code == 403
    assert analyst.post("/api/v1/contacts/", {}, format="json").status_code == 403
    auditor = _client(make_user(RoleCode.AUDITOR))
    assert auditor.get(f"/api/v1/cases/{case['id']}/").status_code == 200
    assert (
        auditor.post(
            f"/api/v1/cases/{case['id']}/step/", {"to": "investigating"}, format="json"
        ).status_code
        == 403
    )
    plan = _client(officer).post(
        f"/api/v1/cases/{case['id']}/plan/",
        {"system_action": "x", "customer_action": "y", "follow_up_due": "2030-01-01T10:00:00Z"},
        format="json",
    )
    assert plan.status_code == 403


def test_the_case_list_reads_a_fixed_number_of_queries(
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    make_customer,  # noqa: F811
):
    api = _client(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/cases/").status_code == 200
        return len(queries)

    def add():
        api.post(
            "/api/v1/cases/",
            {"subject": "x", "channel": "email", "customer": make_customer().pk},
            format="json",
        )

    add()
    one = count()
    for _ in range(5):
        add()
    assert count() == one
    assert Case.objects.count() == 6


def test_overdue_means_past_the_resolution_promise_and_not_waiting(
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    make_user,
    make_customer,  # noqa: F811
):
    from datetime import timedelta

    from django.utils import timezone

    from charter.cases import services

    long_ago = timezone.now() - timedelta(days=30)
    late = services.case_open(
        actor=officer, customer=make_customer(), subject="Late", channel="email", opened_at=long_ago
    )
    waiting = services.case_open(
        actor=officer, customer=make_customer(), subject="Wait", channel="email", opened_at=long_ago
    )
    services.case_pause(actor=officer, case=waiting, reason="Photos")
    colleague = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    theirs = services.case_open(
        actor=colleague,
        customer=make_customer(),
        subject="Theirs",
        channel="email",
        opened_at=long_ago,
    )
    api = _client(officer)
    listed = [c["id"] for c in api.get("/api/v1/cases/?overdue=true").json()["results"]]
    assert sorted(listed) == sorted([late.pk, theirs.pk])
    mine = [c["id"] for c in api.get("/api/v1/cases/?overdue=true&mine=true").json()["results"]]
    assert mine == [late.pk]
