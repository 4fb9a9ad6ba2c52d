"""The audit trail in the words of the people who read it.

auditlog stores a change as the database holds it: field names, ids of related records, stored
codes, naive UTC times, decimals without their currency. ``describe_entries`` turns a batch of
entries into what a person reads ("Decided by: — → John Smith", "Status: Received →
Investigating", "Call-back at: — → 20 Dec 2026, 10:30"), for record pages, the auditor's page
and its CSV alike, so they say the same thing.

Related records are named with one query per related model, whatever the number of entries, so
a page of 50 entries (or a chunk of a CSV) costs a fixed number of queries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from auditlog.registry import auditlog as auditlog_registry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

from .models import AuditEntry, Interface
from .money import format_money

# As the rest of the site shows times (templates use the same formats), in the current zone.
DATETIME_FORMAT = "j M Y, H:i"
WHEN_FORMAT = "j M Y, H:i:s"  # the trail's own times: an auditor orders changes to the second
DATE_FORMAT = "j M Y"
EMPTY = "—"
PERSONAL = "(personal data)"  # what charter.core.audit.mask_personal_data writes
HIDDEN = "(hidden)"  # any other masked value (a password's hash): never shown, even in part

ACTION_WORDS = {
    AuditEntry.Action.CREATE: "Created",
    AuditEntry.Action.UPDATE: "Changed",
    AuditEntry.Action.DELETE: "Deleted",
    AuditEntry.Action.ACCESS: "Opened",
}
INTERFACE_WORDS = dict(Interface.choices)

# Words for values only their own app can read (a segment's rule list), and names for fields
# whose own name is not the one people use (a user's "groups" are their roles); by
# ("app.model", field).
_VALUE_WORDS: dict[tuple[str, str], Callable[[object], str | None]] = {}
_FIELD_LABELS: dict[tuple[str, str], str] = {}

# A decimal field is an amount of money when its name says so; proportions and scores
# (percent_of_value, expected_response_rate, target) are shown as numbers.
_MONEY_ENDINGS = ("amount", "value", "price", "balance", "total", "fee", "cap")


@dataclass(frozen=True)
class Change:
    """One field's change: ``old`` and ``new`` as a person reads them. A many-to-many change has
    a ``verb`` ("added", "removed") and lists the records in ``new``."""

    field: str
    old: str
    new: str
    verb: str = ""

    def __str__(self) -> str:
        if self.verb:
            return f"{self.field}: {self.verb} {self.new}"
        return f"{self.field}: {self.old} → {self.new}"


@dataclass(frozen=True)
class EntryView:
    """An audit entry as shown: who by name, what in words, the record by kind and name."""

    entry: AuditEntry
    when: datetime
    actor: str  # the person's name; "" for the system
    username: str
    action: str
    interface: str
    source: str
    kind: str  # the kind of record, by its verbose name ("Approval request")
    record_id: str
    record: str  # the record's name when the entry was written
    changes: tuple[Change, ...]

    @property
    def when_text(self) -> str:
        return date_format(timezone.localtime(self.when), WHEN_FORMAT)

    @property
    def who(self) -> str:
        return self.actor or "System"

    @property
    def changes_text(self) -> str:
        return "\n".join(str(change) for change in self.changes)


def describe_entries(entries: Iterable[AuditEntry], *, changes: bool = True) -> list[EntryView]:
    """The entries in words (``actor`` and ``content_type`` should be joined, as the selectors
    do). Costs, whatever the number of entries: one query per kind of related record named in
    the changes (and one more for those since removed), one per kind of record whose money
    has its own currency, one for the organisation's currency; none with ``changes=False``."""
    entries = list(entries)
    parsed = [(entry, _changes_of(entry) if changes else {}) for entry in entries]
    context = _Lookups.collect(parsed)
    return [
        EntryView(
            entry=entry,
            when=entry.timestamp,
            actor=str(entry.actor) if entry.actor_id else "",
            username=entry.actor.username if entry.actor_id else "",
            action=ACTION_WORDS.get(entry.action, str(entry.action)),
            interface=str(INTERFACE_WORDS.get(entry.interface, entry.interface)),
            source=entry.source,
            kind=capfirst(entry.content_type.name) if entry.content_type_id else "",
            record_id=entry.object_pk,
            record=entry.object_repr,
            changes=tuple(context.changes(entry, values)),
        )
        for entry, values in parsed
    ]


def register_value_words(model: str, field: str, words: Callable[[object], str | None]) -> None:
    """Let an app say how one of its stored values reads (``words`` returns None when it cannot
    read it, and the value is spelled out as it is): ``register_value_words("customers.segment",
    "conditions", rules.describe_conditions)``. Called from the app's ``ready``."""
    _VALUE_WORDS[(model.lower(), field)] = words


def register_field_label(model: str, field: str, label: str) -> None:
    """Name a field as people know it in the trail: ``register_field_label("accounts.user",
    "groups", "Roles")``. Called from the app's ``ready``."""
    _FIELD_LABELS[(model.lower(), field)] = label


def field_label(model, name: str) -> str:
    """A field's name as people read it: its verbose name ("Decided by"), or the stored name
    in words when the field is gone from the model."""
    if model is not None and (model._meta.label_lower, name) in _FIELD_LABELS:
        return _FIELD_LABELS[(model._meta.label_lower, name)]
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return capfirst(str(field.verbose_name))
    return capfirst(name.replace("_", " "))


def _changes_of(entry: AuditEntry) -> dict:
    changes = entry.changes
    if isinstance(changes, str):  # entries written before changes were stored as JSON
        try:
            changes = json.loads(changes)
        except ValueError:
            return {"": [None, changes]}
    return changes if isinstance(changes, dict) else {}


def _field(model, name: str):
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _shown(field) -> bool:
    """Reverse relations (listed on a create as "accounts.Team.None") and the primary key (the
    record's id is shown beside it) say nothing to a reader."""
    if field is None:
        return True
    if field.auto_created and not field.concrete:
        return False
    return not getattr(field, "primary_key", False)


def _is_reference(field) -> bool:
    return field is not None and field.is_relation and (field.many_to_one or field.one_to_one)


def _is_money(field) -> bool:
    return (
        isinstance(field, models.DecimalField)
        and "percent" not in field.name
        and field.name.endswith(_MONEY_ENDINGS)
    )


def _has_currency(model) -> bool:
    return isinstance(_field(model, "currency"), models.CharField)


def _is_m2m(values) -> bool:
    return isinstance(values, dict) and values.get("type") == "m2m"


def _pair(values) -> tuple:
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


def _pk_of(field, value):
    if value in (None, "", "None"):
        return None
    try:
        return field.target_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _joins(model) -> list[str]:
    """The record's own references, joined: a name such as "Complaints policy (version 3)"
    reads one of them, and must not cost a query per record."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


class _Lookups:
    """Names of related records and currencies of records, fetched once per model."""

    def __init__(self):
        self.names: dict[type, dict] = {}
        self.currencies: dict[type, dict[str, str]] = {}
        self._organisation_currency: str | None = None

    @classmethod
    def collect(cls, parsed) -> _Lookups:
        lookups = cls()
        wanted: dict[type, set] = defaultdict(set)
        priced: dict[type, set[str]] = defaultdict(set)
        for entry, changes in parsed:
            model = entry.content_type.model_class() if entry.content_type_id else None
            for name, values in changes.items():
                field = _field(model, name)
                if _is_m2m(values) or not _shown(field):
                    continue
                if _is_reference(field):
                    for value in _pair(values):
                        pk = _pk_of(field, value)
                        if pk is not None:
                            wanted[field.related_model].add(pk)
                elif _is_money(field) and "currency" not in changes and _has_currency(model):
                    priced[model].add(entry.object_pk)
        for model, pks in wanted.items():
            records = model._base_manager.filter(pk__in=pks).select_related(*_joins(model))
            lookups.names[model] = {record.pk: _name(record) for record in records}
            gone = pks - lookups.names[model].keys()
            if gone:
                lookups.names[model].update(_removed_names(model, gone))
        for model, pks in priced.items():
            rows = model._base_manager.filter(pk__in=pks).values_list("pk", "currency")
            lookups.currencies[model] = {str(pk): currency for pk, currency in rows}
        return lookups

    def organisation_currency(self) -> str:
        if self._organisation_currency is None:
            from .selectors import organisation_current

            self._organisation_currency = organisation_current().currency
        return self._organisation_currency

    def changes(self, entry: AuditEntry, changes: dict) -> Iterable[Change]:
        model = entry.content_type.model_class() if entry.content_type_id else None
        masked = set()
        if model is not None and auditlog_registry.contains(model):
            fields = auditlog_registry.get_model_fields(model)
            masked = set(fields["mask_fields"])
            labels = fields["mapping_fields"]
        else:
            labels = {}
        for name, values in changes.items():
            field = _field(model, name)
            if not _shown(field):
                continue
            label = capfirst(labels[name]) if labels.get(name) else field_label(model, name)
            if _is_m2m(values):
                verb = "added" if values.get("operation") == "add" else "removed"
                names = [str(v) for v in values.get("objects") or []]
                yield Change(label, "", ", ".join(names) or EMPTY, verb=verb)
                continue
            old, new = _pair(values)
            words = _VALUE_WORDS.get((model._meta.label_lower, name)) if model else None
            if name in masked:
                was, now = _masked(old), _masked(new)
            elif words is not None:
                was, now = _own_words(words, old), _own_words(words, new)
            elif _is_money(field):
                was = self._word(field, old, self._currency(entry, model, changes, old=True))
                now = self._word(field, new, self._currency(entry, model, changes, old=False))
            else:
                was, now = self._word(field, old, ""), self._word(field, new, "")
            if was != EMPTY or now != EMPTY:  # a created record's blank field changed nothing
                yield Change(label, was, now)

    def _currency(self, entry, model, changes, *, old: bool) -> str:
        if "currency" in changes:
            values = _pair(changes["currency"])
            value = values[0] if old else values[1]
            if value:
                return str(value)
        known = self.currencies.get(model, {}).get(entry.object_pk)
        return known or self.organisation_currency()

    def _word(self, field, value, currency: str) -> str:
        if field is None:
            return _plain(value)
        labels = _choice_labels(field)
        if labels and str(value) in labels and value is not None:
            return labels[str(value)]  # a blank code may have a label ("Not escalated")
        if value is None or value == "":
            return EMPTY
        if value == "None" and not isinstance(field, models.CharField | models.TextField):
            return EMPTY  # auditlog's text for None on a field that cannot hold the word
        if _is_reference(field):
            pk = _pk_of(field, value)
            if pk is None:
                return str(value)
            name = self.names.get(field.related_model, {}).get(pk)
            if name is None:
                kind = capfirst(str(field.related_model._meta.verbose_name))
                return f"{kind} #{pk} (removed)"
            return name
        if labels:
            return str(value)  # a code the field no longer offers
        if isinstance(field, models.BooleanField):
            return {True: "Yes", False: "No", "True": "Yes", "False": "No"}.get(value, str(value))
        if isinstance(field, models.DateTimeField):
            return _datetime_words(value)
        if isinstance(field, models.DateField):
            return _date_words(value)
        if isinstance(field, models.TimeField):
            return str(value)[:5]
        if isinstance(field, models.DecimalField):
            return _decimal_words(field, value, currency)
        return _plain(value)


def _choice_labels(field) -> dict[str, str]:
    choices = getattr(field, "flatchoices", None)
    return {str(key): str(label) for key, label in choices} if choices else {}


def _own_words(words, value) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        text = words(value)
    except Exception:  # an unreadable old value is shown as stored, never a 500
        text = None
    return text if text else _plain(value)


def _name(record) -> str:
    if isinstance(record, ContentType):  # a kind of record, not "app | model"
        return capfirst(record.name)
    return str(record)


def _removed_names(model, pks) -> dict:
    """Records since deleted, by the name the trail kept when they were last written."""
    content_type = ContentType.objects.get_for_model(model)
    entries = (
        AuditEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
        .order_by("object_pk", "-timestamp", "-pk")
        .values_list("object_pk", "object_repr")
    )
    names = {}
    field = model._meta.pk
    for object_pk, name in entries:
        try:
            pk = field.to_python(object_pk)
        except ValidationError:
            continue
        names.setdefault(pk, f"{name} (removed)")
    return names


def _masked(value) -> str:
    if value in (None, "", "None"):
        return EMPTY
    return PERSONAL if value == PERSONAL else HIDDEN


def _datetime_words(value) -> str:
    """auditlog stores a time as naive UTC text ("2026-12-19 23:30:00"): shown in the zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment), DATETIME_FORMAT)


def _date_words(value) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return date_format(day, DATE_FORMAT)


def _decimal_words(field, value, currency: str) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if _is_money(field):
        return format_money(amount, currency)
    text = f"{amount:f}"
    return f"{text}%" if "percent" in field.name else text


def _plain(value) -> str:
    """Any other stored value as words: lists and mappings spelled out, never a Python repr."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        pairs = (f"{capfirst(str(k).replace('_', ' '))}: {_plain(v)}" for k, v in value.items())
        return ", ".join(pairs) or EMPTY
    if isinstance(value, list | tuple):
        return "; ".join(_plain(v) for v in value) or EMPTY
    return str(value)
