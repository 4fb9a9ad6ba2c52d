"""Reply wording is approved by the customer service manager before it is used, and only
wording whose placeholders are all filled from the case can be approved."""

import pytest
from django.test import Client

from charter.accounts.models import RoleCode
from charter.cases import rules
from charter.cases.demo import WORDING
from charter.cases.models import ReplyTemplate


@pytest.fixture
def draft(db):
    return ReplyTemplate.objects.create(
        situation="delay_notice",
        subject="Your complaint {case_reference} needs more time",
        body="Dear {customer_name},\n\nWe will now resolve it by {resolve_due}.\n",
    )


def test_the_shipped_wording_uses_only_placeholders_the_case_fills():
    for subject, body in WORDING.values():
        assert rules.unknown_placeholders(subject + body) == []


def test_the_manager_approves_a_new_version_on_the_wording_page(make_user, draft):
    grace = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")
    client = Client()
    client.force_login(grace)
    page = client.get("/cases/wording/").content.decode()
    assert "Waiting for approval" in page and "Approve version 1" in page
    response = client.post("/cases/wording/", {"template": draft.pk}, follow=True)
    assert "approved: replies now use it" in response.content.decode()
    assert "In use" in response.content.decode()
    draft.refresh_from_db()
    assert draft.approved_by == grace


def test_an_officer_reads_the_wording_but_cannot_approve_it(make_user, draft):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    client = Client()
    client.force_login(mary)
    page = client.get("/cases/wording/").content.decode()
    assert "Waiting for approval" in page and "Approve version" not in page
    response = client.post("/cases/wording/", {"template": draft.pk}, follow=True)
    assert "Your role does not allow" in response.content.decode() or response.status_code == 403
    draft.refresh_from_db()
    assert draft.approved_at is None


def test_the_wording_page_refuses_wording_nothing_can_fill(make_user, draft):
    grace = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")
    draft.subject += " {order_number}"
    draft.save()
    client = Client()
    client.force_login(grace)
    response = client.post("/cases/wording/", {"template": draft.pk}, follow=True)
    assert "{order_number}" in response.content.decode()
    draft.refresh_from_db()
    assert draft.approved_at is None


def test_in_the_admin_only_those_who_may_approve_see_the_action(make_user, draft):
    omar = make_user(RoleCode.ADMINISTRATOR, username="omar")
    client = Client()
    client.force_login(omar)
    assert (
        "Approve the selected wording"
        not in client.get("/admin/cases/replytemplate/").content.decode()
    )
    client.post(
        "/admin/cases/replytemplate/", {"action": "approve", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.approved_at is None
    from charter.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.com", "a-long-test-password")
    client.force_login(root)
    response = client.post(
        "/admin/cases/replytemplate/",
        {"action": "approve", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 wording(s) approved for use." in response.content.decode()
