"""Reading an RFC 5322 message into what a case needs: pure, no database, tested on real
messages (plain, multipart with attachments, non-UTF-8 charsets, broken headers).

``parse`` raises ``Unreadable`` with a reason a person can act on when a message cannot be
filed (no sender, not an email at all); everything else it reads as well as it can, replacing
undecodable bytes rather than losing the message. Every text it returns can be stored by any
database: NUL characters (which PostgreSQL refuses) are removed and stray surrogates replaced,
noted among the problems; the raw message is kept whole beside it.

A message's identity is its Message-ID, fitted to the column (``fit_message_id``), and its
content digest (``content_digest``): the same message delivered twice has the same digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_BODY = 100_000  # characters kept of a body; the raw message keeps the rest
MESSAGE_ID_MAX = 300  # the length of Email.message_id and Email.in_reply_to
UNSAFE = re.compile(r"[\x00\ud800-\udfff]")  # NUL and lone surrogates: no database stores them
MESSAGE_ID = re.compile(r"<[^<>\s]+>")  # as rules.thread_ids finds them

# Header fields that servers add on the way in (RFC 5321 section 4.4 and their kin), above the
# sender's own: two deliveries of one message differ only in these.
TRACE_FIELDS = frozenset(
    {
        b"return-path",
        b"received",
        b"delivered-to",
        b"x-original-to",
        b"received-spf",
        b"authentication-results",
        b"arc-seal",
        b"arc-message-signature",
        b"arc-authentication-results",
    }
)


def clean(text: str) -> str:
    """Text any database stores: NUL removed, lone surrogates replaced."""
    if not UNSAFE.search(text):
        return text
    return re.sub(r"[\ud800-\udfff]", "\N{REPLACEMENT CHARACTER}", text.replace("\x00", ""))


def _safe(text: str, where: str, problems: list[str]) -> str:
    if not UNSAFE.search(text):
        return text
    if "\x00" in text:
        problems.append(f"NUL characters removed from {where}")
    if re.search(r"[\ud800-\udfff]", text):
        problems.append(f"undecodable characters replaced in {where}")
    return clean(text)


def content_digest(raw: bytes) -> str:
    """SHA-256 (hex) of a message as its sender wrote it: line endings as LF, and without the
    trace fields servers put on top on the way in (Received, Delivered-To, ...), so that the
    same message is recognised whether it came by IMAP or Maildir, or to two of our addresses."""
    text = raw.replace(b"\r\n", b"\n")
    start = 0
    while start < len(text):
        end = text.find(b"\n", start)
        line = text[start : end if end >= 0 else len(text)]
        name, colon, _ = line.partition(b":")
        if not colon or name.strip().lower() not in TRACE_FIELDS or end < 0:
            break
        start = end + 1
        while text[start : start + 1] in (b" ", b"\t"):  # the field's folded lines
            end = text.find(b"\n", start)
            start = len(text) if end < 0 else end + 1
    body = text[start:] or text  # nothing but trace fields: the whole is all there is
    return hashlib.sha256(body).hexdigest()


def _tagged(message_id: str, tag: str, limit: int) -> str:
    """``message_id`` with ``#tag`` added inside its closing bracket, cut to ``limit``."""
    close = ">" if message_id.endswith(">") else ""
    suffix = f"#{tag}{close}"
    return message_id[: len(message_id) - len(close)][: limit - len(suffix)] + suffix


def fit_message_id(message_id: str, limit: int = MESSAGE_ID_MAX) -> str:
    """A Message-ID that fits the column: itself, or when longer its start and a digest of the
    whole, so that two long IDs that begin alike stay apart and a reply naming one finds it."""
    if len(message_id) <= limit:
        return message_id
    whole = hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()[:16]
    return _tagged(message_id, whole, limit)


def derived_message_id(message_id: str, digest: str, limit: int = MESSAGE_ID_MAX) -> str:
    """The identity a message is filed under when its Message-ID already belongs to a different
    message: the ID with the start of the message's own content digest."""
    return _tagged(message_id, digest[:16], limit)


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
    return _safe(re.sub(r"\s+", " ", str(value)).strip(), f"the {name} header", problems)


def _message_ids(text: str) -> str:
    """Each Message-ID in a header fitted as the message it names was filed."""
    return MESSAGE_ID.sub(lambda found: fit_message_id(found.group()), text)


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


def _decoded(part: Message, problems: list[str], attachments: list[Attachment]) -> str:
    """A text part as text any database stores. One that holds NUL characters is also kept,
    exactly as it came, as an attachment."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        problems.append(f"text not valid {charset}: undecodable bytes replaced")
        text = payload.decode(charset if _known(charset) else "utf-8", errors="replace")
    content_type = part.get_content_type()
    if "\x00" in text:
        name = "message-as-received" + (".html" if content_type == "text/html" else ".txt")
        attachments.append(Attachment(filename=name, content_type=content_type, content=payload))
    return _safe(text, f"the {content_type} part", problems)


ADDRESS = re.compile(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+")


def _sender(sender: str, problems: list[str]) -> tuple[str, str]:
    """Name and address of the From header. Where a malformed header (an unclosed quote, say)
    gives no clean address, the last address written in it is taken, and the defect noted."""
    name, address = parseaddr(sender)
    if not address or ADDRESS.fullmatch(address):
        return name, address
    found = ADDRESS.findall(sender)
    if not found:
        return name, address
    problems.append("From header malformed: the address was read from it as far as possible")
    name = sender[: sender.rfind(found[-1])].strip(' "<\t')
    return name, found[-1]


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
    name, address = _sender(sender, problems)
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
            else:
                sent_at.astimezone(UTC)  # as it will be stored: it must exist in UTC
        except (TypeError, ValueError, IndexError, OverflowError):
            sent_at = None
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
                    filename=clean(filename or "attachment")[:255],
                    content_type=clean(content_type),
                    content=part.get_payload(decode=True) or b"",
                )
            )
        elif content_type == "text/plain" and not text:
            text = _decoded(part, problems, attachments)
        elif content_type == "text/html" and not html:
            html = _decoded(part, problems, attachments)
    body = text or (html_to_text(html) if html else "")
    recipients = ", ".join(a for _, a in getaddresses([_header(message, "To", problems)]) if a)
    message_id = _header(message, "Message-ID", problems)
    if len(message_id) > MESSAGE_ID_MAX:
        problems.append(
            f"Message-ID longer than {MESSAGE_ID_MAX} characters: filed under its start and a "
            "digest of the whole"
        )
    return ParsedMail(
        message_id=fit_message_id(message_id),
        in_reply_to=_message_ids(_header(message, "In-Reply-To", problems))[:MESSAGE_ID_MAX],
        references=_message_ids(_header(message, "References", problems)),
        from_address=address[:300],
        from_name=name[:200],
        to=recipients,
        subject=_header(message, "Subject", problems)[:500],
        sent_at=sent_at,
        body=clean(body.strip())[:MAX_BODY],  # html_to_text's character references too
        attachments=attachments,
        problems=problems,
    )
