"""Inbound mail transport: read messages from a Maildir or an IMAP mailbox and hand each, raw,
to ``services.email_receive``. Nothing here parses or decides; a message is marked read only
after it is filed (or kept aside), so a crash part-way loses nothing and files nothing twice
(the service also files a Message-ID once)."""

from __future__ import annotations

import imaplib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Fetched:
    filed: int = 0
    kept_aside: int = 0
    failed: int = 0


def maildir_messages(path: str | Path) -> Iterator[tuple[str, bytes, Callable[[], None]]]:
    """Unread messages of a Maildir (its ``new`` folder), oldest first: (source, raw, mark
    read). Marking read moves the file to ``cur`` with the Seen flag, as mail readers do."""
    root = Path(path)
    if not (root / "new").is_dir() or not (root / "cur").is_dir():
        raise FileNotFoundError(f"{root} is not a Maildir (it needs new/ and cur/ folders).")
    entries = sorted((root / "new").iterdir(), key=lambda p: (p.stat().st_mtime, p.name))
    for entry in entries:
        if not entry.is_file() or entry.name.startswith("."):
            continue

        def mark(entry=entry) -> None:
            os.replace(entry, root / "cur" / f"{entry.name}:2,S")

        yield f"maildir:{entry.name}", entry.read_bytes(), mark


def imap_messages(
    *, host: str, user: str, password: str, folder: str = "INBOX", port: int = 993
) -> Iterator[tuple[str, bytes, Callable[[], None]]]:
    """Unseen messages of an IMAP folder over TLS, read without marking them; each is marked
    Seen once filed."""
    with imaplib.IMAP4_SSL(host, port) as imap:
        imap.login(user, password)
        imap.select(folder)
        _, found = imap.uid("search", None, "UNSEEN")
        for uid in (found[0] or b"").split():
            _, data = imap.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"")

            def mark(uid=uid) -> None:
                imap.uid("store", uid, "+FLAGS", r"(\Seen)")

            yield f"imap:{host}/{folder}/{uid.decode()}", raw, mark


def checked(messages):
    """Start reading now, so that a missing mailbox is reported before anything runs."""
    first = next(messages, None)
    return itertools.chain([first] if first is not None else [], messages)


def fetch(messages, *, progress: Callable[[int], None] | None = None, batch: int = 200) -> Fetched:
    """File every message, ``batch`` at a time in one transaction (``emails_receive``); each
    is marked read once its batch has committed. Should a batch fail, its messages are filed
    one by one, and one that still fails is left unread for the next fetch."""
    from django.db import transaction

    from .models import MailStatus
    from .services import emails_receive

    result = Fetched()
    done = 0
    iterator = iter(messages)
    while True:
        chunk = list(itertools.islice(iterator, batch))
        if not chunk:
            break
        filed = []
        try:
            emails = emails_receive([(source, raw) for source, raw, _ in chunk])
            filed = [
                (mark, e.status == MailStatus.QUARANTINED)
                for (_, _, mark), e in zip(chunk, emails, strict=True)
            ]
        except Exception:  # a database error in the batch: file its messages one by one
            for source, raw, mark in chunk:
                try:
                    with transaction.atomic():
                        email = emails_receive([(source, raw)])[0]
                except Exception:  # leave it unread, to be fetched again
                    result.failed += 1
                    continue
                filed.append((mark, email.status == MailStatus.QUARANTINED))
        for mark, kept_aside in filed:
            mark()
            if kept_aside:
                result.kept_aside += 1
            else:
                result.filed += 1
        done += len(chunk)
        if progress:
            progress(done)
    return result
