"""A detail address whose id is not an id answers 404, never 500: every route of the API (from
its OpenAPI schema) and every page (from the URL configuration), with ids a client might send
by mistake or on purpose."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from charter.accounts.models import RoleCode

pytestmark = pytest.mark.django_db

BAD_IDS = ["null,null", "abc", "1e999", "-1", "99999999999999999999", "1.5", "%20", "NaN"]
# Parts of the site that are not ours to route: the schema and its docs take no id.
NOT_PAGES = ("api/", "admin/")


def _api_paths() -> list[tuple[str, str, list[str], dict]]:
    """(method, path template, its parameter names, its required query) of every API operation
    with a path parameter. The query is filled in so that only the id is wrong."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        if not names:
            continue
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                query = {
                    parameter["name"]: "1"
                    for parameter in operation.get("parameters", [])
                    if parameter["in"] == "query" and parameter.get("required")
                }
                found.append((method, path, names, query))
    return found


def _route_templates(patterns=None, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Every page route of the URL configuration as a template "customers/{pk}/edit/"."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _route_templates(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + route)
            found.append((template, re.findall(r"{(\w+)}", template)))
    return found


def _fill(template: str, names: list[str], bad_name: str, bad: str) -> str:
    """The template with ``bad`` in one parameter and a plausible value in the others."""
    values = {name: "1" for name in names}
    values[bad_name] = bad
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


@pytest.fixture
def manager(make_user):
    user = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")
    user.is_staff = user.is_superuser = True  # sees and may do everything, so nothing stops early
    user.save()
    return user


def test_every_api_detail_route_answers_404_for_an_id_that_is_not_one(manager):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(manager)
    operations = _api_paths()
    assert any(path == "/api/v1/approvals/{id}/approve/" for _, path, _, _ in operations)
    wrong = []
    for method, template, names, query in operations:
        for name in names:
            for bad in BAD_IDS:
                path = _fill(template, names, name, bad)
                if method == "get":
                    response = client.get(path, query)
                else:
                    response = getattr(client, method)(path, {}, format="json")
                if response.status_code != 404 or response["Content-Type"] != "application/json":
                    wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_approval_from_the_issue_is_a_404_with_a_message(manager):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post("/api/v1/approvals/null,null/approve/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_every_page_route_answers_404_for_an_id_that_is_not_one(client, manager):
    """404, or the 405 that the same address gives a well-formed id (a form's address takes no
    GET, whatever the id)."""
    client.raise_request_exception = False
    client.force_login(manager)
    routes = [
        (template, names)
        for template, names in _route_templates()
        if names and not template.startswith(NOT_PAGES)
    ]
    assert any(template == "cases/{pk}/" for template, _ in routes)
    wrong = []
    for template, names in routes:
        takes_no_get = client.get("/" + _fill(template, names, names[0], "1")).status_code == 405
        for name in names:
            for bad in BAD_IDS:
                path = "/" + _fill(template, names, name, bad)
                for method in ("get", "post"):
                    status = getattr(client, method)(path).status_code
                    if status != 404 and not (status == 405 and method == "get" and takes_no_get):
                        wrong.append(f"{method.upper()} {path}: {status}")
    assert not wrong, "\n".join(wrong)


def test_the_configuration_pages_never_fail_on_an_id_that_is_not_one(client, manager):
    """Django's admin sends an unknown record back to its list with a message; never a 500."""
    client.raise_request_exception = False
    client.force_login(manager)
    routes = [
        (template, names)
        for template, names in _route_templates()
        if names and template.startswith("admin/") and "object_id" in names
    ]
    assert routes
    wrong = []
    for template, names in routes:
        for bad in BAD_IDS:
            path = "/" + _fill(template, names, "object_id", bad)
            response = client.get(path)
            if response.status_code >= 500:
                wrong.append(f"GET {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_an_api_404_for_a_missing_record_does_not_name_a_class(manager):
    """Django's lookup says "No ApprovalRequest matches the given query."; a client reads a
    sentence instead."""
    client = APIClient()
    client.force_authenticate(manager)
    for path in ("/api/v1/approvals/999999/", "/api/v1/customers/999999/"):
        response = client.get(path)
        assert response.status_code == 404
        detail = response.json()["detail"]
        assert "matches the given query" not in detail
        assert "ApprovalRequest" not in detail and "Customer " not in detail
