"""Links that leave the site (emails of every kind, the printed QR code, survey invitations,
the demo's survey link) start with SITE_URL, the address people reach Charter at, also when a
task run by the worker writes them (no request there)."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import numpy as np
import pytest
import zxingcpp
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.accounts import tasks as accounts_tasks
from charter.accounts.models import RoleCode
from charter.cases import services as cases_services
from charter.cases import tasks as cases_tasks
from charter.core.links import absolute_url
from charter.feedback import services as feedback_services
from charter.feedback import tasks as feedback_tasks
from charter.feedback.models import Invitation
from charter.standards import tasks as standards_tasks
from tests.cases.conftest import account_manager, complaints_charter, officer, yore_mine  # noqa: F401
from tests.customers.conftest import make_customer, manager, types  # noqa: F401
from tests.feedback.conftest import analyst, questionnaire, surveyed  # noqa: F401
from tests.orders.conftest import widgets_charter  # noqa: F401

SITE = "https://charter.example.com:8443"
URL = re.compile(r"https?://[^\s<>\"')]+")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def assert_links_on_site(text: str, *paths: str) -> None:
    """Every link in ``text`` starts with the site's address, and each of ``paths`` is one."""
    found = URL.findall(text)
    assert found, text
    assert all(link.startswith(SITE + "/") for link in found), found
    for path in paths:
        assert SITE + path in found, (path, found)


def test_without_site_url_links_use_the_local_address(settings):
    settings.SITE_URL = ""
    assert absolute_url("/cases/1/") == "http://127.0.0.1:8000/cases/1/"
    settings.SITE_URL = "http://127.0.0.1:8080"
    assert absolute_url("cases/1/") == "http://127.0.0.1:8080/cases/1/"


def test_approval_emails_link_to_the_request(site, make_user, demo_limits, smtp_server):
    mary = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    john = make_user(RoleCode.SUPERVISOR, username="john")
    approval = accounts_services.approval_request_create(
        requested_by=mary,
        action="goodwill",
        amount=Decimal("30"),
        item_value=Decimal("120"),
        description="Goodwill on top of the refund of a faulty widget",
    )
    assert accounts_tasks.notify_approvers.call(approval.pk) == 1
    accounts_services.approval_request_decide(approval=approval, approver=john, approve=True)
    assert accounts_tasks.notify_requester.call(approval.pk) == 1
    assert [m["To"] for m in smtp_server] == [john.email, mary.email]
    for message in smtp_server:
        assert_links_on_site(body(message), f"/approvals/{approval.pk}/")


def test_the_charter_announcement_links_to_the_version(
    site,
    make_user,
    widgets_charter,  # noqa: F811
    smtp_server,
):
    make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")
    sent = standards_tasks.notify_new_version.call("charter", widgets_charter.pk)
    assert sent == len(smtp_server) >= 2
    for message in smtp_server:
        assert_links_on_site(body(message), f"/standards/charter/{widgets_charter.number}/")


def test_case_emails_to_staff_link_to_the_case(
    site,
    complaints_charter,  # noqa: F811
    officer,  # noqa: F811
    yore_mine,  # noqa: F811
    smtp_server,
):
    case = cases_services.case_open(
        actor=officer, customer=yore_mine, subject="Widgets late", channel="telephone"
    )
    assert cases_tasks.tell_account_manager.call(case.pk) == 1
    assert cases_tasks.tell_owner.call(case.pk, "Escalated to you") == 1
    assert len(smtp_server) == 2
    for message in smtp_server:
        assert_links_on_site(body(message), f"/cases/{case.pk}/")


def test_feedback_routed_to_a_manager_links_to_the_inbox(site, manager, smtp_server):  # noqa: F811
    from charter.feedback.models import Topic

    for topic in Topic.objects.all():
        feedback_services.topic_route(actor=manager, topic=topic, responsible=manager)
    comment = feedback_services.feedback_give(kind="comment", text="The delivery was late.")
    assert feedback_tasks.tell_responsible.call([comment.pk]) == 1
    assert_links_on_site(body(smtp_server[0]), "/feedback/")


def test_survey_invitations_and_reminders_carry_links_on_the_site(
    site,
    analyst,  # noqa: F811
    surveyed,  # noqa: F811
    smtp_server,
):
    today = timezone.localdate()
    survey = feedback_services.survey_create(
        actor=analyst,
        name="NPS spring",
        questionnaire=questionnaire("nps"),
        population="everyone",
        opens_on=today,
        closes_on=today + timedelta(days=21),
        responses_wanted=2,
        remind_after_days=3,
    )
    feedback_services.survey_open(actor=analyst, survey=survey, seed=1)
    invited = feedback_tasks.send_invitations.call(survey.pk)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))
    reminded = feedback_tasks.send_reminders.call()
    assert invited >= 2 and reminded == invited and len(smtp_server) == invited + reminded
    for message in smtp_server:
        text = body(message)
        assert_links_on_site(text)
        [link] = URL.findall(text)
        assert link.startswith(SITE + "/f/")
        # The link is the invitation's own: its path opens the survey here.
        assert Client().get(urlsplit(link).path).status_code == 200


def decode_qr_svg(svg: str) -> str:
    """Read a QR code drawn by segno as SVG (one path of horizontal runs of dark modules) the
    way a phone would: as a picture, decoded by ZXing, an independent reader."""
    scale = float(re.search(r"scale\(([\d.]+)\)", svg).group(1))
    size = round(float(re.search(r'width="([\d.]+)"', svg).group(1)) / scale)
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark = np.zeros((size, size), dtype=bool)
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?", path):
        if op in "Mm":
            x, y = (float(a), float(b)) if op == "M" else (x + float(a), y + float(b))
            continue
        run = float(a) if op == "h" else float(a) - x
        dark[int(y), int(x) : int(x + run)] = True
        x += run
    picture = np.kron(np.where(dark, 0, 255).astype(np.uint8), np.ones((4, 4), np.uint8))
    found = zxingcpp.read_barcode(picture)
    assert found is not None, "no QR code could be read"
    return found.text


def test_the_feedback_forms_qr_code_encodes_the_site(site, client, manager):  # noqa: F811
    client.force_login(manager)
    svg = client.get("/feedback/form/qr.svg").content.decode()
    assert decode_qr_svg(svg) == SITE + "/f/feedback/"
    page = client.get("/feedback/form/").content.decode()
    assert f'Always open at <a href="/f/feedback/">{SITE}/f/feedback/</a>' in page


def test_make_run_again_writes_the_demo_survey_link_on_its_address(demo, settings):
    from charter.feedback.demo import survey_link_file

    assert "/f/" in survey_link_file().read_text()
    settings.SITE_URL = "http://127.0.0.1:8080"
    call_command("seed_demo", if_empty=True, verbosity=0)
    [link] = URL.findall(survey_link_file().read_text())
    assert link.startswith("http://127.0.0.1:8080/f/")
