"""The errors people meet (400, 403, 404, 429, 500 and a refused form) are pages in Charter's
style that say what happened and where to go, with nothing of the code behind them; the API
answers the same errors in JSON. Static paths that try to leave their folder are a 404."""

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import RoleCode
from charter.core import error_views

TRACES = ("Traceback", "DEBUG", "settings.py", "django.", "URLconf", "Exception", "line ")


def _page(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for text in texts:
        assert text in html, text
    for trace in TRACES:
        assert trace not in html, trace
    assert 'href="/static/core/charter.css"' in html  # Charter's own style
    assert 'href="/charter/"' in html  # and where to go: the public charter
    return html


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


def test_a_page_that_does_not_exist_says_so_and_where_to_go(client, db):
    html = _page(client.get("/no-such-page/"), 404, "We could not find that page", "/no-such-page/")
    assert 'href="/login/"' in html  # not signed in: sign in


def test_a_signed_in_person_is_sent_home_from_a_404_with_the_message_of_the_view(client, officer):
    client.force_login(officer)
    html = _page(client.get("/cases/999999/"), 404, "We could not find that page", "No such case.")
    assert "Your home page" in html
    assert "Sign out" in html  # the usual header and navigation


def test_a_404_from_a_plain_lookup_does_not_name_the_model(client, officer):
    client.force_login(officer)
    html = _page(client.get("/approvals/999999/"), 404)
    assert "matches the given query" not in html


def test_a_page_the_role_may_not_open_is_a_403_that_says_why(client, officer):
    client.force_login(officer)
    _page(client.get("/audit/"), 403, "You may not open this page", "follows their role")


def test_a_bad_request_is_a_400_page(client, db):
    response = client.get("/", HTTP_HOST="not-charter.example")  # a host Charter does not serve
    _page(response, 400, "Charter could not understand that request")


def test_a_form_charter_did_not_send_is_refused_with_a_page_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "mary", "password": "x"})
    _page(response, 403, "That form could not be accepted", "Allow cookies")
    client.get("/login/")  # now with the cookie, but the form's token is missing
    response = client.post("/login/", {"username": "mary", "password": "x"})
    _page(response, 403, "That form could not be accepted", "reload the page")


@pytest.mark.urls("tests.core.error_urls")
def test_too_many_requests_is_a_429_page(client, db):
    _page(client.get("/too-often/"), 429, "Please wait a moment", "Wait a minute")


def test_the_public_form_flooded_is_a_429_page_in_charter_style(db):
    client = Client(REMOTE_ADDR="203.0.113.77")
    for n in range(20):
        client.post("/f/feedback/", {"kind": "comment", "text": f"Note {n}"})
    response = client.post("/f/feedback/", {"kind": "comment", "text": "One more"})
    _page(response, 429, "Please wait a moment", "nothing you wrote is lost")


@pytest.mark.urls("tests.core.error_urls")
def test_a_bug_is_a_500_page_without_the_code_behind_it(client, db):
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fails/")
    html = _page(response, 500, "Something went wrong on our side", "you did nothing wrong")
    assert "a bug in a view" not in html
    assert not queries.captured_queries  # the page needs no database


def test_the_500_page_is_drawn_without_the_database_or_a_user():
    """No ``db`` fixture: any query here would fail, and the plain fallback would be sent."""
    response = error_views.server_error(RequestFactory().get("/cases/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Where to go from here" in html and "charter.css" in html  # the styled page
    assert 'href="/login/"' in html and 'href="/"' in html


@pytest.mark.urls("tests.core.error_urls")
def test_api_errors_stay_json(client, officer):
    client.raise_request_exception = False
    failed = client.get("/api/v1/fails/")
    assert failed.status_code == 500
    assert failed.json() == {"detail": error_views.API_DETAIL[500]}
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    client.force_login(officer)
    refused = client.get("/api/v1/audit-entries/")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"


# --- Static and media paths that try to leave their folder ----------------------------------------
LEAVING = [
    "/static/../settings.py",
    "/static/../charter/settings.py",
    "/static/%2e%2e/charter/settings.py",
    "/static/..%2fcharter%2fsettings.py",
    "/static/%2e%2e%2fcharter%2fsettings.py",
    "/static/%252e%252e/charter/settings.py",
    "/static/core/../../../../../etc/passwd",
    "/static/..%5ccharter%5csettings.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/media/../charter/settings.py",
    "/media/%2e%2e/charter/settings.py",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_static_or_media_path_that_leaves_its_folder_is_a_404(db, settings, debug):
    """As served in production (WhiteNoise from the collected files) and as `DEBUG=true make run`
    serves (WhiteNoise looking in the apps' folders as files change)."""
    settings.DEBUG = debug
    settings.WHITENOISE_AUTOREFRESH = debug
    client = Client(raise_request_exception=False)  # a new client builds WhiteNoise anew
    assert client.get("/static/core/charter.css").status_code == 200
    for path in LEAVING:
        assert client.get(path).status_code == 404, path
