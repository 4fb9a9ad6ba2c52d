"""The REST API: tokens, who am I, the schema, and approvals through the same services."""

import pytest
import yaml
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from charter.accounts.models import ApprovalRequest, ApprovalStatus, RoleCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_is_given_for_a_username_and_password(api, make_user):
    make_user(username="mary", password="correct-horse-battery")
    response = api.post(
        "/api/v1/auth/token/", {"username": "mary", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "mary"


def test_a_wrong_password_gets_no_token(api, make_user):
    make_user(username="mary", password="correct-horse-battery")
    response = api.post("/api/v1/auth/token/", {"username": "mary", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_me_without_a_token_is_refused(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "credentials" in response.json()["detail"].lower()


def test_me_with_a_bad_token_is_refused(api):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_me_says_who_i_am_my_roles_and_my_authority(make_user, demo_limits):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary", first_name="Mary")
    body = _token_client(mary).get("/api/v1/me/").json()
    assert body["username"] == "mary"
    assert body["roles"] == [{"code": "cso", "name": "Customer service officer"}]
    goodwill = next(limit for limit in body["authority_limits"] if limit["action"] == "goodwill")
    assert goodwill["percent_of_value"] == "10.00"
    assert goodwill["max_amount"] == "25.00"
    assert goodwill["description"] == "up to 10% of the item's value, at most $25.00"
    refund = next(limit for limit in body["authority_limits"] if limit["action"] == "refund")
    assert refund["description"] == "up to 100% of the item's value"
    replace = next(limit for limit in body["authority_limits"] if limit["action"] == "replace")
    assert replace["allowed"] and "every staff member's authority" in replace["description"]
    assert "accounts.add_approvalrequest" in body["permissions"]


def test_the_schema_is_valid_openapi_3(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)
    for path in ("/api/v1/me/", "/api/v1/auth/token/", "/api/v1/approvals/{id}/approve/"):
        assert path in spec["paths"]


def test_the_interactive_docs_load_without_a_cdn(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()


def test_authority_check_answers_with_the_reason(make_user, demo_limits):
    mary = make_user()
    client = _token_client(mary)
    yes = client.post(
        "/api/v1/authority/check/",
        {"action": "goodwill", "amount": "10", "item_value": "100"},
        format="json",
    ).json()
    assert yes["allowed"] is True
    no = client.post(
        "/api/v1/authority/check/",
        {"action": "goodwill", "amount": "30", "item_value": "100"},
        format="json",
    ).json()
    assert no["allowed"] is False
    assert "$30.00 is above your authority" in no["reason"]


def test_an_approval_through_the_api_from_request_to_decision(make_user, demo_limits):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    john = make_user(RoleCode.SUPERVISOR)
    created = _token_client(mary).post(
        "/api/v1/approvals/",
        {
            "action": "goodwill",
            "amount": "120.00",
            "item_value": "120.00",
            "description": "Faulty widget, goodwill on top of the refund",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["required_role"] == "supervisor"
    assert body["status"] == "pending"
    # The officer cannot approve it; the supervisor can.
    refused = _token_client(mary).post(f"/api/v1/approvals/{body['id']}/approve/", {})
    assert refused.status_code == 403
    approved = _token_client(john).post(
        f"/api/v1/approvals/{body['id']}/approve/", {"note": "ok"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == john.username
    again = _token_client(john).post(f"/api/v1/approvals/{body['id']}/reject/", {"note": "no"})
    assert again.status_code == 409
    assert "already approved" in again.json()["detail"]


def test_a_refused_request_is_a_400_with_a_message(make_user, demo_limits):
    mary = make_user()
    response = _token_client(mary).post(
        "/api/v1/approvals/",
        {"action": "goodwill", "amount": "5", "item_value": "100", "description": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("No approval needed")


def test_approvals_are_visible_only_to_those_who_may_see_them(make_user, demo_limits):
    mary = make_user()
    mia = make_user()
    approval = ApprovalRequest.objects.create(
        action="refund",
        amount="100",
        item_value="100",
        description="x",
        why_needed="y",
        requested_by=mary,
        required_role_id=mary.groups.first().role.pk,
    )
    assert approval.status == ApprovalStatus.PENDING
    assert _token_client(mia).get(f"/api/v1/approvals/{approval.pk}/").status_code == 404
    assert _token_client(mia).get("/api/v1/approvals/").json()["count"] == 0
    assert _token_client(mary).get("/api/v1/approvals/").json()["count"] == 1


def test_only_administrators_change_limits_through_the_api(make_user, admin_user, demo_limits):
    john = make_user(RoleCode.SUPERVISOR)
    limit_id = _token_client(john).get("/api/v1/authority-limits/?role__code=cso&action=refund")
    limit_id = limit_id.json()["results"][0]["id"]
    refused = _token_client(john).patch(
        f"/api/v1/authority-limits/{limit_id}/", {"max_amount": "99"}, format="json"
    )
    assert refused.status_code == 403
    bad = _token_client(admin_user).patch(
        f"/api/v1/authority-limits/{limit_id}/", {"percent_of_value": "150"}, format="json"
    )
    assert bad.status_code == 400


def test_the_audit_trail_api_is_for_auditors(make_user, demo_limits):
    priya = make_user(RoleCode.AUDITOR)
    mary = make_user()
    assert _token_client(mary).get("/api/v1/audit-entries/").status_code == 403
    body = (
        _token_client(priya)
        .get("/api/v1/audit-entries/?record_type=accounts.authoritylimit&page_size=5")
        .json()
    )
    assert body["count"] > 0
    assert len(body["results"]) == 5
    assert {e["record_type"] for e in body["results"]} == {"accounts.authoritylimit"}


def test_lists_are_paginated_and_their_query_count_is_constant(
    make_user, demo_limits, django_assert_max_num_queries
):
    priya = make_user(RoleCode.AUDITOR)
    client = _token_client(priya)
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/staff/")
    for n in range(30):
        make_user(username=f"officer{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/staff/").json()
    assert body["count"] >= 30


def test_a_role_that_handles_no_refunds_may_not_ask_over_the_api(make_user, demo_limits):
    analyst = _token_client(make_user(RoleCode.ANALYST))
    refused = analyst.post(
        "/api/v1/approvals/",
        {"action": "refund", "amount": "120.00", "item_value": "120.00", "description": "x"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Your role does not handle refunds")
    assert not ApprovalRequest.objects.exists()
    check = analyst.post(
        "/api/v1/authority/check/",
        {"action": "refund", "amount": "30", "item_value": "100"},
        format="json",
    ).json()
    assert check["handles"] is False and check["may_ask_for_approval"] is False
    officer = (
        _token_client(make_user())
        .post(
            "/api/v1/authority/check/",
            {"action": "goodwill", "amount": "30", "item_value": "100"},
            format="json",
        )
        .json()
    )
    assert officer["handles"] is True and officer["may_ask_for_approval"] is True
