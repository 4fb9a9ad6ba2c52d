"""Reading real RFC 5322 messages (files under tests/cases/mail/): plain, multipart with
attachments, non-UTF-8, a mislabelled charset, HTML only, broken headers, and messages that
cannot be filed. Pure: no database."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from charter.cases import mail

MAIL = Path(__file__).parent / "mail"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def test_a_plain_message():
    parsed = mail.parse(read("plain.eml"))
    assert parsed.message_id == "<20261116091200.4471@yoremine.example>"
    assert (parsed.from_name, parsed.from_address) == ("Dana Price", "dana.price@yoremine.example")
    assert parsed.to == "service@innovativewidgets.example"
    assert parsed.subject == "Order YM-PO-4471 still not delivered"
    assert parsed.sent_at == datetime(2026, 11, 16, 9, 12, tzinfo=timezone(timedelta(hours=11)))
    assert "1,000 x 7 mm widgets" in parsed.body and parsed.attachments == []
    assert parsed.problems == []


def test_a_reply_keeps_its_thread_headers():
    parsed = mail.parse(read("reply.eml"))
    assert parsed.in_reply_to == "<out-1@charter.local>"
    assert "<20261116091200.4471@yoremine.example>" in parsed.references


def test_multipart_with_attachments():
    raw = read("multipart_attachments.eml.tmpl").replace(b"%s", b"12")
    parsed = mail.parse(raw)
    assert parsed.subject == "RE: [CASE-12] photos of the 6 mm widgets"
    assert parsed.body == "Photos attached \N{EM DASH} the widgets measure 6 mm."  # the plain part
    names = [(a.filename, a.content_type) for a in parsed.attachments]
    assert names == [("widget-6mm.png", "image/png"), ("delivery-docket.pdf", "application/pdf")]
    assert parsed.attachments[0].content.startswith(b"\x89PNG")
    assert parsed.attachments[1].content.startswith(b"%PDF-1.4")


def test_latin_1_headers_and_body_are_decoded():
    parsed = mail.parse(read("latin1.eml"))
    assert parsed.from_name == "Renée Dupré"
    assert parsed.subject == "Question sur les pièces"
    assert "délai de livraison" in parsed.body and "Renée" in parsed.body


def test_a_mislabelled_charset_is_read_with_replacement_and_noted():
    parsed = mail.parse(read("mislabelled_charset.eml"))
    assert parsed.body.startswith("Could you send the price list? caf")
    assert "\N{REPLACEMENT CHARACTER}" in parsed.body
    assert any("utf-8" in problem for problem in parsed.problems)


def test_html_only_becomes_text_without_scripts_or_styles():
    parsed = mail.parse(read("html_only.eml"))
    assert "The mounting kit arrived broken." in parsed.body
    assert "Please replace it." in parsed.body
    assert "alert" not in parsed.body and "color" not in parsed.body


def test_broken_headers_are_read_as_far_as_possible_and_noted():
    parsed = mail.parse(read("broken_headers.eml"))
    assert parsed.from_address == "margaret.chen@example.net"
    assert parsed.sent_at is None
    assert any("Date" in problem for problem in parsed.problems)
    assert "never came" in parsed.body


@pytest.mark.parametrize(
    "name, reason",
    [
        ("no_sender.eml", "No sender address"),
        ("not_email.bin", "Not an email"),
    ],
)
def test_what_cannot_be_filed_says_why(name, reason):
    with pytest.raises(mail.Unreadable) as refused:
        mail.parse(read(name))
    assert reason in refused.value.reason


def test_an_empty_message_is_unreadable():
    with pytest.raises(mail.Unreadable):
        mail.parse(b"  \r\n")


# --- Text any database stores, and a message's identity -----------------------------------------


def test_a_nul_in_the_body_is_removed_noted_and_the_part_kept_whole():
    parsed = mail.parse(read("nul_body.eml"))
    assert "\x00" not in parsed.body
    assert parsed.body.startswith("The serial numbers are 7731 and 7732.")
    assert "NUL characters removed from the text/plain part" in parsed.problems
    [kept] = parsed.attachments
    assert kept.filename == "message-as-received.txt" and b"7731 and\x00\x00 7732" in kept.content


def test_a_nul_in_a_header_is_removed_and_noted():
    parsed = mail.parse(read("nul_header.eml"))
    assert (parsed.from_name, parsed.from_address) == ("Ana Silva", "ana.silva@example.org")
    assert parsed.subject == "Invoice INV-2291 is wrong"
    assert "NUL characters removed from the Subject header" in parsed.problems
    assert "NUL characters removed from the From header" in parsed.problems
    assert parsed.attachments == []


def test_clean_text_has_no_nul_and_no_stray_surrogate():
    assert mail.clean("maildir:a\x00b\udcff") == "maildir:ab\N{REPLACEMENT CHARACTER}"
    assert mail.clean("Renée") == "Renée"


def test_over_long_message_ids_fit_the_column_and_stay_apart():
    first, second = mail.parse(read("long_id.eml")), mail.parse(read("long_id_sibling.eml"))
    assert len(first.message_id) == len(second.message_id) == mail.MESSAGE_ID_MAX
    assert first.message_id != second.message_id  # they differ only after 300 characters
    assert first.message_id.startswith("<CAHx7f3c9a1e5b2d4c6a8e0f") and first.message_id[-1] == ">"
    assert any("longer than 300" in problem for problem in first.problems)
    assert second.in_reply_to == first.message_id  # a reply naming the long ID finds it
    assert mail.fit_message_id("<short@example.net>") == "<short@example.net>"


def test_a_derived_identity_fits_and_differs_from_the_original():
    digest = mail.content_digest(read("reused_id.eml"))
    derived = mail.derived_message_id("<20261116091200.4471@yoremine.example>", digest)
    assert derived == f"<20261116091200.4471@yoremine.example#{digest[:16]}>"
    long = mail.parse(read("long_id.eml")).message_id
    assert len(mail.derived_message_id(long, digest)) == mail.MESSAGE_ID_MAX


def test_the_same_message_has_the_same_digest_however_it_was_delivered():
    raw = read("plain.eml")
    by_imap = raw
    by_maildir = raw.replace(b"\r\n", b"\n")
    to_a_second_address = b"Delivered-To: complaints@innovativewidgets.example\r\n" + raw
    without_trace = raw[raw.index(b"Message-ID:") :]
    digests = {mail.content_digest(m) for m in (by_imap, by_maildir, to_a_second_address)}
    assert digests == {mail.content_digest(without_trace)}
    assert mail.content_digest(read("reused_id.eml")) not in digests  # same ID, other content
    edited = raw.replace(b"This is unacceptable.", b"This is not acceptable.")
    assert mail.content_digest(edited) not in digests


def test_a_malformed_message_is_read_as_far_as_possible():
    parsed = mail.parse(read("malformed.eml"))
    assert (parsed.from_name, parsed.from_address) == ("Pat Oduya", "pat.oduya@example.org")
    assert parsed.body.startswith("Hello, the widgets arrived cracked.")
    assert [a.filename for a in parsed.attachments] == ["invoice.pdf"]
    assert any("From header malformed" in problem for problem in parsed.problems)


def test_a_date_that_does_not_exist_in_utc_is_noted_not_kept():
    parsed = mail.parse(read("date_out_of_range.eml"))  # 31 Dec 9999, 23:30 at UTC-5
    assert parsed.sent_at is None and any("Date unreadable" in p for p in parsed.problems)
    assert parsed.subject == "Catalogue request"
