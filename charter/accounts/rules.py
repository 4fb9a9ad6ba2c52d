"""Authority: may this actor take this action of this value without approval? Pure functions.

A limit bounds an action by a percentage of the item's value, a money cap, both (the lower
wins) or neither. An actor with several roles has the most generous of their limits. Every
refusal says why, in words the officer can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from charter.core.money import format_money

VALUED_ACTIONS = frozenset({"refund", "goodwill", "replace", "compensate"})
ACTION_WORDS = {
    "refund": "refund",
    "goodwill": "refund an additional goodwill amount",
    "replace": "replace a product",
    "compensate": "give compensation",
    "close_complaint": "close a complaint",
    "refer_outside": "refer a complaint to an outside body",
}
# What a role that has no limit at all for an action does not handle (it cannot ask either).
ACTION_NOUNS = {
    "refund": "refunds",
    "goodwill": "goodwill refunds",
    "replace": "product replacements",
    "compensate": "compensation",
    "close_complaint": "closing complaints",
    "refer_outside": "referrals to an outside body",
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Limit:
    role: str
    role_label: str
    rank: int
    action: str
    allowed: bool
    percent_of_value: Decimal | None = None
    max_amount: Decimal | None = None
    currency: str = "AUD"
    # Where a limit comes from when it is not the role's own row (e.g. "every staff member").
    source: str = ""

    @property
    def action_label(self) -> str:
        """The action in words ("Closing complaints"), never its code."""
        return ACTION_NOUNS.get(self.action, self.action.replace("_", " ")).capitalize()


# The limit every member of staff holds for replacing a faulty product while the organisation
# reads its complaints procedure's step 6 that way (``AuthoritySettings``).
EVERY_STAFF_MEMBER = "within every staff member's authority (complaints procedure, step 6)"


def replacement_reading(within_everyones_authority: bool) -> str:
    """Which reading of the complaints procedure's step 6 is in force, in words."""
    if within_everyones_authority:
        return (
            "replacing the faulty product is within every staff member's authority (step 6 "
            "read with step 7's “additional”): no approval is needed to replace it."
        )
    return (
        "read on its own, step 6 puts no replacement within every staff member's authority: "
        "each role's “Replace a product” limit says who may replace without approval, and "
        "anyone else asks for it."
    )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    ceiling: Decimal | None = None
    role: str | None = None
    handles: bool = True  # the actor's role has a limit for the action, whatever its amount

    @property
    def may_ask(self) -> bool:
        """Refused on their own, but theirs to ask approval for."""
        return not self.allowed and self.handles


def does_not_handle(action: str) -> str:
    noun = ACTION_NOUNS.get(action, action)
    return (
        f"Your role does not handle {noun}, so it cannot ask for approval of one either: "
        "pass it to a colleague whose role does."
    )


def describe_limit(limit: Limit) -> str:
    """``"up to 10% of the item's value, at most $25.00"`` and the like."""
    if not limit.allowed:
        return "not allowed"
    if limit.source:
        return limit.source
    if limit.action not in VALUED_ACTIONS:
        return "allowed"
    parts = []
    if limit.percent_of_value is not None:
        parts.append(f"up to {limit.percent_of_value.normalize():f}% of the item's value")
    if limit.max_amount is not None:
        cap = format_money(limit.max_amount, limit.currency)
        parts.append(f"at most {cap}" if parts else f"up to {cap}")
    return ", ".join(parts) if parts else "allowed, with no limit"


def ceiling(limit: Limit, item_value: Decimal | None) -> Decimal | None:
    """The most ``limit`` allows for an item of ``item_value``; None means no limit.

    A percentage of the value is rounded down to the cent, so the limit is never exceeded.
    Raises ValueError when a percentage limit needs a value that was not given.
    """
    bounds = []
    if limit.percent_of_value is not None:
        if item_value is None:
            raise ValueError("item value needed")
        share = (Decimal(item_value) * limit.percent_of_value / 100).quantize(CENT, ROUND_DOWN)
        bounds.append(share)
    if limit.max_amount is not None:
        bounds.append(Decimal(limit.max_amount))
    return min(bounds) if bounds else None


def _covers(limit: Limit, amount: Decimal | None, item_value: Decimal | None) -> bool:
    if not limit.allowed:
        return False
    if limit.action not in VALUED_ACTIONS:
        return True
    most = ceiling(limit, item_value)
    return most is None or amount <= most


def decide(
    limits: Iterable[Limit],
    *,
    action: str,
    amount: Decimal | None = None,
    item_value: Decimal | None = None,
    currency: str = "AUD",
) -> Decision:
    """Whether an actor holding ``limits`` may take ``action`` for ``amount`` on their own.

    A role with a limit for the action (even "not allowed") handles it: above its limit it asks
    for approval. A role with no limit for the action does not handle it at all (an analyst's
    refund): refused, and not theirs to ask for (``handles`` is False).
    """
    words = ACTION_WORDS.get(action, action)
    mine = [limit for limit in limits if limit.action == action]
    if not mine:
        return Decision(False, does_not_handle(action), handles=False)
    if action in VALUED_ACTIONS:
        if amount is None:
            return Decision(False, f"Say how much you want to {words}.")
        amount = Decimal(amount)
        if amount < 0:
            return Decision(False, "The amount cannot be negative.")
        if item_value is not None and Decimal(item_value) < 0:
            return Decision(False, "The item's value cannot be negative.")
    if not any(limit.allowed for limit in mine):
        return Decision(False, f"Your role may not {words}; it needs approval.")
    usable = [limit for limit in mine if limit.allowed]
    if action not in VALUED_ACTIONS:
        return Decision(True, f"Your role may {words}.", role=usable[0].role)

    other_currency = [limit for limit in usable if limit.currency != currency]
    usable = [limit for limit in usable if limit.currency == currency]
    if not usable:
        theirs = other_currency[0].currency
        return Decision(
            False, f"Your limits are set in {theirs}; an amount in {currency} needs approval."
        )
    needs_value = [limit for limit in usable if limit.percent_of_value is not None]
    if item_value is None and len(needs_value) == len(usable):
        return Decision(
            False,
            f"Your limit is a percentage of the item's value: give the item's value to {words}.",
        )
    candidates = [
        limit for limit in usable if item_value is not None or limit.percent_of_value is None
    ]
    best = max(candidates, key=lambda limit: _ceiling_for_sort(limit, item_value))
    most = ceiling(best, item_value)
    if most is None or amount <= most:
        if best.source:
            return Decision(True, f"Within your authority: {best.source}.", role=best.role)
        return Decision(
            True,
            f"Within your authority as {best.role_label.lower()} ({describe_limit(best)}).",
            ceiling=most,
            role=best.role,
        )
    money = format_money(amount, currency)
    detail = describe_limit(best)
    if best.percent_of_value is not None and item_value is not None:
        detail += f": for an item worth {format_money(item_value, currency)} that is " + (
            format_money(most, currency)
        )
    return Decision(
        False,
        f"{money} is above your authority as {best.role_label.lower()} ({detail}); "
        "it needs approval.",
        ceiling=most,
        role=best.role,
    )


def _ceiling_for_sort(limit: Limit, item_value: Decimal | None) -> Decimal:
    most = ceiling(limit, item_value)
    return Decimal("Infinity") if most is None else most


def granting_roles(
    all_limits: Iterable[Limit],
    *,
    action: str,
    amount: Decimal | None = None,
    item_value: Decimal | None = None,
    currency: str = "AUD",
) -> list[Limit]:
    """The roles whose own authority covers the request, most junior first."""
    if action in VALUED_ACTIONS and amount is None:
        return []
    result = []
    for limit in all_limits:
        if limit.action != action or (limit.currency != currency and action in VALUED_ACTIONS):
            continue
        if limit.percent_of_value is not None and item_value is None:
            continue
        if _covers(limit, None if amount is None else Decimal(amount), item_value):
            result.append(limit)
    return sorted(result, key=lambda limit: (limit.rank, limit.role))


# --- Leave --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """Who is away or stands in, as the leave rules need them."""

    name: str
    active: bool
    decides_approvals: bool
    rank: int


def absence_problem(
    *,
    starts_on: date,
    ends_on: date,
    person: Person,
    stand_in: Person | None,
    own_overlap: tuple[date, date] | None = None,
    stand_in_away: tuple[date, date] | None = None,
) -> tuple[str, str] | None:
    """Why this leave cannot be recorded, as (field, sentence); None when it can.

    The stand-in is present for the whole leave and may decide the approvals that would have
    waited for the person away (a role that decides approvals, at least as senior)."""
    if ends_on < starts_on:
        return "ends_on", "The leave must end on or after the day it starts."
    if own_overlap:
        return "starts_on", (
            f"{person.name} is already recorded as away from {_day(own_overlap[0])} to "
            f"{_day(own_overlap[1])}: change that leave instead."
        )
    if stand_in is None:
        return None
    if stand_in.name == person.name:
        return "stand_in", "Someone else must stand in for them."
    if not stand_in.active:
        return "stand_in", f"{stand_in.name} has left and cannot stand in."
    if stand_in_away:
        return "stand_in", (
            f"{stand_in.name} is away themselves from {_day(stand_in_away[0])} to "
            f"{_day(stand_in_away[1])}: choose someone who is here then."
        )
    if person.decides_approvals and not (
        stand_in.decides_approvals and stand_in.rank >= person.rank
    ):
        return "stand_in", (
            f"{stand_in.name} cannot decide the approvals that wait for {person.name}: choose "
            "someone whose role approves requests at the same level or above."
        )
    return None


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
