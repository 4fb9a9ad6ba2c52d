"""A sentence for every database constraint, so that a constraint's name never reaches a user.

Services check before they write, and say why they refuse. The database's constraints are the
last guard: when one still stops a write (two people at once, a path that skipped a check), the
API's error handler and the pages' middleware turn the IntegrityError into a refusal with the
constraint's sentence, never its name and never a 500.

A constraint states its sentence as ``violation_error_message`` (a ModelForm shows it too);
``SENTENCES`` words those of models that do not state one yet. Core imports no app of ours: the
constraints are found through the app registry, by name.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from django.apps import apps
from django.db import IntegrityError
from django.db.models import CheckConstraint, UniqueConstraint

from .errors import Conflict, DomainError

logger = logging.getLogger(__name__)

# Sentences for constraints whose model does not state one (by constraint name).
SENTENCES = {
    # standards
    "one_current_charter_version": "Only one version of the charter can be the approved one.",
    "charter_version_approved_has_date": "An approved charter version needs its approval date.",
    "promise_scoped_to_type_or_segment": (
        "A promise is for a customer type or for a segment, not both: choose one."
    ),
    "promise_target_positive": "A promise's target must be more than 0.",
    "one_needs_entry_per_customer_type": (
        "This charter version already states the needs of that customer type."
    ),
    "one_offer_per_channel": "This charter version already has hours for that channel.",
    "policy_version_number": "This policy already has a version with that number.",
    "one_current_policy_version": "Only one version of a policy can be the approved one.",
    "one_step_number_per_procedure": "This procedure already has a step with that number.",
    "one_acknowledgement_each": "This member of staff has already acknowledged this charter.",
    "one_policy_acknowledgement_each": "This member of staff has already acknowledged this policy.",
    "acknowledges_one_document": "An acknowledgement is of the charter or of one policy.",
    # catalog
    "one_price_per_product_per_day": "This product already has a price from that day.",
    "price_not_negative": "A price cannot be negative.",
    # orders
    "cancellation_fee_not_negative": "A cancellation fee cannot be negative.",
    "order_status_matches_its_times": (
        "The order's status does not match when it was delivered or cancelled: reload it."
    ),
    "line_quantity_positive": "An order line needs a quantity of at least 1.",
    "one_registration_each": "This product's serial or batch is already registered for them.",
    "warranty_expires_after_purchase": "A warranty cannot expire before the purchase date.",
    # cases
    "case_closed_iff_closed_at": "A case is closed exactly when it has a closing time: reload it.",
    "one_template_version": "This reply template already has a version with that number.",
    # feedback
    "one_questionnaire_version": "This questionnaire already has a version with that number.",
    "survey_closes_after_open": "A survey cannot close before it opens.",
    "one_answer_per_question": "This response already answers that question.",
}

# What each kind of violation means when nothing more is known about it (by SQLSTATE).
GENERAL = {
    "23505": "A record with these details already exists: reload the page and check.",
    "23514": "One of the values is not allowed here: check the values and try again.",
    "23503": (
        "This refers to a record that no longer exists, or one that other records still use: "
        "reload the page and try again."
    ),
    "23502": "A value that is required is missing: fill it in and try again.",
}
_UNIQUE, _CHECK, _FOREIGN_KEY, _NOT_NULL = "23505", "23514", "23503", "23502"


def _label(model) -> str:
    return str(model._meta.verbose_name)


def _sentence_for(model, constraint) -> str:
    message = constraint.violation_error_message
    if message and message != constraint.default_violation_error_message:
        return str(message)
    if constraint.name in SENTENCES:
        return SENTENCES[constraint.name]
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        names = " and ".join(str(model._meta.get_field(f).verbose_name) for f in constraint.fields)
        return f"There is already a {_label(model)} with the same {names}."
    return f"These values are not allowed for a {_label(model)}: check them and try again."


@cache
def _index() -> tuple[dict[str, tuple[str, str]], dict[tuple[str, tuple[str, ...]], str]]:
    """(constraint name -> (kind, sentence)), ((table, sorted columns) -> sentence)."""
    by_name: dict[str, tuple[str, str]] = {}
    by_columns: dict[tuple[str, tuple[str, ...]], str] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            if not isinstance(constraint, CheckConstraint | UniqueConstraint):
                continue
            sentence = _sentence_for(model, constraint)
            kind = _UNIQUE if isinstance(constraint, UniqueConstraint) else _CHECK
            by_name[constraint.name] = (kind, sentence)
            if kind == _UNIQUE and constraint.fields:
                columns = tuple(sorted(model._meta.get_field(f).column for f in constraint.fields))
                by_columns.setdefault((table, columns), sentence)
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                by_columns.setdefault(
                    (table, (field.column,)),
                    f"There is already a {_label(model)} with this {field.verbose_name}.",
                )
    return by_name, by_columns


def constraint_sentence(name: str) -> str | None:
    """The sentence of the constraint called ``name``, if there is one of ours by that name."""
    found = _index()[0].get(name)
    return found[1] if found else None


_SQLITE = re.compile(r"^(UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed(?::\s*(.*))?$")
_SQLITE_CODES = {
    "UNIQUE": _UNIQUE,
    "CHECK": _CHECK,
    "FOREIGN KEY": _FOREIGN_KEY,
    "NOT NULL": _NOT_NULL,
}
_SQLITE_INDEX = re.compile(r"^index '([^']+)'$")
_NAMED = re.compile(r'constraint "([^"]+)"')
_KEY_COLUMNS = re.compile(r"Key \(([^)]*)\)=")


def integrity_sentence(error: IntegrityError) -> tuple[str, str]:
    """(SQLSTATE-like code, sentence) for a constraint violation, on SQLite or PostgreSQL."""
    by_name, by_columns = _index()
    cause = error.__cause__ or error
    diag = getattr(cause, "diag", None)
    text = str(error).strip()
    if diag is not None:  # PostgreSQL (psycopg): the server names the constraint
        code = getattr(cause, "sqlstate", None) or ""
        name = diag.constraint_name or ""
        if name in by_name:
            return by_name[name]
        match = _KEY_COLUMNS.search(diag.message_detail or "")
        if code == _UNIQUE and match and diag.table_name:
            columns = tuple(sorted(c.strip().strip('"') for c in match.group(1).split(",")))
            if (diag.table_name, columns) in by_columns:
                return code, by_columns[diag.table_name, columns]
        return code, GENERAL.get(code, GENERAL[_CHECK])
    match = _SQLITE.match(text.splitlines()[0] if text else "")
    if match:
        code, detail = _SQLITE_CODES[match.group(1)], (match.group(2) or "").strip()
        index = _SQLITE_INDEX.match(detail)  # an index on an expression is named
        if index and index.group(1) in by_name:
            return by_name[index.group(1)]
        if code == _CHECK and detail in by_name:
            return by_name[detail]
        if code == _UNIQUE and detail:
            # SQLite names the columns ("table.column, table.column"), not the constraint.
            pairs = [part.strip().rsplit(".", 1) for part in detail.split(",")]
            if all(len(pair) == 2 for pair in pairs):
                table = pairs[0][0]
                columns = tuple(sorted(column for _table, column in pairs))
                if (table, columns) in by_columns:
                    return code, by_columns[table, columns]
        return code, GENERAL[code]
    named = _NAMED.search(text)
    if named and named.group(1) in by_name:
        return by_name[named.group(1)]
    return _CHECK, GENERAL[_CHECK]


def integrity_refusal(error: IntegrityError) -> DomainError:
    """The refusal to give a person for ``error``: a Conflict (409) for a duplicate, else 400.

    The database's own text (which names the constraint) goes to the log, not to the person.
    """
    code, sentence = integrity_sentence(error)
    logger.warning("A write broke a database constraint: %s", error)
    return Conflict(sentence) if code == _UNIQUE else DomainError(sentence)
