"""Nothing lost, nothing twice: inbound mail (real messages under tests/cases/mail/) is filed,
joined to its case, kept aside, or skipped as the same message, each exactly once, however
often a mailbox is delivered; a reused or over-long Message-ID never loses a message; what the
database refuses is kept aside with the reason; ``fetch_mail`` gives an exact account."""

import dataclasses
import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charter.cases import mail, services
from charter.cases.models import Attachment, Case, CaseEvent, Contact, Email

MAIL = Path(__file__).parent / "mail"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


@pytest.fixture
def dana(make_customer, types):
    return make_customer(
        name="Yore Mine Co.", customer_type=types["mining"], email="dana.price@yoremine.example"
    )


def test_the_message_id_column_is_the_one_the_parser_fits():
    assert Email._meta.get_field("message_id").max_length == mail.MESSAGE_ID_MAX
    assert Email._meta.get_field("in_reply_to").max_length == mail.MESSAGE_ID_MAX


def test_a_different_message_reusing_a_message_id_is_filed_under_a_derived_identity_and_noted(
    complaints_charter, dana
):
    first = services.email_receive(raw=read("plain.eml"))
    receipt = services.emails_receive([("maildir:reused", read("reused_id.eml"))])
    [other] = receipt.emails
    assert receipt.outcomes == ["opened"] and other.pk != first.pk
    digest = mail.content_digest(read("reused_id.eml"))
    assert other.message_id == f"<20261116091200.4471@yoremine.example#{digest[:16]}>"
    assert other.case != first.case and other.case.public_name == "Margaret Chen"
    note = CaseEvent.objects.get(case=other.case, kind="note", text__contains="Message-ID")
    assert f"already used by a different message (email #{first.pk} on {first.case.reference})" in (
        note.text
    )
    assert other.message_id in note.text and "Message-ID" in other.problem
    # Delivered again, each is the same message as before: nothing more is filed.
    again = services.emails_receive([("a", read("reused_id.eml")), ("b", read("plain.eml"))])
    assert again.outcomes == ["same", "same"]
    assert [e.pk for e in again.emails] == [other.pk, first.pk]
    assert Email.objects.count() == 2 and Contact.objects.count() == 2


def test_two_messages_sharing_a_message_id_in_one_batch_are_both_filed(complaints_charter, dana):
    receipt = services.emails_receive([("a", read("plain.eml")), ("b", read("reused_id.eml"))])
    assert receipt.outcomes == ["opened", "opened"]
    first, other = receipt.emails
    assert first.message_id == "<20261116091200.4471@yoremine.example>"
    assert other.message_id.startswith("<20261116091200.4471@yoremine.example#")
    assert "another message delivered with it" in other.problem


def test_over_long_message_ids_that_begin_alike_are_both_filed_and_threaded(complaints_charter):
    receipt = services.emails_receive(
        [("a", read("long_id.eml")), ("b", read("long_id_sibling.eml"))]
    )
    assert receipt.outcomes == ["opened", "joined"]
    first, second = receipt.emails
    assert first.pk != second.pk and second.case == first.case
    assert Contact.objects.filter(case=first.case).count() == 2
    assert "600 hinges" in second.body


def test_a_message_without_a_message_id_delivered_twice_is_filed_once(complaints_charter):
    first = services.emails_receive([("a", read("no_message_id.eml"))])
    again = services.emails_receive([("b", read("no_message_id.eml"))])
    assert (first.outcomes, again.outcomes) == (["opened"], ["same"])
    assert again.emails[0].pk == first.emails[0].pk
    assert first.emails[0].digest == mail.content_digest(read("no_message_id.eml"))
    assert Case.objects.count() == 1 and Email.objects.count() == 1


def test_mail_kept_aside_is_not_kept_aside_again(complaints_charter):
    first = services.emails_receive([("a", read("no_sender.eml")), ("b", read("not_email.bin"))])
    assert first.outcomes == ["kept_aside", "kept_aside"]
    assert all(e.digest for e in first.emails)
    again = services.emails_receive(
        [("c", read("not_email.bin")), ("d", read("no_sender.eml")), ("e", read("no_sender.eml"))]
    )
    assert again.outcomes == ["same", "same", "same"]
    assert Email.objects.filter(status="quarantined").count() == 2


def test_nul_characters_in_a_body_or_a_header_are_filed_without_them(complaints_charter):
    receipt = services.emails_receive([("a", read("nul_body.eml")), ("b", read("nul_header.eml"))])
    assert receipt.outcomes == ["opened", "opened"]
    body, header = (Email.objects.get(pk=e.pk) for e in receipt.emails)
    assert body.body.startswith("The serial numbers are 7731 and 7732.")
    assert "NUL characters removed" in body.problem and bytes(body.raw) == read("nul_body.eml")
    kept = Attachment.objects.get(email=body)
    assert kept.filename == "message-as-received.txt" and b"\x00" in bytes(kept.content)
    assert (header.subject, header.from_name) == ("Invoice INV-2291 is wrong", "Ana Silva")
    assert header.case.subject == "Invoice INV-2291 is wrong"


@pytest.mark.parametrize("unsafe", ["\ud800", "\x00"], ids=["surrogate", "nul"])
def test_a_message_the_database_refuses_is_kept_aside_and_its_batch_filed(
    complaints_charter, dana, monkeypatch, unsafe
):
    """Should the parser ever let through what the database refuses, the batch is filed
    message by message and the one refused is kept aside with the database's reason."""
    if unsafe == "\x00" and connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL characters")
    parse = mail.parse

    def parse_letting_through(raw):
        parsed = parse(raw)
        if parsed.message_id == "<latin1@example.net>":
            return dataclasses.replace(parsed, subject=f"Question{unsafe}")
        return parsed

    monkeypatch.setattr(mail, "parse", parse_letting_through)
    batch = [("a", read("plain.eml")), ("b", read("latin1.eml")), ("c", read("html_only.eml"))]
    receipt = services.emails_receive(batch)
    assert receipt.outcomes == ["opened", "kept_aside", "opened"]
    kept = Email.objects.get(pk=receipt.emails[1].pk)
    assert kept.status == "quarantined" and kept.source == "b"
    assert kept.problem.startswith("The database refused to file it (")
    assert bytes(kept.raw) == read("latin1.eml") and kept.digest
    assert Case.objects.count() == 2 and Email.objects.count() == 3
    again = services.emails_receive(batch)
    assert again.outcomes == ["same", "same", "same"] and Email.objects.count() == 3


def _batch(tag: str, size: int) -> list[tuple[str, bytes]]:
    """``size`` new threads from a customer, a reply to each, a message without a Message-ID
    and one that cannot be read: every kind of outcome but the same message."""
    messages = []
    for n in range(size):
        head = "Date: Mon, 16 Nov 2026 09:00:00 +1100\r\nFrom: dana.price@yoremine.example\r\n"
        messages.append(
            (
                f"{tag}-{n}",
                f"Message-ID: <{tag}-{n}@yoremine.example>\r\n{head}Subject: Order {n}\r\n\r\n"
                f"Where is order {tag}-{n}?\r\n".encode(),
            )
        )
        messages.append(
            (
                f"{tag}-{n}-reply",
                f"Message-ID: <{tag}-{n}-re@yoremine.example>\r\n"
                f"In-Reply-To: <{tag}-{n}@yoremine.example>\r\n{head}Subject: Re: Order {n}\r\n"
                "\r\nStill waiting.\r\n".encode(),
            )
        )
        messages.append((f"{tag}-{n}-noid", f"{head}Subject: Hello\r\n\r\n{tag} {n}\r\n".encode()))
        messages.append((f"{tag}-{n}-bad", f"Subject: {tag} {n}\r\n\r\nwho?\r\n".encode()))
    return messages


def test_a_batch_costs_the_same_number_of_statements_whatever_its_size(complaints_charter, dana):
    """The digests and Message-IDs already here are looked up in one query for the batch."""
    services.emails_receive(_batch("warm", 1))
    counts = []
    for tag, size in (("small", 2), ("large", 6)):  # within one of SQLite's insert chunks
        with CaptureQueriesContext(connection) as queries:
            receipt = services.emails_receive(_batch(tag, size))
        assert receipt.account.read == 4 * size and receipt.account.balanced
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _deliver(box: Path, names: list[str], start: int) -> None:
    """Put messages into a Maildir's new/ folder, in this order (by their times)."""
    for n, name in enumerate(names, start=start):
        target = os.path.join(os.fsencode(box / "new"), f"{1_700_000_000 + n}.M{n}.test".encode())
        if name == "html_only.eml":  # a file name that is not UTF-8, as a mailbox may hold
            target += b"\xff"
        if name == "plain copy":  # the same message, delivered to a second address too
            data = b"Delivered-To: complaints@innovativewidgets.example\r\n" + read("plain.eml")
        else:
            data = read(name)
        with open(target, "wb") as file:
            file.write(data)
        os.utime(target, (1_700_000_000 + n, 1_700_000_000 + n))


EVERY_KIND = [
    "plain.eml",  # opens a complaint for Dana
    "reply.eml",  # joins it (References)
    "plain copy",  # the same message: skipped
    "reused_id.eml",  # plain.eml's Message-ID, other content: opens a case of its own
    "long_id.eml",
    "long_id_sibling.eml",  # begins like long_id's ID, and replies to it: joins
    "no_message_id.eml",
    "nul_body.eml",
    "nul_header.eml",
    "malformed.eml",
    "date_out_of_range.eml",  # a Date past the year 9999 in UTC
    "latin1.eml",
    "html_only.eml",
    "no_sender.eml",  # kept aside
    "not_email.bin",  # kept aside
]


def _fetch(box: Path) -> str:
    out = StringIO()
    call_command("fetch_mail", maildir=str(box), stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_fetch_mail_gives_an_exact_account_and_files_a_mailbox_delivered_twice_once(
    complaints_charter, dana, tmp_path
):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    _deliver(box, EVERY_KIND, start=0)

    assert _fetch(box) == (
        "Read 15 messages: 10 opened a new case, 2 joined a case already open, 2 kept aside to "
        "be read by a person (see the mail kept aside), 1 skipped as the same message already "
        "received."
    )
    assert len(EVERY_KIND) == 10 + 2 + 2 + 1  # the account adds up
    assert list((box / "new").iterdir()) == [] and len(list((box / "cur").iterdir())) == 15
    assert Case.objects.count() == 10 and Contact.objects.count() == 12
    assert Email.objects.filter(status="accepted").count() == 12
    assert Email.objects.filter(status="quarantined").count() == 2
    plain = Email.objects.get(message_id="<20261116091200.4471@yoremine.example>")
    assert plain.case.contacts.count() == 2  # the reply joined it; the copy did not
    source = Email.objects.get(subject="Broken mounting kit").source
    assert source.startswith("maildir:") and source.endswith("\N{REPLACEMENT CHARACTER}")

    _deliver(box, EVERY_KIND, start=100)  # the whole mailbox again
    assert _fetch(box) == (
        "Read 15 messages: 0 opened a new case, 0 joined a case already open, 0 kept aside to "
        "be read by a person (see the mail kept aside), 15 skipped as the same message already "
        "received."
    )
    assert Case.objects.count() == 10 and Email.objects.count() == 14
    assert list((box / "new").iterdir()) == []


def test_fetch_mail_on_an_empty_mailbox_reads_nothing(db, tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    assert _fetch(box).startswith("Read 0 messages: 0 opened a new case")


def test_the_copy_of_a_message_in_a_mailbox_is_the_same_message(complaints_charter, dana, tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    shutil.copy(MAIL / "plain.eml", box / "new" / "1.M1.test")
    shutil.copy(MAIL / "plain.eml", box / "new" / "2.M2.test")
    assert "1 opened a new case" in _fetch(box) and Email.objects.count() == 1


def test_mail_received_before_digests_gets_one_so_a_second_delivery_is_the_same(complaints_charter):
    """The migration that adds digests fills them in for mail already here."""
    import importlib

    from django.apps import apps

    first = services.email_receive(raw=read("no_message_id.eml"))
    Email.objects.filter(pk=first.pk).update(digest="")  # as before the migration
    importlib.import_module("charter.cases.migrations.0004_email_digest_backfill").backfill(
        apps, None
    )
    first.refresh_from_db()
    assert first.digest == mail.content_digest(read("no_message_id.eml"))
    assert services.emails_receive([("a", read("no_message_id.eml"))]).outcomes == ["same"]
