"""Grace tells Key accounts of their segment as the README's step 5 says: the button first says
what it will do, then the call list shows whom to ring and takes the call's outcome; on Yore
Mine's page a declined offer can be undone. Screenshots for the record."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_grace_tells_key_accounts_and_works_through_the_call_list(page, live_server, demo):
    from charter.customers.models import SegmentNotice

    SHOTS.mkdir(parents=True, exist_ok=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="Segments").first.click()
    page.get_by_role("link", name="Key accounts").first.click()
    page.get_by_role("button", name="Tell them on their preferred channel").click()
    question = page.get_by_role("region", name="Tell 2 members of Key accounts?")
    assert "1 email is sent now" in question.inner_text()
    assert "1 customer goes on the call list" in question.inner_text()
    assert not SegmentNotice.objects.exists()
    page.screenshot(path=str(SHOTS / "confirm-tell-a-segment.png"), full_page=True)

    page.get_by_role("button", name="Send 1 email and list the rest").click()
    page.get_by_role("link", name="open the call list").click()
    row = page.get_by_role("row", name="Pilbara Drill Services")
    assert "Kerry Ng" in row.inner_text() and "0412 555 202" in row.inner_text()
    page.screenshot(path=str(SHOTS / "call-list.png"), full_page=True)
    row.get_by_label("How the call to Pilbara Drill Services went").select_option("reached")
    row.get_by_role("button", name="Done").click()
    page.get_by_text("Pilbara Drill Services: reached. Done.").wait_for()
    assert "No one to call." in page.content()

    page.goto(f"{live_server.url}/customers/?q=yore")
    page.get_by_role("link", name="Yore Mine Co.").click()
    page.get_by_role("button", name="Declined").click()
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: Priority delivery is offered again.").wait_for()
    assert errors == []
