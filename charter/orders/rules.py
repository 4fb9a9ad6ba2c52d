"""Pure rules of orders, returns and warranty: no database, tested on their own.

The returns rules follow the Australian Consumer Law's consumer guarantees, which a store's
policy can add to but never take away: a major failure lets the customer choose a refund or a
replacement; a minor one lets the business choose to repair, replace or refund; a change of
mind earns only what the policy offers.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from charter.core.calendar import BusinessCalendar

OPEN = ("received", "confirmed", "dispatched")


def is_late(*, status: str, promised_by: datetime, now: datetime) -> bool:
    """Late: the promised moment has passed and the order is neither delivered nor cancelled.
    Exactly at the promised moment it is still on time."""
    return status in OPEN and now > promised_by


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overdue_words(promised_by: datetime, now: datetime, calendar: BusinessCalendar) -> str:
    """How late an order is, as a customer service officer says it: "2 business days late"
    once business days have passed since the promised day; on the promised day itself, the
    hours; over a weekend or holiday, since when. Empty when not late."""
    promised, current = calendar.local(promised_by), calendar.local(now)
    if current <= promised:
        return ""
    days = calendar.business_days_between(promised.date(), current.date())
    if days:
        return _plural(days, "business day") + " late"
    if promised.date() == current.date():
        hours = int((current - promised).total_seconds() // 3600)
        return _plural(hours, "hour") + " late" if hours else "less than an hour late"
    return f"late since {promised:%A} (no business day has passed)"


def delivery_differences(
    ordered: Iterable[tuple[str, int]], delivered: Iterable[tuple[str, int]]
) -> list[str]:
    """What differs between what was ordered and what arrived, per product, in words.
    Empty when the delivery is right. Each pair is (product name, quantity)."""
    want, got = Counter(), Counter()
    for name, quantity in ordered:
        want[name] += quantity
    for name, quantity in delivered:
        got[name] += quantity
    differences = []
    for name in sorted(set(want) | set(got)):
        if want[name] == got[name]:
            continue
        if not want[name]:
            differences.append(f"{got[name]} x {name} arrived but were not ordered")
        elif not got[name]:
            differences.append(f"{want[name]} x {name} ordered but none arrived")
        else:
            differences.append(f"{name}: {want[name]} ordered, {got[name]} arrived")
    return differences


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cancellation_fee(
    *, status: str, total: Decimal, percent: Decimal, cap: Decimal | None
) -> Decimal:
    """What the policy lets us charge to cancel: nothing before dispatch; after, a share of
    the total, at most the cap. A delivered or cancelled order cannot be cancelled."""
    if status in ("delivered", "cancelled"):
        raise ValueError(f"An order that is {status} cannot be cancelled.")
    if status != "dispatched" or not percent:
        return Decimal("0.00")
    fee = (total * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(fee, cap) if cap is not None else fee


# --- Returns --------------------------------------------------------------------------------

FAULT_REASONS = ("faulty", "not_as_described", "unfit", "unsafe", "wrong_item")


@dataclass(frozen=True)
class Eligibility:
    remedies: tuple[str, ...]  # what may be given, e.g. ("full_refund", "replacement")
    chosen_by: str  # "customer", "business" or "" when nothing is due
    reason: str

    @property
    def eligible(self) -> bool:
        return bool(self.remedies)


def return_eligibility(
    *,
    reason: str,
    failure: str,
    condition: str,
    proof_of_purchase: str,
    purchased_on: date | None,
    today: date,
    change_of_mind_months: int,
    change_of_mind_remedies: Iterable[str],
) -> Eligibility:
    """What the refunds policy allows for this return, and why, in words an officer can read
    to the customer."""
    if proof_of_purchase == "none":
        return Eligibility(
            (),
            "",
            "Ask for proof of purchase first: a receipt, tax invoice, our order record or a "
            "bank or card statement. Without it we cannot tell where and when it was bought.",
        )
    if reason in FAULT_REASONS:
        if reason == "unsafe" or reason == "wrong_item":
            failure = "major"
        if failure == "major":
            why = {
                "unsafe": "Unsafe goods are a major failure",
                "wrong_item": "We delivered something other than what was ordered",
            }.get(reason, "This is a major failure")
            return Eligibility(
                ("full_refund", "replacement"),
                "customer",
                f"{why}: under the consumer guarantees the customer chooses a refund or a "
                "replacement. The time since purchase and our own policy window do not limit "
                "this.",
            )
        if failure == "minor":
            return Eligibility(
                ("repair", "replacement", "full_refund"),
                "business",
                "A minor failure: under the consumer guarantees we choose to repair, replace or "
                "refund, and must do it within a reasonable time. If we do not, the customer "
                "may have it fixed elsewhere at our cost.",
            )
        return Eligibility(
            (),
            "",
            "Assess the fault first: is it a major failure (unsafe, significantly unlike its "
            "description, unfit and not easily fixed) or a minor one?",
        )
    # Change of mind: no right in law; only what the policy offers.
    offered = tuple(change_of_mind_remedies)
    if not offered:
        return Eligibility(
            (), "", "Our policy offers no remedy for a change of mind, and the law requires none."
        )
    if purchased_on is None:
        return Eligibility(
            (), "", "Record the purchase date: change of mind returns have a time limit."
        )
    last_day = add_months(purchased_on, change_of_mind_months)
    if today > last_day:
        return Eligibility(
            (),
            "",
            f"Bought on {purchased_on:%d %B %Y}: a change of mind must be returned within "
            f"{change_of_mind_months} months, by {last_day:%d %B %Y}.",
        )
    if condition in ("used", "damaged"):
        return Eligibility(
            (),
            "",
            "The goods have obviously been used or damaged, so our change of mind policy does "
            "not apply.",
        )
    return Eligibility(
        offered,
        "customer",
        f"A change of mind within {change_of_mind_months} months, goods unused: our policy "
        "offers this, though the law does not require it.",
    )


# --- Warranty -------------------------------------------------------------------------------


def warranty_expiry(purchased_on: date, months: int) -> date:
    """The last day covered: a 12-month warranty bought on 15 March 2026 covers up to and
    including 14 March 2027."""
    return add_months(purchased_on, months) - timedelta(days=1)


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str


def warranty_coverage(
    *, purchased_on: date, expires_on: date, fault_on: date, terms: str = ""
) -> Coverage:
    """Is a fault that appeared on ``fault_on`` covered by the warranty, and by what."""
    if fault_on < purchased_on:
        return Coverage(False, "The fault is dated before the purchase: check the dates.")
    if fault_on > expires_on:
        return Coverage(
            False,
            f"The warranty ended on {expires_on:%d %B %Y}. The consumer guarantees may still "
            "apply if the product failed sooner than a reasonable customer would expect.",
        )
    days_left = (expires_on - fault_on).days
    covered_by = f" ({terms.splitlines()[0]})" if terms.strip() else ""
    return Coverage(
        True,
        f"Covered by the manufacturer's warranty{covered_by}, which runs to "
        f"{expires_on:%d %B %Y} ({days_left} day{'s' if days_left != 1 else ''} after the "
        "fault).",
    )


# --- Quality --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualitySignal:
    product_id: int
    returned: int
    sold: int
    rate: Decimal  # returns per 100 sold in the period
    previous_rate: Decimal | None
    trend: str  # "rising", "falling", "steady" or "new"
    flagged: bool


def _rate(returned: int, sold: int) -> Decimal | None:
    if not sold:
        return None
    return (Decimal(returned) * 100 / sold).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def quality_signal(
    *,
    product_id: int,
    returned: int,
    sold: int,
    previous_returned: int,
    previous_sold: int,
    threshold_percent: Decimal,
    minimum_returns: int = 3,
) -> QualitySignal:
    """A product is flagged when its returns (and fault reports) in the period exceed the
    threshold share of units sold, with at least ``minimum_returns`` so that one return of a
    rarely sold product does not raise the alarm. With nothing sold, any returns over the
    minimum flag it."""
    rate = _rate(returned, sold)
    previous = _rate(previous_returned, previous_sold)
    rate_value = (Decimal("100.00") if returned else Decimal("0.00")) if rate is None else rate
    if previous is None:
        trend = "new"
    elif rate_value > previous + Decimal("0.5"):
        trend = "rising"
    elif rate_value < previous - Decimal("0.5"):
        trend = "falling"
    else:
        trend = "steady"
    flagged = returned >= minimum_returns and rate_value > threshold_percent
    return QualitySignal(product_id, returned, sold, rate_value, previous, trend, flagged)
