"""A reply to a customer greets the person (an organisation's contact, a person by name, else
"customer") and goes to them; its subject is the approved wording's, with the case reference,
never the staff's own case subject."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from charter.accounts.models import RoleCode, User
from charter.cases import services
from charter.cases.demo import YORE_SUBJECT
from charter.cases.models import Case, ReplyTemplate
from charter.core.errors import DomainError
from charter.customers import services as customer_services

MAIL = Path(__file__).parent / "mail"
INTERNAL = "Buyer threatens lawyer, wants it today"


@pytest.mark.parametrize("situation", ["acknowledgement", "delay_notice"])
def test_a_reply_to_yore_mine_greets_dan_pryor_under_the_wordings_subject(
    demo, smtp_server, situation
):
    case = Case.objects.get(subject=YORE_SUBJECT)
    Case.objects.filter(pk=case.pk).update(subject=INTERNAL)  # the staff's own summary
    case.refresh_from_db()
    mary = User.objects.get(username="mary")
    subject, body, missing = services.reply_draft(actor=mary, case=case, situation=situation)
    assert missing == []
    assert body.startswith("Dear Dan Pryor,\n")
    assert subject.startswith(f"[{case.reference}] ")
    assert "lawyer" not in subject and "threatens" not in subject and YORE_SUBJECT not in subject
    assert "lawyer" not in body
    services.email_send(actor=mary, case=case, subject=subject, body=body, situation=situation)
    [sent] = smtp_server
    assert sent["To"] == "dan.pryor@yoremine.example"
    assert sent["Subject"] == subject
    assert sent.get_payload(decode=True).decode().startswith("Dear Dan Pryor,")


def test_the_demos_wording_shows_its_subjects_and_offers_no_case_subject(demo):
    client = Client()
    client.force_login(User.objects.get(username="grace"))
    page = client.get("/cases/wording/").content.decode()
    assert "<strong>Subject:</strong> [{case_reference}] We have your message" in page
    assert "<code>{customer_name}</code>" in page and "<code>{subject}</code>" not in page
    for wording in ReplyTemplate.objects.all():
        assert wording.subject.startswith("[{case_reference}]")


@pytest.fixture
def contacts(yore_mine, manager):
    """Yore Mine's buyer (its primary contact) and its production manager."""
    for name, email, primary in [
        ("Dan Pryor", "dan.pryor@yoremine.example", True),
        ("Dana Price", "dana.price@yoremine.example", False),
    ]:
        customer_services.contact_save(
            actor=manager, customer=yore_mine, name=name, email=email, is_primary=primary
        )
    return yore_mine


@pytest.fixture
def acknowledgement(db, manager):
    return ReplyTemplate.objects.create(
        situation="acknowledgement",
        subject="[{case_reference}] We have your message",
        body="Dear {customer_name},\n\nWe have logged it as {case_reference}.\n",
        approved_by=manager,
        approved_at=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_a_case_raised_by_a_contact_is_acknowledged_to_that_contact(
    complaints_charter, contacts, acknowledgement, smtp_server, run_worker
):
    case = services.email_receive(raw=(MAIL / "plain.eml").read_bytes()).case  # from Dana
    assert case.customer == contacts
    run_worker()
    [sent] = [m for m in smtp_server if "yoremine" in m["To"]]  # staff are told too
    assert sent["To"] == "dana.price@yoremine.example"
    assert sent["Subject"] == f"[{case.reference}] We have your message"
    assert case.subject not in sent["Subject"]  # "Order YM-PO-4471 still not delivered"
    assert sent.get_payload(decode=True).decode().startswith("Dear Dana Price,")


def test_a_person_is_greeted_by_name_and_someone_unnamed_as_customer(
    complaints_charter, officer, make_customer, acknowledgement, smtp_server
):
    jane = make_customer(kind="person", name="Jane Citizen", email="jane@example.net")
    case = services.case_open(actor=officer, customer=jane, subject="Rude", channel="telephone")
    _, body, _ = services.reply_draft(actor=officer, case=case, situation="acknowledgement")
    assert body.startswith("Dear Jane Citizen,")
    nobody = services.case_open(
        actor=officer, subject="Anonymous tip", channel="web_form", public_email="x@example.net"
    )
    subject, body, _ = services.reply_draft(actor=officer, case=nobody, situation="acknowledgement")
    assert body.startswith("Dear customer,")
    services.email_send(actor=officer, case=nobody, subject=subject, body=body)
    assert smtp_server[0]["To"] == "x@example.net"


def test_an_unfilled_placeholder_in_the_subject_is_refused(
    complaints_charter, officer, manager, contacts
):
    ReplyTemplate.objects.create(
        situation="delay_notice",
        subject="[{case_reference}] Your order {order_reference}",
        body="Dear {customer_name},\n\nIt needs a little longer.\n",
        approved_by=manager,
        approved_at=timezone.now(),
    )
    case = services.case_open(
        actor=officer, customer=contacts, subject=INTERNAL, channel="telephone"
    )
    subject, body, missing = services.reply_draft(
        actor=officer, case=case, situation="delay_notice"
    )
    assert missing == ["order_reference"]
    assert subject == f"[{case.reference}] Your order [order_reference]"
    with pytest.raises(DomainError, match=r"Fill in before sending: order_reference\."):
        services.email_send(actor=officer, case=case, subject=subject, body=body)
    assert not case.emails.exists()


def test_wording_that_puts_the_staffs_case_subject_in_the_subject_is_not_approved(db, make_user):
    grace = make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")
    draft = ReplyTemplate.objects.create(
        situation="acknowledgement",
        subject="We have your message: {subject}",
        body="Dear {customer_name},\n",
    )
    with pytest.raises(DomainError, match=r"uses \{subject\}, which nothing fills"):
        services.reply_templates_approve(
            actor=grace, templates=ReplyTemplate.objects.filter(pk=draft.pk)
        )
    draft.refresh_from_db()
    assert draft.approved_at is None
