"""Email in and out: inbound messages become contacts and open or join cases (threaded by
Message-ID and References, then by the case reference in the subject); unreadable mail is
kept aside with the reason, never lost; ``fetch_mail`` reads a Maildir; outbound mail goes
through Django's backend to a real SMTP server on localhost."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from charter.cases import services
from charter.cases.models import Attachment, Case, Contact, Email, ReplyTemplate
from charter.core.errors import DomainError

MAIL = Path(__file__).parent / "mail"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


@pytest.fixture
def dana(make_customer, types):
    return make_customer(
        name="Yore Mine Co.", customer_type=types["mining"], email="dana.price@yoremine.example"
    )


@pytest.fixture
def wording(db, manager):
    from django.utils import timezone

    ReplyTemplate.objects.create(
        situation="acknowledgement",
        subject="[{case_reference}] We have your message",
        body="Dear {customer_name},\n\nThank you for writing to {organisation}. Your reference "
        "is {case_reference}. We will resolve it by {resolve_due}.\n",
        approved_by=manager,
        approved_at=timezone.now(),
    )


def test_a_new_email_opens_a_complaint_for_the_customer_it_comes_from(
    complaints_charter, dana, django_capture_on_commit_callbacks
):
    email = services.email_receive(raw=read("plain.eml"), source="test")
    case = email.case
    assert email.status == "accepted" and case.customer == dana
    assert case.kind == "complaint" and case.channel == "email" and case.resolve_due
    assert case.opened_by is None  # opened by the email itself
    contact = email.contact
    assert contact.case == case and contact.channel == "email"
    assert "1,000 x 7 mm widgets" in contact.summary


def test_replies_thread_by_message_id_then_by_the_reference_in_the_subject(
    complaints_charter, dana
):
    first = services.email_receive(raw=read("plain.eml"))
    case = first.case
    Email.objects.create(
        direction="outbound",
        status="sent",
        message_id="<out-1@charter.local>",
        case=case,
        subject="Your complaint",
    )
    reply = services.email_receive(raw=read("reply.eml"))
    assert reply.case == case
    raw = read("multipart_attachments.eml.tmpl").replace(b"%s", str(case.pk).encode())
    photos = services.email_receive(raw=raw)
    assert photos.case == case
    assert sorted(Attachment.objects.filter(email=photos).values_list("filename", flat=True)) == [
        "delivery-docket.pdf",
        "widget-6mm.png",
    ]
    assert Case.objects.count() == 1 and case.contacts.count() == 3


def test_a_reply_to_a_closed_case_opens_a_new_one(complaints_charter, dana):
    case = services.email_receive(raw=read("plain.eml")).case
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=case.opened_at)
    Email.objects.create(
        direction="outbound", status="sent", message_id="<out-1@charter.local>", case=case
    )
    again = services.email_receive(raw=read("reply.eml"))
    assert again.case != case and case.reference in again.case.description


def test_someone_unknown_is_a_member_of_the_public(complaints_charter):
    email = services.email_receive(raw=read("latin1.eml"))
    case = email.case
    assert case.customer is None and case.public_name == "Renée Dupré"
    assert case.public_email == "renee@example.net" and case.kind == "enquiry"


def test_the_same_message_is_filed_once(complaints_charter, dana):
    first = services.email_receive(raw=read("plain.eml"))
    again = services.email_receive(raw=read("plain.eml"))
    assert again.pk == first.pk and Contact.objects.count() == 1


@pytest.mark.parametrize("name", ["no_sender.eml", "not_email.bin"])
def test_unreadable_mail_is_kept_aside_with_the_reason_and_its_bytes(complaints_charter, name):
    email = services.email_receive(raw=read(name), source=f"maildir:{name}")
    assert email.status == "quarantined" and email.problem
    assert bytes(email.raw) == read(name)
    assert not Case.objects.exists() and not Contact.objects.exists()


def test_broken_headers_are_filed_with_their_problems_noted(complaints_charter):
    email = services.email_receive(raw=read("broken_headers.eml"))
    assert email.status == "accepted" and "Date" in email.problem and email.case


def test_fetch_mail_reads_a_maildir_and_loses_nothing(complaints_charter, dana, tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    names = [
        "plain.eml",
        "reply.eml",
        "latin1.eml",
        "html_only.eml",
        "broken_headers.eml",
        "mislabelled_charset.eml",
        "no_sender.eml",
        "not_email.bin",
    ]
    for n, name in enumerate(names):
        shutil.copy(MAIL / name, box / "new" / f"{1700000000 + n}.M{n}.test")
    call_command("fetch_mail", maildir=str(box), verbosity=0)
    assert Email.objects.count() == len(names)
    assert Email.objects.filter(status="quarantined").count() == 2
    assert list((box / "new").iterdir()) == []
    assert all(p.name.endswith(":2,S") for p in (box / "cur").iterdir())
    call_command("fetch_mail", maildir=str(box), verbosity=0)  # nothing new
    assert Email.objects.count() == len(names)


def test_fetch_mail_says_what_is_wrong_with_the_mailbox(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("fetch_mail", maildir=str(tmp_path / "nowhere"))


# --- Outbound -----------------------------------------------------------------------------------


def test_a_reply_goes_out_through_smtp_threaded_and_acknowledges_the_case(
    complaints_charter, dana, officer, wording, smtp_server, settings
):
    case = services.email_receive(raw=read("plain.eml")).case
    subject, body, missing = services.reply_draft(
        actor=officer, case=case, situation="acknowledgement"
    )
    assert missing == [] and subject == f"[{case.reference}] We have your message"
    # An organisation with no contact person on record: nobody to greet by name.
    assert body.startswith("Dear customer,") and case.reference in body
    email = services.email_send(
        actor=officer, case=case, subject=subject, body=body, situation="acknowledgement"
    )
    [sent] = smtp_server
    assert sent["To"] == "dana.price@yoremine.example"
    assert sent["In-Reply-To"] == "<20261116091200.4471@yoremine.example>"
    assert sent["Message-ID"] == email.message_id and email.status == "sent"
    case.refresh_from_db()
    assert case.acknowledged_at is not None


def test_unfilled_placeholders_and_missing_addresses_are_refused(
    complaints_charter, officer, wording
):
    case = services.case_open(actor=officer, subject="Rude", channel="telephone", public_name="Pat")
    with pytest.raises(DomainError, match="no email address"):
        services.email_send(actor=officer, case=case, subject="x", body="y")
    Case.objects.filter(pk=case.pk).update(public_email="pat@example.net")
    case.refresh_from_db()
    with pytest.raises(DomainError, match="remedy"):
        services.email_send(actor=officer, case=case, subject="x", body="We will [remedy].")
    with pytest.raises(DomainError, match="no approved wording"):
        services.reply_draft(actor=officer, case=case, situation="delay_notice")


@pytest.mark.django_db(transaction=True)
def test_a_case_opened_by_email_is_acknowledged_by_email(
    complaints_charter, dana, wording, smtp_server, run_worker
):
    case = services.email_receive(raw=read("plain.eml")).case
    run_worker()
    sent = [m for m in smtp_server if case.reference in m["Subject"]]
    assert len(sent) == 1 and sent[0]["To"] == "dana.price@yoremine.example"
    case.refresh_from_db()
    assert case.acknowledged_at is not None


def test_a_batch_threads_replies_to_messages_in_the_same_batch(complaints_charter, dana):
    batch = [
        ("a", read("plain.eml")),
        ("b", read("reply.eml")),
        ("c", read("plain.eml")),
        ("d", read("no_sender.eml")),
        ("e", read("latin1.eml")),
    ]
    receipt = services.emails_receive(batch)
    first, reply, again, kept, other = receipt.emails
    assert receipt.outcomes == ["opened", "joined", "same", "kept_aside", "opened"]
    assert reply.case == first.case and again.pk == first.pk
    assert kept.status == "quarantined" and other.case != first.case
    assert Case.objects.count() == 2 and Email.objects.count() == 4
    assert first.case.contacts.count() == 2


def test_erasing_the_customer_removes_their_words_and_keeps_the_complaint(
    complaints_charter, dana, officer, manager
):
    from charter.cases.models import CaseEvent
    from charter.customers import services as customer_services

    case = services.email_receive(raw=read("plain.eml")).case
    raw = read("multipart_attachments.eml.tmpl").replace(b"%s", str(case.pk).encode())
    services.email_receive(raw=raw)
    services.contact_log(
        actor=officer, case=case, channel="telephone", summary="Dana Price rang about 7 mm."
    )
    services.case_note(actor=officer, case=case, text="Dana's mobile is 0400 123 456.")

    erasure = customer_services.customer_erase(
        actor=manager, customer=dana, reason="The customer asked"
    )

    case.refresh_from_db()
    assert case.subject and case.kind == "complaint" and case.resolve_due  # still counted
    assert "widgets" not in case.description and case.desired_outcome == ""
    assert not Contact.objects.filter(case=case, summary__icontains="dana").exists()
    assert not Contact.objects.filter(case=case, summary__icontains="7 mm").exists()
    assert not CaseEvent.objects.filter(case=case, text__icontains="0400").exists()
    for email in Email.objects.filter(case=case):
        assert email.body == "" and bytes(email.raw) == b"" and email.from_address == ""
    assert not Attachment.objects.exists()
    assert erasure.retained["kept"]["cases"] == 1
    assert erasure.retained["kept"]["contacts"] == 3
