"""Importing customers from a CSV file: match on the reference, create or update, report every bad
row by its line with a reason a person can act on, and keep the good rows.

Three layers, as for inbound email: reading the file (decoding, header, rows), parsing one row
against the known types, products and staff (pure: tested without the database), and the
service that writes a chunk of rows at a time in a few queries, whatever the chunk's size.
Running the same file again changes nothing and reports every row unchanged.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import ExpressionWrapper, F, IntegerField, QuerySet
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import require
from charter.core.tasks import enqueue_on_commit

from . import rules, selectors, services
from .models import (
    CONSENT_FIELDS,
    OPEN_HOLDING_STATUSES,
    AccountManagerAssignment,
    Channel,
    ConsentMethod,
    ConsentRecord,
    Customer,
    CustomerImport,
    CustomerKind,
    CustomerType,
    Holding,
    HoldingStatus,
    ImportStatus,
    Offering,
    SearchTerm,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LISTED = 200  # bad rows a command prints; all of them are stored

# The columns an import reads, in the order an export writes them.
COLUMNS = (
    "reference",
    "kind",
    "type",
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "preferred_channel",
    "customer_since",
    "annual_value",
    "balance",
    "last_activity_on",
    "account_manager",
    "consent_service",
    "consent_surveys",
    "consent_marketing",
    "products",
)
REQUIRED_COLUMNS = ("reference", "type", "name")
# Written by the export for people to read; an import of an export ignores them quietly.
EXPORT_ONLY_COLUMNS = ("segments",)

COLUMN_HELP = (
    ("reference", "The customer's number. Rows are matched on it: a new one adds a customer."),
    ("kind", "person or organisation (blank: a person when a given or family name is filled)."),
    ("type", "The customer type's name or short name, e.g. mining."),
    ("name", "The organisation's or person's name (a person's may come from their names)."),
    ("given_name, family_name", "A person's names."),
    ("email, phone", "Phone numbers without a country code are read as Australian."),
    ("preferred_channel", "email, telephone, face_to_face, video, web_form, letter or sms."),
    ("customer_since, last_activity_on", "Dates as YYYY-MM-DD or DD/MM/YYYY."),
    ("annual_value, balance", "Amounts, e.g. 12500.00 or $12,500."),
    ("account_manager", "The username of an account manager."),
    ("consent_service, consent_surveys, consent_marketing", "yes or no."),
    ("products", "Codes of the products held, separated by semicolons, e.g. savings;insurance."),
)

NOT_UTF8 = "This line is not UTF-8 text: save the file as 'CSV UTF-8' and import again."
# Spreadsheets run a cell starting with one of these as a formula: exports quote such text
# fields with a leading apostrophe, which the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARDED_COLUMNS = ("name", "given_name", "family_name", "email")
_UNDECODED = re.compile("[\udc80-\udcff]")


# --- Reading the file (pure) --------------------------------------------------------------------
def decode(content: bytes) -> tuple[str, bool]:
    """The file's text, and whether some of its bytes were not UTF-8.

    Bytes that are not UTF-8 are kept as lone surrogates, so each row holding some can be
    reported while the rest of the file is imported.
    """
    if content.startswith(b"PK\x03\x04"):
        raise DomainError(
            "This is an Excel workbook, not a CSV file: in Excel choose Save As, "
            "'CSV UTF-8 (comma delimited)', and import that file."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise DomainError(
            "This file is not CSV text (it may be UTF-16 text or a binary file): "
            "save it as 'CSV UTF-8' and import again."
        )
    content = content.removeprefix(b"\xef\xbb\xbf")
    try:
        return content.decode("utf-8"), False
    except UnicodeDecodeError:
        return content.decode("utf-8", errors="surrogateescape"), True


def readable(text: str) -> str:
    """Text fit to show and store: undecodable bytes become the replacement character."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def guess_delimiter(first_line: str) -> str:
    """Commas, unless the header clearly uses semicolons or tabs (European Excel, TSV)."""
    if "," in first_line:
        return ","
    for delimiter in (";", "\t"):
        if delimiter in first_line:
            return delimiter
    return ","


def iter_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line number where the row starts, cells) for each non-blank row."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(first_line))
    last_line = 0
    for cells in reader:
        line = last_line + 1
        last_line = reader.line_num
        if any(cell.strip() for cell in cells):
            yield line, cells


def column_name(heading: str) -> str:
    """'Given name', ' GIVEN_NAME ' and 'given-name' all name the column given_name."""
    return re.sub(r"[\s\-]+", "_", readable(heading).strip().lower())


def read_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """The position of each column Charter reads, and the problems to report about the header.

    Refuses the file (DomainError) when a required column is missing or a column is repeated.
    """
    names = [column_name(cell) for cell in cells]
    positions: dict[str, int] = {}
    unknown = []
    for position, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            raise DomainError(
                f"The column '{name}' appears twice in the first line: keep one and import again."
            )
        positions[name] = position
        if name not in COLUMNS and name not in EXPORT_ONLY_COLUMNS:
            unknown.append(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise DomainError(
            f"The first line must name the columns, and it has no {_and(missing)} column. "
            f"It has: {', '.join(n for n in names if n) or 'nothing'}. "
            f"Charter reads: {', '.join(COLUMNS)}."
        )
    notes = []
    if unknown:
        notes.append(
            f"Charter does not read the column{'s' if len(unknown) > 1 else ''} "
            f"{_and(unknown)}, so {'they were' if len(unknown) > 1 else 'it was'} ignored. "
            f"Charter reads: {', '.join(COLUMNS)}."
        )
    return {n: p for n, p in positions.items() if n in COLUMNS}, notes


def _and(items: list[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def check_file(content: bytes) -> None:
    """Refuse at once a file that cannot be imported at all: empty, too big, not CSV text, or
    without the required columns. Rows are checked when the import runs."""
    if not content or content.isspace():
        raise DomainError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError("The file is larger than 50 MB: split it and import each part.")
    # The header is near the start; a cut multi-byte character at the end does no harm.
    text, _ = decode(content[:65536])
    for _line, cells in iter_rows(text):
        read_header(cells)
        return
    raise DomainError("The file is empty.")


# --- One row (pure, given the lookups) ---------------------------------------------------------
@dataclass(frozen=True)
class Lookups:
    """What rows name, read once per import: types, products and staff."""

    types: dict[str, tuple[int, bool]]  # folded slug or name -> (id, is active)
    type_slugs: tuple[str, ...]
    offerings: dict[str, int]  # folded code -> id
    staff: dict[str, tuple[int, bool]]  # username (and folded) -> (id, is active)
    managers: frozenset[int]  # who may own customers
    may_assign: bool = True  # the importer may change who manages a customer


@dataclass
class ParsedRow:
    """A row's values in model terms; only the cells that were filled in."""

    line: int
    reference: str
    fields: dict[str, object] = field(default_factory=dict)
    consents: dict[str, bool] = field(default_factory=dict)
    offering_ids: tuple[int, ...] = ()
    problems: list[str] = field(default_factory=list)
    # Problems with a value that only matter if it changes: a customer may keep a type no longer
    # in use, or a manager who has left, so an export of them imports again unchanged.
    if_changed: dict[str, str] = field(default_factory=dict)


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_CHANNELS = {
    **{value: value for value in Channel.values},
    **{str(label).casefold(): value for value, label in Channel.choices},
}
_KINDS = {
    **{value: value for value in CustomerKind.values},
    **{str(label).casefold(): value for value, label in CustomerKind.choices},
    "organization": CustomerKind.ORGANISATION,
}
_TEXT_LIMITS = {"name": 200, "given_name": 100, "family_name": 100}


def parse_yes_no(raw: str, column: str) -> bool:
    value = raw.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise DomainError(f"{column} '{raw}' is not yes or no.")


def parse_date(raw: str, column: str) -> date:
    """YYYY-MM-DD, or DD/MM/YYYY as Australian spreadsheets write it."""
    value = raw.strip()
    parts = value.split("/") if "/" in value else value.split("-")[::-1]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
    raise DomainError(f"{column} '{raw}' is not a date (write YYYY-MM-DD or DD/MM/YYYY).")


def parse_channel(raw: str) -> str:
    value = _CHANNELS.get(raw.strip().casefold())
    if value is None:
        raise DomainError(
            f"preferred_channel '{raw}' is not a channel we offer "
            f"(use {', '.join(Channel.values)})."
        )
    return value


def parse_kind(raw: str) -> str:
    value = _KINDS.get(raw.strip().casefold())
    if value is None:
        raise DomainError(f"kind '{raw}' is not a person or an organisation.")
    return value


def unguard(text: str) -> str:
    """Take off the apostrophe an export puts before text a spreadsheet would run."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def parse_row(line: int, cells: list[str], columns: dict[str, int], lookups: Lookups) -> ParsedRow:
    """Read one row; every problem found goes into ``problems`` with what to do about it."""

    cell = dict.fromkeys(COLUMNS, "")  # a column the file does not have reads as blank
    cell.update((name, cells[position].strip()) for name, position in columns.items())
    row = ParsedRow(line=line, reference=cell["reference"])
    problems, fields = row.problems, row.fields

    def attempt(parse: Callable[[], object]):
        try:
            return parse()
        except DomainError as error:
            problems.append(error.message)
            return None

    if not row.reference:
        problems.append("The reference is empty: every row needs the customer's reference.")
    elif len(row.reference) > Customer._meta.get_field("reference").max_length:
        problems.append(f"The reference '{row.reference}' is longer than 32 characters.")

    if raw := cell["kind"]:
        fields["kind"] = attempt(lambda: parse_kind(raw))
    if raw := cell["type"]:
        found = lookups.types.get(raw.casefold())
        if found is None:
            examples = ", ".join(lookups.type_slugs[:10]) or "none are set up yet"
            problems.append(f"'{raw}' is not a customer type (the types are: {examples}).")
        else:
            fields["customer_type_id"], active = found
            if not active:
                row.if_changed["customer_type_id"] = (
                    f"The customer type '{raw}' is no longer in use: choose another type."
                )
    for name, limit in _TEXT_LIMITS.items():
        if raw := unguard(cell[name]):
            if len(raw) > limit:
                problems.append(f"The {name.replace('_', ' ')} is longer than {limit} characters.")
            fields[name] = raw
    if raw := unguard(cell["email"]):
        fields["email"] = attempt(lambda: rules.normalise_email(raw))
    if raw := cell["phone"]:
        fields["phone"] = attempt(lambda: rules.normalise_phone(raw))
    if raw := cell["preferred_channel"]:
        fields["preferred_channel"] = attempt(lambda: parse_channel(raw))
    for name in ("customer_since", "last_activity_on"):
        if raw := cell[name]:
            fields[name] = attempt(lambda raw=raw, name=name: parse_date(raw, name))
    for name in ("annual_value", "balance"):
        if raw := cell[name]:
            fields[name] = attempt(
                lambda raw=raw, name=name: services.clean_customer_fields({name: raw})[name]
            )
    if raw := cell["account_manager"]:
        found = lookups.staff.get(raw) or lookups.staff.get(raw.casefold())
        if found is None:
            problems.append(f"account_manager '{raw}' is not the username of anyone on staff.")
        else:
            fields["account_manager_id"], active = found
            if not active:
                row.if_changed["account_manager_id"] = (
                    f"'{raw}' has left and cannot manage customers."
                )
            elif found[0] not in lookups.managers:
                row.if_changed["account_manager_id"] = (
                    f"'{raw}' is not an account manager, so cannot own customers."
                )
            elif not lookups.may_assign:
                # The same authority as on the customer's page: importing is not assigning.
                row.if_changed["account_manager_id"] = (
                    "Your role does not allow assigning account managers: leave "
                    "account_manager blank, or ask a supervisor to import the file."
                )
    for name in CONSENT_FIELDS.values():
        if raw := cell[name]:
            given = attempt(lambda raw=raw, name=name: parse_yes_no(raw, name))
            if given is not None:
                row.consents[name] = given
    if raw := cell["products"]:
        codes = list(dict.fromkeys(c.strip().casefold() for c in raw.split(";") if c.strip()))
        unknown = [c for c in codes if c not in lookups.offerings]
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            problems.append(
                f"Unknown product code{plural} {_and(unknown)}: use the codes of the "
                "products and services set up in Charter, separated by semicolons."
            )
        row.offering_ids = tuple(lookups.offerings[c] for c in codes if c in lookups.offerings)
    return row


def new_customer_fields(row: ParsedRow) -> dict[str, object]:
    """A new customer's fields from its row, with the defaults; DomainError when one is missing.

    The kind, unless given, is a person's when a given or family name is filled in.
    """
    fields = dict(row.fields)
    if "customer_type_id" not in fields:
        raise DomainError("The type is empty: a new customer needs a customer type.")
    if "kind" not in fields:
        named = fields.get("given_name") or fields.get("family_name")
        fields["kind"] = CustomerKind.PERSON if named else CustomerKind.ORGANISATION
    names = services.clean_customer_fields(
        {
            "kind": fields["kind"],
            "name": fields.get("name", ""),
            "given_name": fields.get("given_name", ""),
            "family_name": fields.get("family_name", ""),
        }
    )
    fields["name"] = names["name"][:200]
    return fields


def changed_fields(customer: Customer, row: ParsedRow) -> dict[str, object]:
    """The row's values that differ from the customer's: blank cells changed nothing."""
    return {k: v for k, v in row.fields.items() if getattr(customer, k) != v}


# --- The service -------------------------------------------------------------------------------
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
    job = CustomerImport.objects.create(
        file_name=(file_name or "customers.csv")[:255], content=content, uploaded_by=actor
    )
    if queue:
        from .tasks import run_customer_import

        enqueue_on_commit(run_customer_import, job.pk)
    return job


@dataclass
class _Run:
    """One run's state across its chunks."""

    job: CustomerImport
    lookups: Lookups
    columns: dict[str, int]
    width: int  # how many columns the first line names
    undecoded: bool  # some bytes of the file are not UTF-8
    nul: bool  # the file holds NUL characters, which databases refuse in text
    seen: dict[str, int] = field(default_factory=dict)  # reference -> first line
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
    job.save(update_fields=["status", "started_at", "content"])
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
        job.save(update_fields=["total_rows"])
        run = _Run(
            job=job,
            lookups=load_lookups(job.uploaded_by),
            columns=columns,
            width=len(header),
            undecoded=undecoded,
            nul="\x00" in text,
        )
        run.bad_rows.extend({"line": header_line, "reference": "", "reason": n} for n in notes)
        chunk: list[tuple[int, list[str]]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK_SIZE:
                _import_chunk(run, chunk, progress)
                chunk = []
        if chunk or not job.total_rows:
            _import_chunk(run, chunk, progress)
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


def _import_chunk(
    run: _Run, chunk: list[tuple[int, list[str]]], progress: Callable[[int, int], None] | None
) -> None:
    """Check, plan and write one chunk of rows in one transaction, in a few queries."""
    bad: list[dict] = []
    rows: list[ParsedRow] = []
    for line, cells in chunk:
        reference, problems = _shape_problems(run, cells)
        row = None
        if not problems:
            row = parse_row(line, cells, run.columns, run.lookups)
            problems = row.problems
            if reference in run.seen:
                first = run.seen[reference]
                problems.insert(0, f"Reference {reference} already appears on line {first}.")
        if reference and reference not in run.seen:
            run.seen[reference] = line
        if problems:
            bad.append({"line": line, "reference": reference, "reason": " ".join(problems)})
        else:
            rows.append(row)

    with transaction.atomic():
        # Read in the same transaction as the write, so a row is compared with what it changes.
        plan = _Plan(now=timezone.now())
        existing = Customer.objects.filter(reference__in=[r.reference for r in rows])
        by_reference = {c.reference: c for c in existing}
        for row in rows:
            try:
                customer = by_reference.get(row.reference)
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
            _insert(Customer, columns, [tuple(v[c] for c in columns) for v in new])
            ids = dict(
                Customer.objects.filter(reference__in=[v["reference"] for v in new]).values_list(
                    "reference", "pk"
                )
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


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT the rows (values of ``columns``), many rows to a statement."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its proxy: faster
    quote = database.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    rows = _prepared(database, fields, rows)
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    if database.vendor == "postgresql":
        # COPY streams the rows: several times faster than INSERT statements there.
        with (
            database.cursor() as cursor,
            cursor.cursor.copy(
                head.replace("INSERT INTO", "COPY", 1).replace(" VALUES ", " FROM STDIN")
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    values = "({})".format(", ".join(["%s"] * len(fields)))
    per = _rows_per_statement(database, len(fields))
    with database.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            cursor.execute(head + ", ".join([values] * len(batch)), list(chain(*batch)))


def _rows_per_statement(database, columns: int) -> int:
    """As many rows as the database takes parameters in one statement, up to 2,000."""
    if database.vendor == "sqlite":
        database.ensure_connection()
        # Django assumes SQLite's old default of 999; the library says what it was built with.
        limit = database.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = database.features.max_query_params or 65535  # PostgreSQL's protocol limit
    return max(1, min(2000, limit // columns))


def _update(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE each row (values of ``columns``, then its primary key) in one executemany."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    _execute_many(sql, [*fields, model._meta.pk], rows)


def _execute_many(sql: str, fields: list, rows: list[tuple]) -> None:
    """Run ``sql`` once for every row, in one executemany."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        cursor.executemany(sql, _prepared(database, fields, rows))


def _prepared(database, fields: list, rows: list[tuple]) -> list:
    """The rows' values as the database takes them: dates and amounts are prepared by their
    fields, other values go as they are.

    The writes here do what bulk_create and bulk_update do without compiling SQL for every
    value, which was most of a 100,000-row import's time. Like them, they send no signals.
    """
    prepare = [
        (i, f.get_db_prep_save) for i, f in enumerate(fields) if isinstance(f, _ADAPTED_FIELDS)
    ]
    if not prepare:
        return rows
    prepared: dict = {}  # the same dates and times recur on many rows
    rows = [list(row) for row in rows]
    for row in rows:
        for i, save in prepare:
            key = (i, row[i])
            if key not in prepared:
                prepared[key] = save(row[i], database)
            row[i] = prepared[key]
    return rows


# Fields whose values the database driver cannot take as they are (DateTimeField is a DateField).
_ADAPTED_FIELDS = (models.DateField, models.DecimalField)


def _insert_search_terms(customers: list[dict]) -> None:
    """The search terms of customers just created: what ``services.refresh_search_terms`` writes
    for a customer without contacts, without reading back what was just written."""
    rows = [
        (term, c["id"])
        for c in customers
        for term in rules.search_terms(
            names=[c["name"], c["given_name"], c["family_name"]],
            emails=[c["email"]],
            phones=[c["phone"]],
            reference=c["reference"],
        )
    ]
    rows.sort()  # in the order of the term indexes, which are then written page by page
    _insert(SearchTerm, ["term", "customer_id"], rows)


# --- Reading imports ----------------------------------------------------------------------------
def recent_imports(limit: int = 20) -> QuerySet[CustomerImport]:
    """The latest imports with their counts, without the files' content."""
    return (
        CustomerImport.objects.defer("content", "bad_rows")
        .select_related("uploaded_by")
        .annotate(
            bad_count_so_far=ExpressionWrapper(
                F("processed_rows")
                - F("created_count")
                - F("updated_count")
                - F("unchanged_count"),
                output_field=IntegerField(),
            )
        )[:limit]
    )


def import_for_progress(pk: int) -> CustomerImport:
    return CustomerImport.objects.defer("content").select_related("uploaded_by").get(pk=pk)


def bad_row_count(job: CustomerImport) -> int:
    """Rows read but neither created, updated nor unchanged: known while the import runs."""
    return job.processed_rows - job.created_count - job.updated_count - job.unchanged_count


def is_finished(job: CustomerImport) -> bool:
    return job.status in (ImportStatus.DONE, ImportStatus.FAILED)
