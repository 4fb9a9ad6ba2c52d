"""The import service: keep an uploaded file and queue it, then run it a chunk of rows at a time,
each chunk planned and written in a few statements whatever its size.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import require
from charter.core.tasks import enqueue_on_commit

from .. import rules, selectors, services
from ..models import (
    CONSENT_FIELDS,
    OPEN_HOLDING_STATUSES,
    AccountManagerAssignment,
    ConsentMethod,
    ConsentRecord,
    Customer,
    CustomerImport,
    CustomerType,
    Holding,
    HoldingStatus,
    ImportStatus,
    Offering,
)
from .reading import (
    _UNDECODED,
    NOT_UTF8,
    UnclosedQuote,
    check_file,
    decode,
    iter_rows,
    read_header,
    readable,
)
from .rows import Lookups, ParsedRow, changed_fields, new_customer_fields, parse_row
from .writes import _insert, _insert_search_terms, _update, new_ids

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5000
MAX_LISTED = 200  # bad rows a command prints; all of them are stored
# A run writes its heartbeat with every chunk (a few seconds each): one silent this long was
# killed (the worker or server stopped) and will not finish.
STOPPED_AFTER = timedelta(minutes=10)


def load_lookups(actor=None) -> Lookups:
    types: dict[str, tuple[int, bool]] = {}
    slugs = []
    for pk, slug, name, active in CustomerType.objects.values_list(
        "pk", "slug", "name", "is_active"
    ):
        types[name.casefold()] = types[slug.casefold()] = (pk, active)
        if active:
            slugs.append(slug)
    user_model = get_user_model()
    staff: dict[str, tuple[int, bool]] = {}
    for pk, username, active in user_model.objects.values_list("pk", "username", "is_active"):
        staff.setdefault(username.casefold(), (pk, active))
        staff[username] = (pk, active)
    managers = selectors.account_managers().values_list("pk", flat=True)
    return Lookups(
        types=types,
        type_slugs=tuple(slugs),
        offerings={code.casefold(): pk for pk, code in Offering.objects.values_list("pk", "code")},
        staff=staff,
        managers=frozenset(managers),
        may_assign=actor is None or actor.has_perm("customers.assign_account_manager"),
    )


@transaction.atomic
def customer_import_create(
    *, actor, file_name: str, content: bytes, queue: bool = True
) -> CustomerImport:
    """Keep an uploaded customers file and queue its import (``queue=False``: the caller runs it).

    A file that cannot be imported at all is refused here, so the person hears at once.
    """
    require(actor, "customers.import_customer", "import customers")
    check_file(content)
    customer_imports_fail_stopped()
    digest = hashlib.sha256(content).hexdigest()
    job = CustomerImport.objects.create(
        file_name=(file_name or "customers.csv")[:255],
        content=content,
        uploaded_by=actor,
        digest=digest,
        earlier=_stopped_import_of(digest),
    )
    if queue:
        enqueue_on_commit("charter.customers.tasks.run_customer_import", job.pk)
    return job


def _stopped_import_of(digest: str) -> CustomerImport | None:
    """The last import of the same file, if it stopped part-way and was not finished since:
    a re-run says what it had already done."""
    same = CustomerImport.objects.filter(digest=digest).defer("content", "bad_rows")
    last = same.exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).first()
    if last and last.status == ImportStatus.FAILED and last.processed_rows:
        return last
    return None


def customer_imports_fail_stopped(*, now: datetime | None = None) -> int:
    """Mark failed the imports left "running" by a process that was killed: their heartbeat
    stopped ``STOPPED_AFTER`` ago. Returns how many; the import pages, a re-run and the worker
    call it, and a periodic task does, so none is shown "running" for ever."""
    cutoff = (now or timezone.now()) - STOPPED_AFTER
    stopped = CustomerImport.objects.filter(status=ImportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    marked = 0
    for job in stopped.defer("content", "bad_rows"):
        bad = job.processed_rows - job.created_count - job.updated_count - job.unchanged_count
        # Only if it is still as read: a run that wakes up meanwhile is not overwritten.
        marked += CustomerImport.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(
            status=ImportStatus.FAILED,
            finished_at=job.heartbeat_at or job.started_at,
            failure=(
                f"The import stopped after {job.processed_rows:,} of {job.total_rows:,} rows: "
                "the process running it ended without finishing (the server or its worker "
                f"was stopped). By then {job.created_count:,} customers were created, "
                f"{job.updated_count:,} updated and {job.unchanged_count:,} unchanged, and "
                f"{bad:,} rows were bad; those changes were saved. Import the file again to "
                "finish: the rows already saved will show as unchanged, and nothing is added "
                "twice."
            ),
        )
    return marked


@dataclass
class _Run:
    """One run's state across its chunks."""

    job: CustomerImport
    lookups: Lookups
    columns: dict[str, int]
    width: int  # how many columns the first line names
    undecoded: bool  # some bytes of the file are not UTF-8
    nul: bool  # the file holds NUL characters, which databases refuse in text
    seen: dict[str, int] = field(default_factory=dict)  # reference key -> first line
    # How references are compared whatever their case, as the database's unique index does.
    key: Callable[[str], str] = field(
        default_factory=lambda: partial(
            rules.reference_key, ascii_only=connection.vendor == "sqlite"
        )
    )
    bad_rows: list[dict] = field(default_factory=list)
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def customer_import_run(
    *, import_id: int, progress: Callable[[int, int], None] | None = None
) -> CustomerImport:
    """Import the file: a chunk of rows at a time, each chunk committed with the import's counts.

    ``progress(processed, total)`` is called after each chunk. The file's content is cleared
    once read (it holds personal data). An unexpected error marks the import failed and keeps
    the chunks already committed, which a second run of the file reports unchanged.
    """
    job = CustomerImport.objects.get(pk=import_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job  # a task delivered twice does nothing the second time
    content = bytes(job.content or b"")
    # The file is read once, into memory: cleared now, it is neither rewritten with every
    # progress update nor kept if the worker dies (its personal data goes as soon as possible).
    job.status, job.started_at, job.content = ImportStatus.RUNNING, timezone.now(), None
    job.heartbeat_at = job.started_at
    job.save(update_fields=["status", "started_at", "content", "heartbeat_at"])
    run = None
    try:
        if not content:
            raise DomainError("The file's content is no longer kept: upload the file again.")
        text, undecoded = decode(content)
        del content
        rows = iter_rows(text)
        header_line, header = next(rows, (0, None))
        if header is None:
            raise DomainError("The file is empty.")
        columns, notes = read_header(header)
        # A first pass counts the rows, so progress can be shown against the total.
        job.total_rows = sum(1 for _ in iter_rows(text)) - 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["total_rows", "heartbeat_at"])
        run = _Run(
            job=job,
            lookups=load_lookups(job.uploaded_by),
            columns=columns,
            width=len(header),
            undecoded=undecoded,
            nul="\x00" in text,
        )
        run.bad_rows.extend({"line": header_line, "reference": "", "reason": n} for n in notes)
        # The next chunk is read and checked in a second thread while this one is written:
        # the checks are Python, the writing mostly the database's, so the two overlap.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-checks") as checker:
            waiting = None
            for chunk in _chunks(rows):
                checked = checker.submit(_check_chunk, run, chunk)
                if waiting is not None:
                    _import_chunk(run, *waiting, progress)
                waiting = (chunk, checked)
            if waiting is not None:
                _import_chunk(run, *waiting, progress)
            elif not job.total_rows:
                _import_chunk(run, [], None, progress)
    except DomainError as error:
        _finish(job, run, ImportStatus.FAILED, error.message)
    except BaseException as error:  # an interrupted command too: never left "running"
        logger.exception("Customer import %s stopped", import_id)
        done = run.processed if run else 0
        _finish(
            job,
            run,
            ImportStatus.FAILED,
            f"The import stopped after {done:,} rows ({type(error).__name__}: {error}). "
            "Those rows were saved: import the file again to finish (they will show as "
            "unchanged).",
        )
        if not isinstance(error, Exception):
            raise
    else:
        _finish(job, run, ImportStatus.DONE, "")
    return job


def _finish(job: CustomerImport, run: _Run | None, status: str, failure: str) -> None:
    job.status, job.failure, job.finished_at = status, failure, timezone.now()
    fields = ["status", "failure", "finished_at"]
    if run is not None:
        # Written once at the end: rewriting a long list after every chunk would cost more than
        # the import. While it runs, the bad rows so far are the rows not otherwise counted.
        job.bad_rows = run.bad_rows
        fields.append("bad_rows")
    job.save(update_fields=fields)


def _chunks(rows) -> Iterator[list[tuple[int, list[str]]]]:
    chunk: list[tuple[int, list[str]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(run: _Run, chunk: list[tuple[int, list[str]]]) -> tuple[list[dict], list]:
    """Check one chunk's rows (in order: a reference seen on an earlier line is a duplicate).
    Pure Python, without the database: it runs beside the writing of the chunk before."""
    bad: list[dict] = []
    rows: list[ParsedRow] = []
    for line, cells in chunk:
        reference, problems = _shape_problems(run, cells)
        key = run.key(reference)
        row = None
        if not problems:
            row = parse_row(line, cells, run.columns, run.lookups)
            problems = row.problems
            if key in run.seen:
                first = run.seen[key]
                problems.insert(0, f"Reference {reference} already appears on line {first}.")
        if key and key not in run.seen:
            run.seen[key] = line
        if problems:
            bad.append({"line": line, "reference": reference, "reason": " ".join(problems)})
        else:
            rows.append(row)

    return bad, rows


def _import_chunk(
    run: _Run,
    chunk: list[tuple[int, list[str]]],
    checked: Future | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Plan and write one chunk of checked rows in one transaction, in a few queries."""
    bad, rows = checked.result() if checked is not None else ([], [])
    with transaction.atomic():
        # Read in the same transaction as the write, so a row is compared with what it changes.
        plan = _Plan(now=timezone.now())
        # Matched whatever the case (iw-0001 updates IW-0001), through the index on UPPER().
        keys = [run.key(r.reference) for r in rows]
        if connection.vendor == "postgresql":
            # One array for the chunk's references: a parameter each costs more to build.
            keys = RawSQL("SELECT unnest(%s::text[])", [keys])
        existing = Customer.objects.annotate(reference_key=Upper("reference")).filter(
            reference_key__in=keys
        )
        by_key = {run.key(c.reference): c for c in existing}
        for row in rows:
            try:
                customer = by_key.get(run.key(row.reference))
                if customer is None:
                    plan.add_new(row)
                else:
                    plan.add_existing(customer, row)
            except DomainError as error:
                bad.append({"line": row.line, "reference": row.reference, "reason": error.message})
        plan.decide()
        plan.write(actor_id=run.job.uploaded_by_id, note=f"Imported from {run.job.file_name}")
        run.processed += len(chunk)
        run.created += len(plan.new)
        run.updated += len(plan.changed)
        run.unchanged += plan.unchanged
        CustomerImport.objects.filter(pk=run.job.pk).update(
            processed_rows=run.processed,
            created_count=run.created,
            updated_count=run.updated,
            unchanged_count=run.unchanged,
            heartbeat_at=timezone.now(),
        )
    # Added once committed, so a failure later reports only the rows of committed chunks.
    run.bad_rows.extend(bad)
    job = run.job
    job.processed_rows, job.created_count = run.processed, run.created
    job.updated_count, job.unchanged_count = run.updated, run.unchanged
    if progress:
        progress(run.processed, job.total_rows)


def _shape_problems(run: _Run, cells: list[str]) -> tuple[str, list[str]]:
    """The row's reference, and the problems that make reading its values pointless."""
    position = run.columns["reference"]
    reference = cells[position].strip() if position < len(cells) else ""
    if isinstance(cells, UnclosedQuote):
        return reference, [cells.problem]
    if run.undecoded and any(_UNDECODED.search(cell) for cell in cells):
        return readable(reference), [NOT_UTF8]
    if run.nul and any("\x00" in cell for cell in cells):
        return reference.replace("\x00", ""), [
            "This line holds a NUL character, which is not text: remove it and import again."
        ]
    if len(cells) != run.width:
        return reference, [
            f"This line has {len(cells)} values but the first line names {run.width} "
            "columns: check for a missing comma, or a comma inside a value without quotes."
        ]
    return reference, []


_SEARCHED = {"name", "given_name", "family_name", "email", "phone"}
_PURPOSES = {field_name: purpose for purpose, field_name in CONSENT_FIELDS.items()}


@dataclass
class _Change:
    customer: Customer
    fields: dict[str, object]
    consents: dict[str, bool]
    offering_ids: tuple[int, ...]


class _Plan:
    """What a chunk's rows change, gathered so that each kind of write takes a few statements."""

    def __init__(self, *, now: datetime):
        self.now = now
        # New customers as their columns' values: a model instance each costs more than its row.
        blank = Customer()
        self.template = {
            f.attname: getattr(blank, f.attname)
            for f in Customer._meta.concrete_fields
            if not f.primary_key
        }
        self.new: list[tuple[dict, ParsedRow]] = []
        self.pending: list[_Change] = []
        self.changed: list[_Change] = []
        self.unchanged = 0
        self.holdings_to_create: list[tuple[int, int]] = []  # (customer id, offering id)
        self.holdings_taken_up: list[int] = []  # offered, now held

    def add_new(self, row: ParsedRow) -> None:
        if row.if_changed:
            raise DomainError(" ".join(row.if_changed.values()))
        values = {
            **self.template,
            "reference": row.reference,
            **new_customer_fields(row),
            **row.consents,
            "created_at": self.now,
            "updated_at": self.now,
        }
        self.new.append((values, row))

    def add_existing(self, customer: Customer, row: ParsedRow) -> None:
        if customer.erased_at:
            raise DomainError(
                "This customer's personal data was erased, so an import cannot fill it in again."
            )
        fields = changed_fields(customer, row)
        problems = [problem for name, problem in row.if_changed.items() if name in fields]
        if problems:
            raise DomainError(" ".join(problems))
        consents = {k: v for k, v in row.consents.items() if getattr(customer, k) != v}
        self.pending.append(_Change(customer, fields, consents, row.offering_ids))

    def decide(self) -> None:
        """Sort the existing customers into changed and unchanged; products need one query."""
        wanting = [c.customer.pk for c in self.pending if c.offering_ids]
        open_holdings = {}
        if wanting:
            for pk, customer_id, offering_id, status in Holding.objects.filter(
                customer_id__in=wanting, status__in=OPEN_HOLDING_STATUSES
            ).values_list("pk", "customer_id", "offering_id", "status"):
                open_holdings[customer_id, offering_id] = (pk, status)
        for change in self.pending:
            holds = False
            for offering_id in change.offering_ids:
                found = open_holdings.get((change.customer.pk, offering_id))
                if found is None:
                    self.holdings_to_create.append((change.customer.pk, offering_id))
                    holds = True
                elif found[1] != HoldingStatus.HELD:
                    self.holdings_taken_up.append(found[0])
                    holds = True
            if change.fields or change.consents or holds:
                self.changed.append(change)
            else:
                self.unchanged += 1

    def write(self, *, actor_id: int | None, note: str) -> None:
        now, note = self.now, note[:255]
        new = [values for values, _row in self.new]
        if new:
            columns = list(self.template)
            ids = new_ids(Customer, len(new))
            if ids is not None:  # known before the rows go in: nothing to read back
                for values, pk in zip(new, ids, strict=True):
                    values["id"] = pk
                columns.insert(0, "id")
            _insert(Customer, columns, [tuple(v[c] for c in columns) for v in new])
            if ids is None:
                ids = dict(
                    Customer.objects.filter(
                        reference__in=[v["reference"] for v in new]
                    ).values_list("reference", "pk")
                )
                for values in new:
                    values["id"] = ids[values["reference"]]
            for values, row in self.new:
                self.holdings_to_create += [(values["id"], o) for o in row.offering_ids]

        updating = sorted({name for c in self.changed for name in (*c.fields, *c.consents)})
        if updating:
            # One statement for the whole chunk: the columns a row does not change are written
            # back with the values just read, in this same transaction.
            columns = [*updating, "updated_at"]
            rows = []
            for change in self.changed:
                if change.fields or change.consents:
                    customer = change.customer
                    for name, value in {**change.fields, **change.consents}.items():
                        setattr(customer, name, value)
                    customer.updated_at = now
                    rows.append((*(getattr(customer, c) for c in columns), customer.pk))
            _update(Customer, columns, rows)

        stated = [(v["id"], row.consents) for v, row in self.new]
        stated += [(c.customer.pk, c.consents) for c in self.changed]
        _insert(
            ConsentRecord,
            ["customer_id", "purpose", "given", "method", "at", "recorded_by_id", "note"],
            [
                (pk, _PURPOSES[name], given, ConsentMethod.IMPORT, now, actor_id, note)
                for pk, consents in stated
                for name, given in consents.items()
            ],
        )

        moving = [c.customer for c in self.changed if "account_manager_id" in c.fields]
        if moving:
            AccountManagerAssignment.objects.filter(
                customer_id__in=[c.pk for c in moving], ended_at__isnull=True
            ).update(ended_at=now)
        _insert(
            AccountManagerAssignment,
            ["customer_id", "manager_id", "started_at", "assigned_by_id", "reason"],
            [
                (pk, manager_id, now, actor_id, note)
                for pk, manager_id in [
                    *((v["id"], v["account_manager_id"]) for v in new if v["account_manager_id"]),
                    *((c.pk, c.account_manager_id) for c in moving),
                ]
            ],
        )

        today = timezone.localdate(now)
        _insert(
            Holding,
            ["customer_id", "offering_id", "status", "started_on"],
            [(pk, offering, HoldingStatus.HELD, today) for pk, offering in self.holdings_to_create],
        )
        if self.holdings_taken_up:
            Holding.objects.filter(pk__in=self.holdings_taken_up).update(
                status=HoldingStatus.HELD, ended_on=None
            )

        _insert_search_terms(new)
        # Only a change of what customers are found by needs their search terms rebuilt.
        services.refresh_search_terms(
            [c.customer.pk for c in self.changed if _SEARCHED.intersection(c.fields)]
        )
