"""Reading an RFC 5322 message into what a case needs: pure, no database, tested on real
messages (plain, multipart with attachments, non-UTF-8 charsets, broken headers).

``parse`` raises ``Unreadable`` with a reason a person can act on when a message cannot be
filed (no sender, not an email at all); everything else it reads as well as it can, replacing
undecodable bytes rather than losing the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_BODY = 100_000  # characters kept of a body; the raw message keeps the rest


class Unreadable(Exception):
    """The message cannot be filed; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: str
    references: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # read, but with these defects


def _header(message: Message, name: str, problems: list[str]) -> str:
    """A header as text. A header the strict parser cannot read is taken raw (decoded with
    replacement), noted among the problems, and not lost."""
    try:
        value = message.get(name)
    except Exception as error:  # a malformed header can raise on access
        problems.append(f"{name} header unreadable ({error.__class__.__name__})")
        raw = dict(message.raw_items()).get(name)  # type: ignore[attr-defined]
        value = raw
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    text = "".join(reader.parts)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def _decoded(part: Message, problems: list[str]) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        problems.append(f"text not valid {charset}: undecodable bytes replaced")
        return payload.decode(charset if _known(charset) else "utf-8", errors="replace")


def _known(charset: str) -> bool:
    try:
        "".encode(charset)
        return True
    except LookupError:
        return False


def parse(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise Unreadable("The message is empty.")
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    problems: list[str] = []
    if not message.keys():
        raise Unreadable("Not an email: no headers were found.")
    sender = _header(message, "From", problems)
    name, address = parseaddr(sender)
    if not address or "@" not in address:
        raise Unreadable(
            f"No sender address could be read (From: {sender or 'missing'}), so nobody could "
            "be answered. Read it and log it by hand."
        )
    sent_at = None
    date_text = _header(message, "Date", problems)
    if date_text:
        try:
            sent_at = parsedate_to_datetime(date_text)
            if sent_at.tzinfo is None:
                sent_at = None
                problems.append("Date has no time zone")
        except (TypeError, ValueError, IndexError):
            problems.append(f"Date unreadable ({date_text})")
    text, html = "", ""
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        content_type = part.get_content_type()
        if filename or disposition == "attachment":
            attachments.append(
                Attachment(
                    filename=(filename or "attachment")[:255],
                    content_type=content_type,
                    content=part.get_payload(decode=True) or b"",
                )
            )
        elif content_type == "text/plain" and not text:
            text = _decoded(part, problems)
        elif content_type == "text/html" and not html:
            html = _decoded(part, problems)
    body = text or (html_to_text(html) if html else "")
    recipients = ", ".join(a for _, a in getaddresses([_header(message, "To", problems)]) if a)
    return ParsedMail(
        message_id=_header(message, "Message-ID", problems)[:300],
        in_reply_to=_header(message, "In-Reply-To", problems)[:300],
        references=_header(message, "References", problems),
        from_address=address[:300],
        from_name=name[:200],
        to=recipients,
        subject=_header(message, "Subject", problems)[:500],
        sent_at=sent_at,
        body=body.strip()[:MAX_BODY],
        attachments=attachments,
        problems=problems,
    )
