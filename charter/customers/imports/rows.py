"""One row of a customers file in model terms (pure, given the lookups read once per import):
every problem found is kept with what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from charter.core.csvsafe import unguard
from charter.core.errors import DomainError

from .. import rules, services
from ..models import (
    CONSENT_FIELDS,
    Channel,
    Customer,
    CustomerKind,
)
from .reading import COLUMNS, _and


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


def parse_row(line: int, cells: list[str], columns: dict[str, int], lookups: Lookups) -> ParsedRow:
    """Read one row; every problem found goes into ``problems`` with what to do about it."""

    cell = dict.fromkeys(COLUMNS, "")  # a column the file does not have reads as blank
    # Charter's own exports guard cells against formulas: the apostrophes come off here.
    for name, position in columns.items():
        value = cells[position].strip()
        cell[name] = unguard(value) if value[:1] == "'" else value
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
        if raw := cell[name]:
            if len(raw) > limit:
                problems.append(f"The {name.replace('_', ' ')} is longer than {limit} characters.")
            fields[name] = raw
    if raw := cell["email"]:
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
