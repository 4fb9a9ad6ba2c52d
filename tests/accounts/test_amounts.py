"""Amounts in "May I?", approval requests and authority limits are never negative: each page and
the API refuse one with a sentence, never a constraint's name or a 500."""

from rest_framework.test import APIClient

from charter.accounts.models import ApprovalRequest, AuthorityLimit, RoleCode

NAMES = ("authority_cap_not_negative", "authority_percent_between_0_and_100", "Constraint")


def _plain(text: str, words: str) -> None:
    assert words in text
    for name in NAMES:
        assert name not in text


def test_a_negative_cap_on_the_limit_page_gets_a_sentence(client, admin_user, demo_limits):
    limit = AuthorityLimit.objects.filter(action="refund").first()
    client.force_login(admin_user)
    response = client.post(
        f"/authority/{limit.pk}/edit/",
        {"allowed": "on", "max_amount": "-25", "currency": "AUD"},
    )
    assert response.status_code == 200
    _plain(response.content.decode(), "The cap cannot be negative")
    limit.refresh_from_db()
    assert limit.max_amount != -25


def test_the_may_i_check_refuses_negative_amounts_in_words(client, make_user, demo_limits):
    client.force_login(make_user())
    page = client.get(
        "/authority/check/?action=refund&amount=-10&item_value=-100", HTTP_HX_REQUEST="true"
    ).content.decode()
    _plain(page, "The amount cannot be negative: enter 0 or more.")
    _plain(page, "The item&#x27;s value cannot be negative: enter 0 or more.")


def test_an_approval_for_a_negative_amount_is_refused_on_the_page_and_the_api(
    client, make_user, demo_limits
):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)
    client.force_login(mary)
    page = client.post(
        "/approvals/new/",
        {"action": "refund", "amount": "-120", "item_value": "120", "description": "Refund"},
    )
    assert page.status_code == 200
    _plain(page.content.decode(), "The amount cannot be negative")

    api = APIClient()
    api.force_login(mary)
    response = api.post(
        "/api/v1/approvals/",
        {"action": "refund", "amount": "-120.00", "item_value": "120.00", "description": "x"},
        format="json",
    )
    assert response.status_code == 400
    _plain(str(response.json()), "The amount cannot be negative: enter 0 or more.")
    assert not ApprovalRequest.objects.exists()


def test_a_negative_cap_through_the_api_gets_a_sentence(admin_user, demo_limits):
    limit = AuthorityLimit.objects.filter(action="refund").first()
    api = APIClient()
    api.force_login(admin_user)
    response = api.patch(
        f"/api/v1/authority-limits/{limit.pk}/", {"max_amount": "-1"}, format="json"
    )
    assert response.status_code == 400
    _plain(str(response.json()), "The cap cannot be negative")
