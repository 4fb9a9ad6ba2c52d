"""Every API list opens in a browser (the browsable API) without a server error."""

import pytest

from charter.accounts.models import RoleCode

LISTS = [
    "/api/v1/", "/api/v1/me/", "/api/v1/teams/", "/api/v1/staff/", "/api/v1/authority-limits/",
    "/api/v1/approvals/", "/api/v1/audit-entries/", "/api/v1/customers/", "/api/v1/segments/",
    "/api/v1/charter/", "/api/v1/promises/", "/api/v1/policies/", "/api/v1/acknowledgements/",
    "/api/v1/products/", "/api/v1/orders/", "/api/v1/returns/", "/api/v1/warranties/",
]  # fmt: skip


@pytest.mark.parametrize("path", LISTS)
def test_each_list_renders_as_html_for_a_manager(client, make_user, path):
    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace"))
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 403), path
    assert response["Content-Type"].startswith("text/html")
