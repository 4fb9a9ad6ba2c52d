"""Pure rules about customers: phone numbers, search words, and segment conditions.

No ORM here: these are tested without the database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import phonenumbers

from charter.core.errors import DomainError

DEFAULT_REGION = "AU"


# --- Phone numbers and emails ------------------------------------------------------------------
PHONE_LENGTH = 32  # E.164 (at most 16 characters) and an extension: ";ext=" and 11 digits


def normalise_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 (+61412345678), or '' for blank; DomainError when not a number.

    Numbers without a country code are read as Australian. An extension ("ext 23", "x23",
    ";ext=23") is kept after the number as RFC 3966 writes it: +61892001000;ext=23.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    fast = _australian_fast_path(raw, region)
    if fast:
        return fast
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise DomainError(
            f"'{raw}' is not a phone number ({_phone_reason(error)}).", field="phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise DomainError(
            f"'{raw}' is not a valid phone number: check the digits and the area code.",
            field="phone",
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:
        e164 = f"{e164}{EXTENSION}{number.extension}"
        if len(e164) > PHONE_LENGTH:
            raise DomainError(
                f"The extension of '{raw}' is longer than Charter keeps (11 digits).",
                field="phone",
            )
    return e164


EXTENSION = ";ext="


_PUNCTUATION = re.compile(r"[\s().\-]")
_AU_NATIONAL = re.compile(r"0([2-478]\d{8})")
_AU_INTERNATIONAL = re.compile(r"\+61([2-478]\d{8})")


def _australian_fast_path(raw: str, region: str) -> str:
    """The common case, an Australian number, without phonenumbers' general parser (most of
    an import's time): the library still decides validity, for Australia's own ranges. Anything
    else, or anything it rejects, takes the full path (and gets its message there)."""
    compact = _PUNCTUATION.sub("", raw)
    match = _AU_INTERNATIONAL.fullmatch(compact) or (
        _AU_NATIONAL.fullmatch(compact) if region == DEFAULT_REGION else None
    )
    if match is None:
        return ""
    number = phonenumbers.PhoneNumber(country_code=61, national_number=int(match.group(1)))
    if not phonenumbers.is_valid_number_for_region(number, DEFAULT_REGION):
        return ""
    return "+61" + match.group(1)


def _phone_reason(error: phonenumbers.NumberParseException) -> str:
    reasons = {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        phonenumbers.NumberParseException.NOT_A_NUMBER: "it has letters or too few digits",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }
    return reasons.get(error.error_type, "unreadable")


def format_phone(e164: str) -> str:
    """How a stored number is shown: national format at home, international abroad."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    if not _EMAIL.match(raw) or len(raw) > 254:
        raise DomainError(f"'{raw}' is not an email address.", field="email")
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


# --- Search words ------------------------------------------------------------------------------
TERM_LENGTH = 100
MIN_QUERY_LENGTH = 2


def fold(text: str) -> str:
    """Lower case without accents, so "Zoë" is found by "zoe"."""
    text = text or ""
    if text.isascii():  # most names: nothing to decompose, and casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def reference_key(reference: str, *, ascii_only: bool = False) -> str:
    """A reference as compared whatever its case (IW-0001 is iw-0001): in capitals, as the
    database's UPPER() writes it, so that a match here is a match in its unique index.

    ``ascii_only``: SQLite's UPPER() changes only a to z.
    """
    if reference.isascii():
        return reference.upper()
    if ascii_only:
        return reference.translate(_ASCII_UPPER)
    # One character for one, as PostgreSQL's does ("ß" stays "ß", not "SS").
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in reference)


_APOSTROPHES = re.compile(r"['\u2019]")
_NOT_WORD = re.compile(r"[^\w]+")


def _words(text: str, *, folded: bool = False) -> list[str]:
    """Words of a name; "O'Neill" is one word, "oneill", as people type it."""
    return [w for w in _NOT_WORD.split(_APOSTROPHES.sub("", text if folded else fold(text))) if w]


def _parts(text: str, *, folded: bool = False) -> list[str]:
    """The pieces either side of an apostrophe too, so "neill" also finds O'Neill."""
    return [w for w in _NOT_WORD.split(text if folded else fold(text)) if w]


def phone_terms(e164: str) -> set[str]:
    """A stored number is found by its international digits and, at home, its national ones."""
    e164 = (e164 or "").split(EXTENSION, 1)[0]  # the extension is not dialled to find them
    if not e164:
        return set()
    digits = e164.lstrip("+")
    terms = {digits}
    if e164.startswith("+61"):
        terms.add("0" + e164[3:])
    return terms


def search_terms(
    *,
    names: list[str],
    emails: list[str],
    phones: list[str],
    reference: str,
) -> set[str]:
    """Every term a customer is found by: words of its names, whole emails, phones, reference."""
    terms: set[str] = set()
    for name in names:
        if name:
            folded = fold(name)
            terms.update(_words(folded, folded=True))
            terms.update(_parts(folded, folded=True))
    for email in emails:
        if email:
            terms.add(email.casefold())
    for phone in phones:
        terms.update(phone_terms(phone))
    if reference:
        terms.add(fold(reference).strip())
    return {t[:TERM_LENGTH] for t in terms if t}


@dataclass(frozen=True)
class SearchQuery:
    """What the searcher typed, as the term prefixes every result must match."""

    prefixes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.prefixes)


def parse_query(text: str) -> SearchQuery:
    """Turn a search box into term prefixes: an email, a phone number, or words of a name."""
    text = (text or "").strip()
    if len(text) < MIN_QUERY_LENGTH:
        return SearchQuery(())
    if "@" in text:
        return SearchQuery((text.casefold()[:TERM_LENGTH],))
    compact = re.sub(r"[\s().\-]", "", text)
    if re.fullmatch(r"\+?\d{3,}", compact):
        # +61 4.. and 04.. are both stored; a leading + is not part of a term.
        return SearchQuery((compact.lstrip("+"),))
    if " " not in text and any(c.isdigit() for c in text):
        return SearchQuery((fold(text)[:TERM_LENGTH],))  # a reference such as IW-0042
    words = tuple(dict.fromkeys(_words(text)))
    return SearchQuery(tuple(w[:TERM_LENGTH] for w in words))


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (for a range scan)."""
    return prefix + "\U0010ffff"


# --- Segment conditions ------------------------------------------------------------------------
class SegmentRuleError(DomainError):
    def __init__(self, message: str):
        super().__init__(message, field="conditions")


@dataclass(frozen=True)
class Attribute:
    label: str
    kind: str  # money | number | days | choice | flag
    operators: tuple[str, ...]
    unit: str = ""


_COMPARE = ("gte", "gt", "lte", "lt", "eq")
ATTRIBUTES: dict[str, Attribute] = {
    "annual_value": Attribute("Value a year", "money", _COMPARE),
    "balance": Attribute("Balance", "money", _COMPARE),
    "tenure_years": Attribute("Customer for", "number", ("gte", "lt"), "years"),
    "product_count": Attribute("Products held", "number", _COMPARE),
    "holds_category": Attribute("Holds a product of kind", "choice", ("has", "has_not")),
    "holds_offering": Attribute("Holds the product", "choice", ("has", "has_not")),
    "days_since_activity": Attribute("Last active", "days", ("gte", "lt"), "days ago"),
    "customer_type": Attribute("Customer type", "choice", ("in", "not_in")),
    "kind": Attribute("Person or organisation", "choice", ("in",)),
    "internal": Attribute("Internal customer", "flag", ("is",)),
}

OPERATOR_LABELS = {
    "gte": "at least",
    "gt": "more than",
    "lte": "at most",
    "lt": "less than",
    "eq": "exactly",
    "has": "has",
    "has_not": "has not",
    "in": "is",
    "not_in": "is not",
    "is": "is",
}


@dataclass(frozen=True)
class Condition:
    attribute: str
    operator: str
    value: object

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        return {"attribute": self.attribute, "operator": self.operator, "value": value}


def parse_conditions(raw, *, choices: dict[str, set[str]] | None = None) -> list[Condition]:
    """Validate a segment's conditions; each problem is named with its position and a fix.

    ``choices`` lists the valid values of the choice attributes (customer types, product codes
    and categories) so that a typo is caught when the segment is saved, not when it runs.
    """
    if not isinstance(raw, list):
        raise SegmentRuleError("Conditions must be a list of {attribute, operator, value}.")
    if not raw:
        raise SegmentRuleError("A segment needs at least one condition.")
    choices = choices or {}
    parsed = []
    for number, item in enumerate(raw, start=1):
        where = f"Condition {number}"
        if not isinstance(item, dict):
            raise SegmentRuleError(f"{where} must have an attribute, an operator and a value.")
        name = item.get("attribute")
        attribute = ATTRIBUTES.get(name)
        if attribute is None:
            known = ", ".join(sorted(ATTRIBUTES))
            raise SegmentRuleError(f"{where}: unknown attribute '{name}' (use one of {known}).")
        operator = item.get("operator")
        if operator not in attribute.operators:
            allowed = ", ".join(attribute.operators)
            raise SegmentRuleError(
                f"{where}: '{operator}' does not apply to {attribute.label.lower()} "
                f"(use {allowed})."
            )
        value = _parse_value(where, name, attribute, item.get("value"), choices)
        parsed.append(Condition(name, operator, value))
    return parsed


def _parse_value(where, name, attribute: Attribute, value, choices):
    if attribute.kind == "money":
        try:
            amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
        except (InvalidOperation, ValueError):
            raise SegmentRuleError(f"{where}: '{value}' is not an amount.") from None
        if not amount.is_finite():
            raise SegmentRuleError(f"{where}: '{value}' is not an amount.")
        return amount
    if attribute.kind in ("number", "days"):
        try:
            number = int(str(value).strip())
        except ValueError:
            raise SegmentRuleError(f"{where}: '{value}' is not a whole number.") from None
        if number < 0:
            raise SegmentRuleError(f"{where}: the number cannot be negative.")
        return number
    if attribute.kind == "flag":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise SegmentRuleError(f"{where}: use true or false.")
    values = value if isinstance(value, list | tuple) else [value]
    values = tuple(str(v).strip() for v in values if str(v).strip())
    if not values:
        raise SegmentRuleError(f"{where}: choose at least one value.")
    if attribute.operators[0] == "has" and len(values) != 1:
        raise SegmentRuleError(f"{where}: name one product or kind of product.")
    known = choices.get(name)
    if known is not None:
        unknown = [v for v in values if v not in known]
        if unknown:
            raise SegmentRuleError(f"{where}: unknown value {', '.join(unknown)}.")
    return values


def describe_condition(condition: Condition, *, labels: dict[str, str] | None = None) -> str:
    """A condition in words: "Balance at least $250,000.00"."""
    attribute = ATTRIBUTES[condition.attribute]
    op = OPERATOR_LABELS[condition.operator]
    value = condition.value
    labels = labels or {}
    if attribute.kind == "money":
        shown = f"${value:,.2f}"
    elif attribute.kind in ("number", "days"):
        shown = f"{value} {attribute.unit}".strip()
    elif attribute.kind == "flag":
        shown = "yes" if value else "no"
    else:
        shown = " or ".join(labels.get(v, v) for v in value)
    return f"{attribute.label} {op} {shown}"


def describe_conditions(raw) -> str | None:
    """A segment's stored conditions in words, for its history ("Balance at least $250,000.00;
    Internal customer is no"); None when they cannot be read (an older rule format)."""
    try:
        return "; ".join(describe_condition(c) for c in parse_conditions(raw))
    except (DomainError, KeyError):
        return None


def years_before(today: date, years: int) -> date:
    """The same day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def tenure_bound(today: date, operator: str, years: int) -> tuple[str, date]:
    """Customer for at least N years means customer_since on or before the day N years ago."""
    cutoff = years_before(today, years)
    return ("lte", cutoff) if operator == "gte" else ("gt", cutoff)


def activity_bound(today: date, operator: str, days: int) -> tuple[str, date]:
    """Last active at least N days ago means last_activity_on on or before today minus N."""
    cutoff = today - timedelta(days=days)
    return ("lte", cutoff) if operator == "gte" else ("gt", cutoff)
