"""Inbound mail transport: read messages from a Maildir or an IMAP mailbox and hand them, raw,
to ``services.emails_receive``. Nothing here parses or decides; a message is marked read only
after its batch is stored (filed, kept aside, or recognised as the same message already
here), so a crash part-way loses nothing, and the service files nothing twice."""

from __future__ import annotations

import imaplib
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services.mail import MailAccount


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


def fetch(
    messages, *, progress: Callable[[int], None] | None = None, batch: int = 200
) -> MailAccount:
    """File every message, ``batch`` at a time in one transaction (``emails_receive``, which
    keeps aside whatever the database refuses), marking each read once its batch has committed.
    Returns the account of the run: read, opened, joined, kept aside, skipped as the same. A
    database that stops answering stops the run, its batch left unread for the next."""
    from .services.mail import MailAccount, emails_receive

    account = MailAccount()
    iterator = iter(messages)
    while chunk := list(itertools.islice(iterator, batch)):
        receipt = emails_receive([(source, raw) for source, raw, _ in chunk])
        for _, _, mark in chunk:
            mark()
        account += receipt.account
        if progress:
            progress(account.read)
    return account
