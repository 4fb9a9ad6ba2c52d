"""Import customers from a CSV file, here and now: progress as it goes, then every bad row.

The same import as the upload page's, run without the queue. Bad rows do not stop it (the good
rows are saved and the exit status is 0); a file that cannot be read at all does.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from charter.core.audit import set_audit_actor
from charter.core.errors import DomainError
from charter.core.management.base import AuditedCommand
from charter.customers import imports
from charter.customers.models import ImportStatus


class Command(AuditedCommand):
    help = (
        "Import customers from a CSV file: rows are matched on the reference, created or "
        "updated; bad rows are reported by line and the good ones saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, first line naming the columns).")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Who the import is recorded as (default: the system).",
        )

    def handle(self, *args, **options):
        actor = self._actor(options["username"])
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        try:
            job = imports.customer_import_create(
                actor=actor, file_name=path.name, content=content, queue=False
            )
        except DomainError as error:
            raise CommandError(f"{path.name} cannot be imported: {error.message}") from error
        self.stdout.write(f"Importing {path.name} (import {job.pk})")
        if job.earlier_id:
            self.stdout.write(imports.earlier_run_note(job))
        job = imports.customer_import_run(import_id=job.pk, progress=self._progress)
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"{path.name} was not imported: {job.failure}")
        self._summary(job)

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No member of staff has the username '{username}'.")
        set_audit_actor(user)
        return user

    def _progress(self, processed: int, total: int) -> None:
        self.stdout.write(f"  {processed:,} / {total:,} rows")

    def _summary(self, job) -> None:
        bad = imports.bad_row_count(job)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {job.created_count:,} created, {job.updated_count:,} updated, "
                f"{job.unchanged_count:,} unchanged, {bad:,} bad."
            )
        )
        for problem in job.bad_rows[: imports.MAX_LISTED]:
            self.stdout.write(f"line {problem['line']}: {problem['reason']}")
        more = len(job.bad_rows) - imports.MAX_LISTED
        if more > 0:
            self.stdout.write(f"... and {more:,} more (all are listed on the import's page).")
