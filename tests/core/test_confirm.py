"""Asking before a one-click action, without JavaScript or with HTMX, and Undo after one."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.core import confirm_urls

pytestmark = pytest.mark.urls("tests.core.confirm_urls")


@pytest.fixture(autouse=True)
def _nothing_done():
    confirm_urls.DONE.clear()


def test_the_first_post_only_says_what_will_happen(client, make_user):
    client.force_login(make_user())
    response = client.post("/send-letters/", {"who": ["Ann <ann@x>", "Bo"]})
    page = response.content.decode()
    assert response.status_code == 200 and confirm_urls.DONE == []
    assert "Send 3 letters?" in page and "Letters cannot be taken back." in page
    assert "Nothing has been changed or sent yet." in page
    # The same fields go again, escaped, with confirmed=1, to the same address.
    assert 'action="/send-letters/"' in page
    assert '<input type="hidden" name="who" value="Ann &lt;ann@x&gt;">' in page
    assert '<input type="hidden" name="who" value="Bo">' in page
    assert '<input type="hidden" name="confirmed" value="1">' in page
    assert 'href="/customers/">Cancel</a>' in page
    assert "<html" in page  # a whole page: works without JavaScript


def test_htmx_gets_the_question_to_show_in_place(client, make_user):
    client.force_login(make_user())
    page = client.post("/send-letters/", {"who": "Bo"}, headers={"HX-Request": "true"})
    text = page.content.decode()
    assert "Send 3 letters?" in text and "<html" not in text and confirm_urls.DONE == []


def test_confirmed_it_acts(client, make_user):
    client.force_login(make_user())
    response = client.post("/send-letters/", {"who": ["Ann", "Bo"], "confirmed": "1"})
    assert response.content == b"sent" and confirm_urls.DONE == [["Ann", "Bo"]]


def test_undo_is_offered_to_the_actor_once_and_for_a_few_minutes(client, make_user):
    client.force_login(make_user(username="mary"))
    client.post("/decline-thing/")
    home = client.get("/").content.decode()
    assert "Thing declined." in home and 'action="/undo-thing/"' in home
    token = home.split('name="undo" value="')[1].split('"')[0]

    assert client.post("/undo-thing/", {"undo": "guess"}).status_code == 409
    client.post("/decline-thing/")
    home = client.get("/").content.decode()
    token = home.split('name="undo" value="')[1].split('"')[0]
    assert client.post("/undo-thing/", {"undo": token}).content == b"restored 7"
    assert client.post("/undo-thing/", {"undo": token}).status_code == 409  # once
    assert "Thing declined." not in client.get("/").content.decode()

    client.post("/decline-thing/")
    home = client.get("/").content.decode()
    token = home.split('name="undo" value="')[1].split('"')[0]
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        assert "Thing declined." not in client.get("/").content.decode()
        late = client.post("/undo-thing/", {"undo": token})
    assert late.status_code == 409 and "too late to undo" in late.content.decode()


def test_undo_is_refused_to_anyone_else(client, make_user):
    client.force_login(make_user(username="mary"))
    client.post("/decline-thing/")
    token = client.get("/").content.decode().split('name="undo" value="')[1].split('"')[0]
    client.force_login(make_user(username="taya"))
    refused = client.post("/undo-thing/", {"undo": token})
    assert refused.status_code == 409 and "nothing of yours to undo" in refused.content.decode()
