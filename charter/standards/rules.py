"""Pure rules of the charter: which promise applies, and the deadline it sets."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from charter.core.calendar import BusinessCalendar, WeeklyHours


def specificity(promise) -> int:
    """Segment over customer type over all customers."""
    if promise.segment_id:
        return 2
    if promise.customer_type_id:
        return 1
    return 0


def applicable(
    promise, *, customer_type_id: int | None, segment_ids: set[int], topic: str = ""
) -> bool:
    if promise.topic and promise.topic != topic:
        return False
    if promise.segment_id:
        return promise.segment_id in segment_ids
    if promise.customer_type_id:
        return promise.customer_type_id == customer_type_id
    return True


def most_specific(
    promises: Iterable, *, customer_type_id: int | None, segment_ids: set[int], topic: str = ""
):
    """The promise that applies, or None. A promise for the complaint's topic (hardship) beats
    a general one; then segment over customer type over all customers. Among several segments'
    promises the strictest (shortest target) wins: the customer was promised at least that."""
    candidates = [
        p
        for p in promises
        if applicable(p, customer_type_id=customer_type_id, segment_ids=segment_ids, topic=topic)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (bool(p.topic), specificity(p), -p.target, -p.pk))


def channel_calendar(
    calendar: BusinessCalendar, channel_hours: dict[str, WeeklyHours], channel: str = ""
) -> BusinessCalendar:
    """The calendar a promise about something received on ``channel`` runs on: the channel's
    hours when the charter publishes them (a complaint by telephone on the telephone line's
    hours), else the organisation's service hours (``calendar``); its public holidays and
    closure days either way. ``channel`` blank: the promise concerns no channel."""
    hours = channel_hours.get(channel) if channel else None
    if hours is None or not hours.opens_on_a_weekday:
        return calendar
    return calendar.with_hours(hours)


def deadline(calendar: BusinessCalendar, *, unit: str, target: Decimal, moment: datetime):
    """When a promise of ``target`` ``unit`` falls due, counted from ``moment`` on ``calendar``
    (see ``channel_calendar`` for which one)."""
    if unit == "business_hours":
        return calendar.add_business_hours(moment, float(target))
    if unit == "business_days":
        return calendar.add_business_days(moment, int(target))
    if unit == "calendar_days":
        return calendar.add_calendar_days(moment, int(target))
    raise ValueError(f"A promise in {unit} is a service level, not a deadline.")


# Comparing two versions side by side. Versions are given as plain data (see
# ``selectors.charter_snapshot``): text fields, and items (promises, steps...) keyed by what
# identifies them across versions, so the comparison needs no database.


@dataclass(frozen=True)
class TextChange:
    label: str
    old: str
    new: str
    # [(kind, text)] with kind "same", "removed" or "added": words, so a reader sees the edit.
    words: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ItemChange:
    section: str
    key: str
    kind: str  # "added", "removed" or "changed"
    old: dict | None
    new: dict | None
    changed_fields: tuple[str, ...] = ()
    # For a changed item: each field's words marked as in ``TextChange.words``.
    words: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    texts: list[TextChange]
    items: list[ItemChange]

    @property
    def unchanged(self) -> bool:
        return not self.texts and not self.items


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of ``old`` and ``new`` marked same, removed or added (line breaks kept)."""
    a, b = old.replace("\n", " \n ").split(" "), new.replace("\n", " \n ").split(" ")
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return [(kind, text.replace(" \n ", "\n")) for kind, text in out if text]


def compare(old: dict, new: dict) -> Comparison:
    """What changed from ``old`` to ``new``. Each is ``{"texts": {label: str},
    "sections": {section: {key: {field: value}}}}``."""
    texts = []
    for label in dict.fromkeys([*old["texts"], *new["texts"]]):
        before, after = old["texts"].get(label, ""), new["texts"].get(label, "")
        if before != after:
            texts.append(TextChange(label, before, after, word_diff(before, after)))
    items = []
    for section in dict.fromkeys([*old["sections"], *new["sections"]]):
        before, after = old["sections"].get(section, {}), new["sections"].get(section, {})
        for key in dict.fromkeys([*before, *after]):
            if key not in after:
                items.append(ItemChange(section, key, "removed", before[key], None))
            elif key not in before:
                items.append(ItemChange(section, key, "added", None, after[key]))
            elif before[key] != after[key]:
                old_item, new_item = before[key], after[key]
                fields = tuple(f for f in new_item if old_item.get(f) != new_item[f])
                words = {
                    f: word_diff(str(old_item.get(f) or ""), str(new_item[f] or ""))
                    for f in new_item
                }
                items.append(ItemChange(section, key, "changed", old_item, new_item, fields, words))
    return Comparison(texts=texts, items=items)


# --- Who authorised a policy ----------------------------------------------------------------------
_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


def authorised_line(on: date | None, by: str) -> str:
    """The template's "Updated / authorised" line: the month, an en dash, who: as the
    organisation writes it ("10/2011", "John Doe CFO")."""
    if on is None:
        return by.strip()
    month = f"{on:%m}/{on.year}"
    return f"{month} \N{EN DASH} {by.strip()}" if by.strip() else month


def parse_month(text: str) -> date | None:
    """ "10/2011" as the first of that month; None when blank. Raises ValueError with a
    sentence when it is not a month and a year."""
    if not (text or "").strip():
        return None
    found = _MONTH_YEAR.match(text)
    if not found or not 1 <= int(found.group(1)) <= 12 or int(found.group(2)) < 1900:
        raise ValueError("Write the month it was authorised as MM/YYYY, e.g. 10/2011.")
    return date(int(found.group(2)), int(found.group(1)), 1)
