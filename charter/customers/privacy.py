"""Answering a customer's request for the information held about them (Australian Privacy
Principle 12).

``access_report`` gathers every record about one customer into plain, JSON-ready dicts;
``access_report_zip`` packs it as one JSON file plus a CSV per section and a README;
``access_request_fulfil`` is the one door for staff: it checks the permission and logs the
access.

Apps above this one (cases, orders) add the records they hold with ``register_access_section``
in their ``AppConfig.ready``; this module never imports them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from charter.core import csvsafe
from charter.core.errors import NotPermitted
from charter.core.models import AuditEntry
from charter.core.selectors import organisation_current

from . import services
from .models import (
    AccountManagerAssignment,
    Address,
    ConsentRecord,
    Contact,
    Customer,
    CustomerImport,
    Holding,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)

EXPORT_PERMISSION = "customers.export_customer"

Row = dict[str, object]


# --- Sections held by other apps --------------------------------------------------------------
@dataclass(frozen=True)
class AccessSection:
    """Records another app holds about a customer: ``function(customer)`` returns its rows."""

    name: str
    function: Callable[[Customer], list[Row]]
    columns: tuple[str, ...] = ()


# Built-in sections, in the order the report and the README list them (name: CSV columns).
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": ("field", "value"),
    "contacts": ("id", "name", "job_title", "email", "phone", "preferred_channel", "is_primary"),
    "addresses": ("id", "kind", "line1", "line2", "locality", "state", "postcode", "country"),
    "consents": ("at", "purpose", "given", "method", "recorded_by", "note"),
    "account_managers": ("manager", "started_at", "ended_at", "reason"),
    "holdings": (
        "offering_code",
        "offering",
        "status",
        "started_on",
        "ended_on",
        "offered_by_segment",
    ),
    "segment_memberships": ("segment", "entered_at", "left_at"),
    "segment_notices": ("segment", "channel", "status", "created_at", "sent_at", "note"),
    "segment_feedback": ("segment", "rating", "comment", "channel", "received_at"),
    "audit_trail": ("timestamp", "action", "record", "record_id", "fields"),
    "import_problems": ("file_name", "imported_at", "line", "reason"),
}

_SECTION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_registry: dict[str, AccessSection] = {}


def register_access_section(
    name: str, function: Callable[[Customer], list[Row]], *, columns: Iterable[str] = ()
) -> None:
    """Add the records an app holds about a customer to every access report.

    ``function(customer)`` returns a list of dicts (dates, datetimes and Decimals are turned
    into strings); ``columns`` fixes the CSV's header, else it comes from the rows' keys. The
    name is the section's key in the JSON and its CSV file's name. Registering a name again
    replaces the earlier function.
    """
    if not _SECTION_NAME.match(name or ""):
        raise ValueError(f"'{name}' is not a section name: use lower-case letters, digits, _ or -.")
    if name in SECTION_COLUMNS:
        raise ValueError(f"'{name}' is a section of the customers app itself.")
    _registry[name] = AccessSection(name, function, tuple(columns))


def unregister_access_section(name: str) -> None:
    _registry.pop(name, None)


def registered_sections() -> list[AccessSection]:
    return list(_registry.values())


# --- The report ---------------------------------------------------------------------------------
def _plain(value):
    """A value as JSON holds it: ISO dates and times (in the organisation's zone), exact
    amounts as strings."""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _profile(customer: Customer) -> Row:
    erasure = getattr(customer, "erasure", None)  # a missing one-to-one raises AttributeError
    return {
        "reference": customer.reference,
        "kind": customer.get_kind_display(),
        "customer_type": customer.customer_type.name,
        "internal": customer.is_internal,
        "team": customer.team.name if customer.team else "",
        "name": customer.name,
        "given_name": customer.given_name,
        "family_name": customer.family_name,
        "date_of_birth": customer.date_of_birth,
        "email": customer.email,
        "phone": customer.phone,
        "preferred_channel": customer.get_preferred_channel_display(),
        "customer_since": customer.customer_since,
        "annual_value": customer.annual_value,
        "balance": customer.balance,
        "last_activity_on": customer.last_activity_on,
        "account_manager": _staff_name(customer.account_manager),
        "consent_service": customer.consent_service,
        "consent_surveys": customer.consent_surveys,
        "consent_marketing": customer.consent_marketing,
        "is_active": customer.is_active,
        "erased_at": customer.erased_at,
        "erasure_reason": erasure.reason if erasure else "",
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


def _audit_trail(customer: Customer, contact_ids: list[int], address_ids: list[int]) -> list[Row]:
    """What the audit trail holds about the customer's record, contacts and addresses.

    The trail masks personal values, so the rows name the fields that changed, never values.
    """
    types = ContentType.objects.get_for_models(Customer, Contact, Address)
    kinds = {
        types[Customer].pk: "customer",
        types[Contact].pk: "contact",
        types[Address].pk: "address",
    }
    about = (
        Q(content_type=types[Customer], object_pk=str(customer.pk))
        | Q(content_type=types[Contact], object_pk__in=[str(pk) for pk in contact_ids])
        | Q(content_type=types[Address], object_pk__in=[str(pk) for pk in address_ids])
        # Removed contacts and addresses are gone from the tables but not from the trail; their
        # description ("Contact 7 of 42", "Postal address of 42") still names the customer.
        | Q(
            content_type__in=[types[Contact], types[Address]],
            object_repr__endswith=f" of {customer.pk}",
        )
    )
    actions = {value: str(label) for value, label in AuditEntry.Action.choices}
    # A create entry also lists the reverse relations (consents, holdings...); they are not
    # details of the record, so only the record's own fields are named.
    own_fields = {
        types[model].pk: {
            f.name for f in model._meta.get_fields() if not f.auto_created or f.concrete
        }
        for model in (Customer, Contact, Address)
    }
    entries = (
        AuditEntry.objects.filter(about)
        .order_by("timestamp", "pk")
        .values_list("timestamp", "action", "content_type_id", "object_pk", "changes")
    )
    rows = []
    for timestamp, action, content_type_id, object_pk, changes in entries:
        if isinstance(changes, str):  # entries written before changes were stored as JSON
            try:
                changes = json.loads(changes)
            except ValueError:
                changes = {}
        rows.append(
            {
                "timestamp": timestamp,
                "action": actions.get(action, str(action)),
                "record": kinds[content_type_id],
                "record_id": object_pk,
                "fields": sorted(set(changes or {}) & own_fields[content_type_id]),
            }
        )
    return rows


def _import_problems(customer: Customer) -> list[Row]:
    """Rows of imported files that could not be read and named this customer: the reasons
    quote what the file said about them."""
    rows = []
    imports = CustomerImport.objects.filter(bad_rows__icontains=customer.reference).only(
        "file_name", "created_at", "bad_rows"
    )
    for job in imports.order_by("created_at", "pk"):
        rows.extend(
            {
                "file_name": job.file_name,
                "imported_at": job.created_at,
                "line": row.get("line"),
                "reason": row.get("reason", ""),
            }
            for row in job.bad_rows
            if row.get("reference") == customer.reference
        )
    return rows


def access_report(customer: Customer) -> dict:
    """Everything held about ``customer``, as JSON-serialisable dicts, in a fixed number of
    queries (plus whatever the registered sections of other apps run).

    Choices are given by their labels ("Marketing", "By telephone") because the reader is the
    customer, not a program.
    """
    customer = Customer.objects.select_related(
        "customer_type", "team", "account_manager", "erasure"
    ).get(pk=customer.pk)
    contacts = list(Contact.objects.filter(customer=customer))
    addresses = list(Address.objects.filter(customer=customer))
    organisation = organisation_current()
    report: dict = {
        "customer": customer.reference,
        "organisation": organisation.name,
        "currency": organisation.currency,
        "generated_at": timezone.now(),
        "profile": _profile(customer),
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "job_title": c.job_title,
                "email": c.email,
                "phone": c.phone,
                "preferred_channel": c.get_preferred_channel_display(),
                "is_primary": c.is_primary,
            }
            for c in contacts
        ],
        "addresses": [
            {
                "id": a.pk,
                "kind": a.get_kind_display(),
                "line1": a.line1,
                "line2": a.line2,
                "locality": a.locality,
                "state": a.state,
                "postcode": a.postcode,
                "country": a.country,
            }
            for a in addresses
        ],
        "consents": [
            {
                "at": r.at,
                "purpose": r.get_purpose_display(),
                "given": r.given,
                "method": r.get_method_display(),
                "recorded_by": _staff_name(r.recorded_by),
                "note": r.note,
            }
            for r in ConsentRecord.objects.filter(customer=customer)
            .select_related("recorded_by")
            .order_by("at", "pk")
        ],
        "account_managers": [
            {
                "manager": _staff_name(a.manager) or "(no account manager)",
                "started_at": a.started_at,
                "ended_at": a.ended_at,
                "reason": a.reason,
            }
            for a in AccountManagerAssignment.objects.filter(customer=customer)
            .select_related("manager")
            .order_by("started_at", "pk")
        ],
        "holdings": [
            {
                "offering_code": h.offering.code,
                "offering": h.offering.name,
                "status": h.get_status_display(),
                "started_on": h.started_on,
                "ended_on": h.ended_on,
                "offered_by_segment": h.segment.name if h.segment else "",
            }
            for h in Holding.objects.filter(customer=customer)
            .select_related("offering", "segment")
            .order_by("started_on", "pk")
        ],
        "segment_memberships": [
            {"segment": m.segment.name, "entered_at": m.entered_at, "left_at": m.left_at}
            for m in SegmentMembership.objects.filter(customer=customer)
            .select_related("segment")
            .order_by("entered_at", "pk")
        ],
        "segment_notices": [
            {
                "segment": n.segment.name,
                "channel": n.get_channel_display(),
                "status": n.get_status_display(),
                "created_at": n.created_at,
                "sent_at": n.sent_at,
                "note": n.note,
            }
            for n in SegmentNotice.objects.filter(customer=customer)
            .select_related("segment")
            .order_by("created_at", "pk")
        ],
        "segment_feedback": [
            {
                "segment": f.segment.name,
                "rating": f.rating,
                "comment": f.comment,
                "channel": f.get_channel_display(),
                "received_at": f.received_at,
            }
            for f in SegmentFeedback.objects.filter(customer=customer)
            .select_related("segment")
            .order_by("received_at", "pk")
        ],
        "audit_trail": _audit_trail(customer, [c.pk for c in contacts], [a.pk for a in addresses]),
        "import_problems": _import_problems(customer),
        "other_records": {
            section.name: list(section.function(customer)) for section in registered_sections()
        },
    }
    return _plain(report)


# --- The file given to the customer -------------------------------------------------------------
def _cell(value):
    """A CSV cell's value: lists joined, mappings as JSON, yes or no; the writer guards it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(columns: Iterable[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)  # what the customer told us may start like a formula
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    # The byte-order mark lets spreadsheets open accented names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def _columns_of(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _safe_file_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "customer"


README = """\
Personal information held about customer {reference}
{line}

{organisation} prepared these files on {generated} because you, or someone acting for you,
asked to see the information we hold about you: your right under
Australian Privacy Principle 12.

What is in this archive

  {json_name}
      Everything below in one file, in JSON, a format other programs can read.
  profile.csv
      Your details as we hold them now: name, contact details, the kind of customer you are,
      your account figures and the kinds of contact you have agreed to.
  contacts.csv
      The people at your organisation we deal with (organisations only).
  addresses.csv
      Your addresses.
  consents.csv
      Every time you gave or withdrew consent to be contacted, how, and who recorded it.
  account_managers.csv
      Who has looked after your account, from when until when.
  holdings.csv
      The products and services you hold, or that we have offered you.
  segment_memberships.csv
      The customer groups (segments) you have been in, from when until when.
  segment_notices.csv
      When we told you which group you are in.
  segment_feedback.csv
      What you told us about your group.
  audit_trail.csv
      When your record, contacts or addresses were created, changed, viewed or removed. It
      names the details that changed but not their values: we do not keep old values of your
      personal information in this log.
  import_problems.csv
      Lines about you in files loaded into our system that could not be read, and why.
{other}
How to read the files

  The CSV files open in any spreadsheet. Each has a header row; a file with only a header
  means we hold no records of that kind. Dates are written year-month-day and times carry
  their offset from UTC. Amounts of money are in {currency}.

If something is wrong

  You may ask us to correct any of this information (Australian Privacy Principle 13).
  Contact us and quote your customer number, {reference}.
"""


def _readme(report: dict, json_name: str) -> str:
    other = "".join(
        f"  {name}.csv\n      Records about you kept by another part of our service ({name}).\n"
        for name in report["other_records"]
    )
    title = f"Personal information held about customer {report['customer']}"
    return README.format(
        reference=report["customer"],
        line="=" * len(title),
        organisation=report["organisation"],
        generated=report["generated_at"][:10],
        json_name=json_name,
        other=other,
        currency=report["currency"],
    )


def access_report_zip(customer: Customer) -> bytes:
    """The report as a zip: ``customer-<reference>.json``, one CSV per section, README.txt."""
    report = access_report(customer)
    json_name = f"customer-{_safe_file_part(report['customer'])}.json"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(json_name, json.dumps(report, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", _readme(report, json_name))
        profile = [{"field": key, "value": value} for key, value in report["profile"].items()]
        archive.writestr("profile.csv", _csv(SECTION_COLUMNS["profile"], profile))
        for name, columns in SECTION_COLUMNS.items():
            if name != "profile":
                archive.writestr(f"{name}.csv", _csv(columns, report[name]))
        for name, rows in report["other_records"].items():
            section = _registry.get(name)
            columns = section.columns if section and section.columns else _columns_of(rows)
            archive.writestr(f"{name}.csv", _csv(columns, rows))
    return buffer.getvalue()


def access_request_fulfil(*, actor, customer: Customer) -> tuple[str, bytes]:
    """Answer an access request: (file name, zip bytes). Logs that ``actor`` viewed the record.

    Only a member of staff holding ``customers.export_customer`` may do this; the system
    (``actor=None``) may not, because someone must answer for what was handed over.
    """
    if actor is None or not actor.has_perm(EXPORT_PERMISSION):
        raise NotPermitted("Your role does not allow you to answer access requests.")
    content = access_report_zip(customer)
    services.customer_viewed(user=actor, customer=customer)
    today = timezone.localdate()
    return f"access-request-{_safe_file_part(customer.reference)}-{today:%Y-%m-%d}.zip", content
