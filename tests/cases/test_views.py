"""The case pages: who may open them, logging a contact that opens a complaint, quick
actions through their services (refusals shown, never a 500), the log, and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from charter.accounts.models import RoleCode
from charter.cases import services
from charter.cases.models import Case, Contact
from charter.orders import services as orders_services


@pytest.fixture
def mary_client(client, officer):
    client.force_login(officer)
    return client


def _open(officer, customer, **fields):
    fields.setdefault("subject", "Widgets not delivered")
    fields.setdefault("channel", "telephone")
    return services.case_open(actor=officer, customer=customer, **fields)


def test_only_staff_who_serve_customers_see_cases(
    complaints_charter, client, make_user, officer, make_customer
):
    case = _open(officer, make_customer())
    for role in (RoleCode.ANALYST, RoleCode.ADMINISTRATOR):
        client.force_login(make_user(role))
        assert client.get(reverse("cases:queue")).status_code == 403
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 403
    client.force_login(make_user(RoleCode.AUDITOR))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    response = client.post(reverse("cases:action", args=[case.pk, "note"]), {"note-text": "x"})
    assert response.status_code == 403


def test_logging_a_call_that_opens_the_yore_mine_complaint(
    complaints_charter, mary_client, officer, grace_user, yore_mine, widgets, late_delivery
):
    order = orders_services.order_place(
        actor=officer, customer=yore_mine, lines=[(widgets[7], 1000)], channel="telephone"
    )
    page = mary_client.get(reverse("cases:contact-new") + f"?customer={yore_mine.pk}")
    assert page.status_code == 200 and order.reference in page.content.decode()
    response = mary_client.post(
        reverse("cases:contact-new") + f"?customer={yore_mine.pk}",
        {
            "channel": "telephone",
            "direction": "inbound",
            "duration_minutes": "12",
            "summary": "1,000 x 7 mm promised in three days, a week ago. Will sue.",
            "opens": "complaint",
            "subject": "7 mm widgets a week late",
            "category": "late-delivery",
            "directed_at": "distributor",
            "severity": "2",
            "legal_threat": "on",
            "competitor_threat": "on",
            "orders": [str(order.pk)],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/")
    assert case.severity == 4 and case.owner == grace_user and list(case.orders.all()) == [order]
    contact = Contact.objects.get()
    assert contact.case == case and contact.duration_seconds == 720
    page = mary_client.get(response["Location"]).content.decode()
    assert "legal action" in page and order.reference in page


def test_a_refused_contact_keeps_what_was_typed(complaints_charter, mary_client):
    response = mary_client.post(
        reverse("cases:contact-new") + "?public=1",
        {
            "channel": "face_to_face",
            "direction": "inbound",
            "summary": "",
            "opens": "complaint",
            "subject": "",
            "severity": "2",
        },
    )
    assert response.status_code == 200
    assert "name" in response.content.decode().lower()
    assert not Case.objects.exists() and not Contact.objects.exists()


def test_a_step_out_of_order_is_refused_with_the_reason(
    complaints_charter, mary_client, officer, make_customer
):
    case = _open(officer, make_customer())
    response = mary_client.post(
        reverse("cases:action", args=[case.pk, "step"]), {"step-to": "closed"}, follow=True
    )
    assert response.status_code == 200
    assert "cannot be closed next" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "received"


def test_quick_actions_answer_htmx_with_the_case_body(
    complaints_charter, mary_client, officer, make_customer
):
    case = _open(officer, make_customer())
    url = reverse("cases:action", args=[case.pk, "step"])
    response = mary_client.post(url, {"step-to": "investigating"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="case-body">') and "now investigating" in body
    response = mary_client.post(
        reverse("cases:action", args=[case.pk, "resolution"]),
        {"resolution-kind": "refund", "resolution-description": "Refund", "resolution-amount": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "must be a number" in response.content.decode()


def test_a_refund_above_authority_shows_that_it_waits(
    complaints_charter, mary_client, officer, supervisor, make_customer
):
    case = _open(officer, make_customer())
    response = mary_client.post(
        reverse("cases:action", args=[case.pk, "resolution"]),
        {
            "resolution-kind": "goodwill_refund",
            "resolution-description": "Goodwill on top of the refund",
            "resolution-amount": "40",
            "resolution-item_value": "400",
        },
        follow=True,
    )
    assert "waits for approval by the Supervisor role" in response.content.decode()


def test_the_queue_reads_a_fixed_number_of_queries(
    complaints_charter, mary_client, officer, make_customer
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert mary_client.get(reverse("cases:queue") + "?show=open").status_code == 200
        return len(queries)

    _open(officer, make_customer())
    one = count()
    for n in range(6):
        _open(officer, make_customer(), severity=3 if n % 2 else 2)
    assert count() == one


def test_the_complaints_log_filters_and_analyses(
    complaints_charter, mary_client, officer, make_customer, late_delivery
):
    _open(officer, make_customer(), category=late_delivery, directed_at="distributor")
    services.case_open(
        actor=officer,
        subject="Salesperson could not answer",
        channel="face_to_face",
        public_name="Pat",
        directed_at="salesperson",
    )
    page = mary_client.get(reverse("cases:log")).content.decode()
    assert "Widgets not delivered" in page and "Salesperson could not answer" in page
    assert "Member of the public" in page
    page = mary_client.get(reverse("cases:log") + "?directed_at=distributor&kind=complaint")
    text = page.content.decode()
    assert "Widgets not delivered" in text and "Salesperson could not answer" not in text
    bad = mary_client.get(reverse("cases:log") + "?start=yesterday&channel=pigeon")
    assert bad.status_code == 200 and "not applied" in bad.content.decode()


def test_the_customer_page_lists_their_cases(
    complaints_charter, mary_client, officer, make_customer
):
    customer = make_customer()
    case = _open(officer, customer)
    page = mary_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert case.reference in page and "Log a contact" in page


def test_home_shows_my_cases(complaints_charter, mary_client, officer, make_customer):
    case = _open(officer, make_customer())
    page = mary_client.get("/").content.decode()
    assert "Your cases" in page and case.reference in page


def test_the_manager_plans_a_complex_complaint_from_the_page(
    complaints_charter, client, officer, grace_user, yore_mine
):
    case = _open(officer, yore_mine, legal_threat=True)
    client.force_login(grace_user)
    follow_up = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("cases:action", args=[case.pk, "plan"]),
        {
            "plan-system_action": "Warn before any order is late.",
            "plan-customer_action": "Courier 1,000 x 7 mm today.",
            "plan-follow_up_due": follow_up,
        },
    )
    case.refresh_from_db()
    assert case.system_action.startswith("Warn") and case.follow_up_due


def test_the_email_form_fills_in_the_approved_wording_and_sends(
    complaints_charter, mary_client, officer, manager, yore_mine, mailoutbox
):
    from django.utils import timezone

    from charter.cases.models import ReplyTemplate

    ReplyTemplate.objects.create(
        situation="delay_notice",
        subject="About your complaint",
        body="Dear {customer_name}, we are sorry: {case_reference} needs more time. [note]",
        approved_at=timezone.now(),
    )
    from charter.customers import services as customer_services

    customer_services.contact_save(
        actor=manager, customer=yore_mine, name="Dan Pryor", email="dan.pryor@yoremine.example",
        is_primary=True,
    )  # fmt: skip
    case = _open(officer, yore_mine)
    assert (
        "To: Dan Pryor &lt;dan.pryor@yoremine.example&gt;"
        in mary_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    url = reverse("cases:action", args=[case.pk, "email"])
    filled = mary_client.post(
        url, {"email-situation": "delay_notice", "fill": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"Dear Dan Pryor, we are sorry: {case.reference} needs more time." in filled
    refused = mary_client.post(
        url,
        {"email-subject": "About it", "email-body": "Sorry. [note]"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Fill in before sending: note." in refused and not mailoutbox
    mary_client.post(url, {"email-subject": "About it", "email-body": "Sorry for the delay."})
    [sent] = mailoutbox
    assert sent.to == ["dan.pryor@yoremine.example"] and sent.body == "Sorry for the delay."


def test_mail_kept_aside_is_listed_and_downloadable(complaints_charter, mary_client):
    from charter.cases import services as case_services

    kept = case_services.email_receive(raw=b"Subject: hello\r\n\r\nno sender", source="test")
    page = mary_client.get(reverse("cases:mail")).content.decode()
    assert "No sender address" in page
    raw = mary_client.get(reverse("cases:mail-raw", args=[kept.pk]))
    assert raw["Content-Type"] == "message/rfc822" and raw.content.endswith(b"no sender")


# --- Mine means mine: every count of the set it sits beside, the worst deadline shown ---------


def _late(officer, customer, **fields):
    return _open(officer, customer, opened_at=timezone.now() - timedelta(days=30), **fields)


@pytest.fixture
def queue_of_two(complaints_charter, officer, make_user, make_customer):
    """Mary: one case past due, one on track, one past due but waiting for the customer (its
    clock stopped). Mia: two past due."""
    mia = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mia")
    mine_late = _late(officer, make_customer())
    _open(officer, make_customer())
    paused = _late(officer, make_customer(), subject="Waiting for photos")
    services.case_pause(actor=officer, case=paused, reason="Photos of the damage")
    for _ in range(2):
        _late(mia, make_customer())
    return {"mine_late": mine_late, "paused": paused}


def _badge(page: str, label: str) -> str:
    """The count badge beside a tab's label."""
    return page.split(f">{label} <span")[1].split("</span>")[0].split(">")[-1]


def test_the_home_panels_past_due_is_of_my_cases(queue_of_two, mary_client):
    home = mary_client.get("/").content.decode()
    assert '<span class="stat">3</span> open cases yours' in home
    assert "1 of them past its resolution promise" in home


def test_each_queue_count_is_of_the_set_it_sits_beside(queue_of_two, mary_client):
    mine = mary_client.get(reverse("cases:queue")).content.decode()
    assert (_badge(mine, "Mine"), _badge(mine, "All open")) == ("3", "5")
    assert "Of your open cases:" in mine
    assert (_badge(mine, "Resolution past due"), _badge(mine, "Resolution due soon")) == ("1", "0")
    everyone = mary_client.get(reverse("cases:queue") + "?show=open").content.decode()
    assert "Of all open cases:" in everyone
    assert _badge(everyone, "Resolution past due") == "3"  # not the paused one
    listed = mary_client.get(reverse("cases:queue") + "?show=mine&due=past").content.decode()
    assert listed.split("<tbody>")[1].count("<tr>") == 1
    assert queue_of_two["mine_late"].reference in listed
    # The old address for the whole queue's past due still answers, and says so.
    old = mary_client.get(reverse("cases:queue") + "?show=overdue").content.decode()
    assert "Of all open cases:" in old and queue_of_two["paused"].reference not in old


def test_the_queue_shows_the_worst_deadline_in_the_case_pages_words(
    complaints_charter, mary_client, officer, make_customer
):
    case = _open(officer, make_customer(), opened_at=timezone.now() - timedelta(days=6))
    assert case.acknowledge_due < timezone.now() < case.resolve_due
    page = mary_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "<strong>Acknowledge: the charter" in page  # the case page: missed
    queue = mary_client.get(reverse("cases:queue")).content.decode()
    row = queue.split(f">{case.reference}</a>")[1].split("</tr>")[0]
    assert '<span class="badge badge--bad">Missed</span>' in row and "Acknowledge" in row
    assert "On track" not in row


def test_a_paused_case_reads_the_same_in_the_queue_and_on_its_page(queue_of_two, mary_client):
    paused = queue_of_two["paused"]
    page = mary_client.get(reverse("cases:detail", args=[paused.pk])).content.decode()
    assert "Paused: waiting for the customer" in page
    queue = mary_client.get(reverse("cases:queue")).content.decode()
    row = queue.split(f">{paused.reference}</a>")[1].split("</tr>")[0]
    # Its acknowledgement was missed too: the worst of its deadlines shows.
    assert "Missed" in row and "Acknowledge" in row


def test_every_queue_view_reads_a_fixed_number_of_queries(
    complaints_charter, mary_client, officer, make_customer
):
    urls = ("?show=mine", "?show=mine&due=past", "?show=open&due=past", "?show=open&due=soon")

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert mary_client.get(reverse("cases:queue") + url).status_code == 200
            found.append(len(queries))
        return found

    _late(officer, make_customer())
    before = counts()
    for _ in range(5):
        _late(officer, make_customer())
        _open(officer, make_customer())
    assert counts() == before
