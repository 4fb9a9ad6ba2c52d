"""Authority: may this actor take this action of this value without approval? Pure functions.

A limit bounds an action by a percentage of the item's value, a money cap, both (the lower
wins) or neither. An actor with several roles has the most generous of their limits. Every
refusal says why, in words the officer can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from charter.core.money import format_money

VALUED_ACTIONS = frozenset({"refund", "replace", "compensate"})
ACTION_WORDS = {
    "refund": "refund",
    "replace": "replace a product",
    "compensate": "give compensation",
    "close_complaint": "close a complaint",
    "refer_outside": "refer a complaint to an outside body",
}
# What a role that has no limit at all for an action does not handle (it cannot ask either).
ACTION_NOUNS = {
    "refund": "refunds",
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

    @property
    def action_label(self) -> str:
        """The action in words ("Closing complaints"), never its code."""
        return ACTION_NOUNS.get(self.action, self.action.replace("_", " ")).capitalize()


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
