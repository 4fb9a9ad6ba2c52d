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
