"""Read inbound email into cases: ``fetch_mail --maildir PATH`` or ``fetch_mail --imap HOST``
(user and password from --user/--password or IMAP_USER/IMAP_PASSWORD)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from charter.cases import inbox
from charter.core.audit import audit_context
from charter.core.models import Interface


class Command(BaseCommand):
    help = "Read unread email from a Maildir or an IMAP mailbox into contacts and cases."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", help="Path of a Maildir (with new/ and cur/).")
        source.add_argument("--imap", metavar="HOST", help="IMAP server (TLS, port 993).")
        parser.add_argument("--user", default=os.environ.get("IMAP_USER", ""))
        parser.add_argument("--password", default=os.environ.get("IMAP_PASSWORD", ""))
        parser.add_argument("--folder", default="INBOX")

    def handle(self, *args, **options):
        if options["maildir"]:
            try:
                source = inbox.maildir_messages(options["maildir"])
                source = inbox.checked(source)
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
        else:
            if not options["user"] or not options["password"]:
                raise CommandError("Give --user and --password (or IMAP_USER, IMAP_PASSWORD).")
            source = inbox.imap_messages(
                host=options["imap"],
                user=options["user"],
                password=options["password"],
                folder=options["folder"],
            )

        def progress(n: int) -> None:
            self.stdout.write(f"  {n:,} messages read")

        with audit_context(interface=Interface.COMMAND, source="fetch_mail"):
            try:
                account = inbox.fetch(source, progress=progress)
            except DatabaseError as error:
                raise CommandError(
                    f"The database stopped answering ({error}). Messages already filed are "
                    "marked read; the rest stay unread and are read by the next run."
                ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {account.read:,} messages: {account.opened:,} opened a new case, "
                f"{account.joined:,} joined a case already open, {account.kept_aside:,} kept "
                "aside to be read by a person (see the mail kept aside), "
                f"{account.same:,} skipped as the same message already received."
            )
        )
