"""Realistic synthetic orders in volume, for benchmarks and a full-looking demo.

``make_orders(1_000_000)`` spreads orders over the past three years (or since the price list
began, if later) across the existing external customers (a few big buyers place most of them,
as Yore Mine Co. does) and the active products with a price, with one to three lines each,
priced from the list of the day. Each order keeps the promise the charter makes to its customer
(the delivery promise chosen as ``standards.selectors.promise_for`` chooses it, due by
``standards.rules.deadline`` on the organisation's business calendar, worked out once per
promise and day), and moves through its steps as orders do: most are delivered, some of them
after their promise; recent ones are still open; a share missed their promise and are still
open, so late now; a few were cancelled; some deliveries were wrong (a neighbouring variant,
6 mm for 7 mm, or a short quantity), and some goods came back as returns decided by the refunds
policy's rules (``rules.return_eligibility``). Each order has its story (``OrderEvent``) and
what arrived (``DeliveredLine``). The rare kinds (late, wrong, cancelled, returned) are dealt
out evenly rather than drawn, the first one first, so even a small run has some of each.

Rows are written with ``core.bulk.insert_rows`` (COPY on PostgreSQL), ``batch_size`` orders per
transaction in ``QUERIES_PER_BATCH`` queries at most, whatever the batch's size. References
continue after any existing ``SYN-`` ones. Every choice comes from one seeded
``random.Random``: a seed, a starting database and the same ``now`` give the same orders.
Nothing here is written to the audit trail.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from charter.accounts.models import RoleCode, User
from charter.catalog.models import Product, ProductPrice
from charter.core.bulk import insert_rows
from charter.core.errors import DomainError
from charter.core.selectors import business_calendar
from charter.customers.models import Customer, SegmentMembership
from charter.standards import rules as standards_rules
from charter.standards.models import ServicePromise
from charter.standards.selectors import current_version

from . import rules
from .models import (
    DeliveredLine,
    Order,
    OrderChannel,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Return,
    ReturnsPolicy,
)

CHUNK = 10_000
RECEIVED, CONFIRMED, DISPATCHED, DELIVERED, CANCELLED = (
    OrderStatus.RECEIVED.value, OrderStatus.CONFIRMED.value, OrderStatus.DISPATCHED.value,
    OrderStatus.DELIVERED.value, OrderStatus.CANCELLED.value,
)  # fmt: skip
REFERENCE_PREFIX = "SYN-"
RETURN_PREFIX = "SYNR-"
REFERENCE_DIGITS = 7
# Per batch: a savepoint and its release (or BEGIN/COMMIT), the orders, reading their keys
# back, lines, delivered lines, events, returns.
QUERIES_PER_BATCH = 8
YEARS = 3

ORDER_COLUMNS = (
    "reference", "customer", "kind", "channel", "placed_at", "placed_by", "customer_reference",
    "status", "promised_by", "promise", "expedite", "currency", "total", "confirmed_at",
    "carrier", "carrier_is_outsourced", "tracking_reference", "dispatched_at", "delivered_at",
    "wrong_delivery", "delivery_difference", "cancelled_at", "cancellation_reason",
    "cancellation_fee",
)  # fmt: skip
LINE_COLUMNS = ("order", "product", "quantity", "unit_price")
DELIVERED_COLUMNS = ("order", "product", "quantity")
EVENT_COLUMNS = ("order", "kind", "status", "channel", "text", "at", "by")
RETURN_COLUMNS = (
    "reference", "customer", "order", "product", "quantity", "item_value", "currency", "reason",
    "failure", "condition", "proof_of_purchase", "purchased_on", "received_at", "received_by",
    "description", "eligible_remedies", "chosen_by", "eligibility_reason", "status", "outcome",
    "refund_amount", "refund_method", "decided_by", "completed_at", "credit_note_number",
    "ledger_account", "payment_reference", "accounting_note",
)  # fmt: skip

ORGANISATION_CHANNELS = {
    OrderChannel.EMAIL: 30,
    OrderChannel.TELEPHONE: 25,
    OrderChannel.WEB: 18,
    OrderChannel.EDI: 15,
    OrderChannel.ACCOUNT_MANAGER: 12,
}
PERSON_CHANNELS = {
    OrderChannel.WEB: 55,
    OrderChannel.TELEPHONE: 30,
    OrderChannel.EMAIL: 10,
    OrderChannel.FACE_TO_FACE: 5,
}
UNATTENDED = (OrderChannel.WEB, OrderChannel.EDI)  # nobody on our side takes these
OWN_FLEET = "Innovative Widgets fleet"
DISTRIBUTORS = (
    "Coastline Freight (distribution partner)",
    "Red Earth Transport (distribution partner)",
    "Southern Cross Couriers (distribution partner)",
)
LINE_COUNT_WEIGHTS = (60, 90, 100)  # cumulative: 1 line 60%, 2 lines 30%, 3 lines 10%
CANCEL_SHARE = 0.02
WRONG_SHARE = 0.012  # of deliveries
RETURN_SHARE = 0.015  # of deliveries, besides wrongly delivered goods sent back
LATE_DELIVERY = {False: 0.05, True: 0.12}  # delivered after the promise: own fleet, outsourced
STUCK_RECENT = 0.06  # open past the promise, when the promise passed within RECENT
STUCK_OLD = 0.0015  # ... and long ago (forgotten orders)
RECENT = timedelta(days=30)
CANCEL_REASONS = (
    "Customer found stock elsewhere.",
    "Ordered twice by mistake.",
    "Project postponed.",
    "Wrong size ordered; reordering.",
)
RETURN_REASONS = {  # reason: (weight, failure, condition)
    "faulty": (40, None, "used"),
    "change_of_mind": (35, "none", None),
    "not_as_described": (10, "minor", "opened"),
    "unfit": (5, "major", "used"),
    "unsafe": (3, "major", "used"),
}
FAULTS = (
    "Cracked under load within a week of fitting.",
    "Plating flaking on arrival.",
    "Thread out of tolerance: nuts will not start.",
    "Bracket weld failed.",
    "Widgets out of round: will not seat.",
)
CHANGE_OF_MIND = (
    "Ordered too many.",
    "Project cancelled; goods unopened.",
    "Bought the wrong size.",
)
CONDITIONS = ("as_new", "as_new", "opened", "used")
REFUND_METHODS = ("account_credit", "bank_transfer", "card")
MONEY = ("full_refund", "credit")


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class _Maker:
    """What every batch draws from: customers with their promises, products with their price
    history, staff, the calendar; and the seeded ``random.Random``."""

    def __init__(self, rng: random.Random, *, now: datetime, years: int):
        self.rng = rng
        self.now = now
        self.calendar = business_calendar()
        self.zone = self.calendar.zone
        self.today = now.astimezone(self.zone).date()
        self.first_day = self.today - timedelta(days=round(365.25 * years))
        self.sqlite = connection.vendor == "sqlite"
        self._customers()
        self._products()
        # Orders start when the price list does: nothing could be priced before.
        self.first_day = max(self.first_day, min(self.price_days[p.pk][0] for p in self.products))
        self._policy()
        self.staff = _staff(
            RoleCode.CUSTOMER_SERVICE_OFFICER, RoleCode.SUPERVISOR, RoleCode.ACCOUNT_MANAGER
        )
        self.returns_staff = (
            _staff(RoleCode.RETURNS_WARRANTY_OFFICER, RoleCode.SUPERVISOR) or self.staff
        )
        self.channels = {
            True: (list(ORGANISATION_CHANNELS), list(accumulate(ORGANISATION_CHANNELS.values()))),
            False: (list(PERSON_CHANNELS), list(accumulate(PERSON_CHANNELS.values()))),
        }
        self._due: dict[tuple[int, date], datetime] = {}
        self._debt: dict[str, float] = {}
        self._received_text: dict[tuple[str, datetime, int], str] = {}

    # --- What exists ----------------------------------------------------------------------
    def _customers(self) -> None:
        version = current_version()
        if version is None:
            raise DomainError("There is no approved charter, so no delivery can be promised.")
        promises = list(ServicePromise.objects.filter(version=version, event="delivery"))
        rows = list(
            Customer.objects.filter(is_active=True, customer_type__internal=False)
            .order_by("pk")
            .values_list("pk", "customer_type_id", "kind")
        )
        if not rows:
            raise DomainError("Make some customers first: orders need someone to order.")
        segments: dict[int, set[int]] = {}
        if any(p.segment_id for p in promises):
            for customer_id, segment_id in SegmentMembership.objects.filter(
                left_at__isnull=True
            ).values_list("customer_id", "segment_id"):
                segments.setdefault(customer_id, set()).add(segment_id)
        chosen: dict[tuple, ServicePromise | None] = {}
        self.customers = []  # (pk, is an organisation, promise)
        weights = []
        for pk, type_id, kind in rows:
            held = segments.get(pk, set())
            key = (type_id, frozenset(held))
            if key not in chosen:
                chosen[key] = standards_rules.most_specific(
                    promises, customer_type_id=type_id, segment_ids=held
                )
            promise = chosen[key]
            if promise is None:
                continue  # the charter promises this customer no delivery: no orders
            organisation = kind == "organisation"
            self.customers.append((pk, organisation, promise))
            # A few big buyers place most orders: a heavy tail, organisations more than people.
            weight = min(self.rng.paretovariate(1.2), 2_000.0)
            weights.append(weight * (4 if organisation else 1))
        if not self.customers:
            raise DomainError("The charter promises none of these customers a delivery.")
        self.customer_weights = list(accumulate(weights))

    def _products(self) -> None:
        history: dict[int, list[tuple[date, Decimal]]] = {}
        for product_id, day, price in ProductPrice.objects.order_by(
            "product_id", "effective_from"
        ).values_list("product_id", "effective_from", "price"):
            history.setdefault(product_id, []).append((day, price))
        products = [
            p for p in Product.objects.filter(is_active=True).order_by("pk") if p.pk in history
        ]
        if not products:
            raise DomainError("Give some active products a price first: orders need them.")
        self.products = products
        self.price_days = {pk: [day for day, _ in rows] for pk, rows in history.items()}
        self.prices = {pk: [price for _, price in rows] for pk, rows in history.items()}
        self.names = {p.pk: p.name for p in products}
        # (pk, sold by the unit) of each, and cumulative weights for ``choices``.
        self.product_rows = [(p.pk, p.unit == "each") for p in products]
        kits = [p for p in products if p.unit != "each"]
        self.siblings = {
            p.pk: [q.pk for q in products if q.family == p.family and q.pk != p.pk and p.family]
            for p in products
        }
        # Organisations buy widgets by the carton; people mostly buy kits.
        self.product_weights = {
            True: list(accumulate(1 if p.unit != "each" else 4 for p in products)),
            False: list(accumulate(6 if p in kits else 1 for p in products)),
        }

    def _policy(self) -> None:
        policy = ReturnsPolicy.objects.order_by("pk").first()
        self.change_of_mind_months = policy.change_of_mind_months if policy else 2
        self.change_of_mind_remedies = (
            list(policy.change_of_mind_remedies) if policy else ["exchange", "credit"]
        )

    def dealt(self, kind: str, share: float) -> bool:
        """Whether this one, of those that may be of ``kind``, is: rare kinds are dealt out
        evenly (error diffusion) rather than drawn, the first one first, so a run of any size
        has its share of them, at least one, whatever the seed and the day."""
        debt = self._debt.get(kind, 1.0 - share) + share
        taken = debt >= 1.0
        self._debt[kind] = debt - 1.0 if taken else debt
        return taken

    # --- Figures --------------------------------------------------------------------------
    def due(self, promise: ServicePromise, placed: datetime, day: date) -> datetime:
        """The promise's deadline: by day for promises counted in business days (the same
        for every moment of a day), else worked out for the moment."""
        if promise.unit != "business_days":
            return standards_rules.deadline(
                self.calendar, unit=promise.unit, target=promise.target, moment=placed
            ).astimezone(UTC)
        key = (promise.pk, day)
        found = self._due.get(key)
        if found is None:
            found = standards_rules.deadline(
                self.calendar, unit=promise.unit, target=promise.target, moment=placed
            ).astimezone(UTC)
            self._due[key] = found
        return found

    def price(self, product_id: int, day: date) -> Decimal | None:
        days = self.price_days[product_id]
        at = bisect.bisect_right(days, day) - 1
        return self.prices[product_id][at] if at >= 0 else None

    def time(self, moment: datetime | None):
        """A UTC moment as the database takes it (SQLite: naive UTC text)."""
        if moment is None or not self.sqlite:
            return moment
        return moment.replace(tzinfo=None).isoformat(" ")

    def placed_text(self, channel: str, due: datetime, promise: ServicePromise) -> str:
        key = (channel, due, promise.pk)
        text = self._received_text.get(key)
        if text is None:
            text = (
                f"Placed by {channel.replace('_', ' ')}; delivery promised by "
                f"{due.astimezone(self.zone):%A %d %B %Y, %H:%M} ({promise.wording})"
            )
            self._received_text[key] = text
        return text

    # --- One order ------------------------------------------------------------------------
    def placed_at(self) -> tuple[datetime, date]:
        rng = self.rng
        span = (self.today - self.first_day).days
        # Business grows: more orders lately (density rising about 2.5 times over the span).
        day = self.first_day + timedelta(days=min(span, int(span * rng.random() ** 0.75)))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)  # most weekend orders were Friday's
        minutes = int(rng.triangular(7 * 60, 19 * 60, 10 * 60))
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        placed = local.astimezone(UTC)
        if placed > self.now:
            placed = self.now - timedelta(minutes=rng.randint(1, 600))
            day = placed.astimezone(self.zone).date()
        return placed, day

    def lines(self, organisation: bool, day: date) -> list[tuple[int, int, Decimal]]:
        rng = self.rng
        count = rng.choices((1, 2, 3), cum_weights=LINE_COUNT_WEIGHTS)[0]
        weights = self.product_weights[organisation]
        picked: list[tuple[int, bool]] = []
        while len(picked) < min(count, len(self.product_rows)):
            product = rng.choices(self.product_rows, cum_weights=weights)[0]
            if product not in picked:
                picked.append(product)
        lines = []
        for product_id, each in picked:
            price = self.price(product_id, day)
            if price is None:
                continue
            if not each:
                quantity = rng.choice((1, 1, 2, 4, 10, 20, 40) if organisation else (1, 1, 2, 3))
            elif organisation:
                quantity = 500 * rng.choice((1, 1, 2, 2, 3, 4, 6, 10))
            else:
                quantity = 50 * rng.randint(1, 6)
            lines.append((product_id, quantity, price))
        return lines


def _staff(*roles: str) -> list[int]:
    """Active staff with one of these roles."""
    found = User.objects.filter(is_active=True, groups__role__code__in=roles)
    return sorted(found.values_list("pk", flat=True).distinct())


def _last_number(model, prefix: str) -> int:
    """The number of the last reference with ``prefix``: an index range, as they are padded."""
    last = model.objects.filter(reference__gte=f"{prefix}0", reference__lt=f"{prefix}:").aggregate(
        last=Max("reference")
    )["last"]
    if last and re.fullmatch(rf"{re.escape(prefix)}[0-9]{{{REFERENCE_DIGITS}}}", last):
        return int(last.removeprefix(prefix))
    return 0


def make_orders(
    n: int,
    *,
    seed: int = 1,
    batch_size: int = CHUNK,
    now: datetime | None = None,
    years: int = YEARS,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Create ``n`` synthetic orders (references SYN-0000001... after any existing ones) with
    their lines, deliveries, stories and returns. Returns how many were made;
    ``progress(done, total)`` is called after each batch of ``batch_size``."""
    if n <= 0:
        return 0
    now = now or timezone.now()
    start = _last_number(Order, REFERENCE_PREFIX)
    returns_start = _last_number(Return, RETURN_PREFIX)
    rng = random.Random(seed if start == 0 else f"{seed}:{start}")
    maker = _Maker(rng, now=now, years=years)
    state = {"returns": returns_start}
    made = 0
    while made < n:
        size = min(batch_size, n - made)
        _make_batch(maker, first=start + made + 1, size=size, state=state)
        made += size
        if progress is not None:
            progress(made, n)
    return made


@transaction.atomic
def _make_batch(maker: _Maker, *, first: int, size: int, state: dict) -> None:
    rng, t = maker.rng, maker.time
    orders, plans = [], []
    for number in range(first, first + size):
        customer_id, organisation, promise = rng.choices(
            maker.customers, cum_weights=maker.customer_weights
        )[0]
        lines = []
        while not lines:  # a day before every chosen product had a price: choose again
            placed, day = maker.placed_at()
            lines = maker.lines(organisation, day)
        due = maker.due(promise, placed, day)
        channels, weights = maker.channels[organisation]
        channel = rng.choices(channels, cum_weights=weights)[0]
        by = None if channel in UNATTENDED or not maker.staff else rng.choice(maker.staff)
        reference = f"{REFERENCE_PREFIX}{number:0{REFERENCE_DIGITS}d}"
        plan = _plan(maker, placed=placed, due=due, lines=lines)
        status = plan["status"]
        tracking = f"TRK{number:09d}" if plan["dispatched"] else ""
        total = sum((q * p for _, q, p in lines), Decimal("0.00"))
        orders.append(
            (
                reference, customer_id, "order", channel, t(placed), by,
                f"PO-{rng.randint(1000, 99999)}" if organisation and rng.random() < 0.7 else "",
                status, t(due), promise.pk, rng.random() < 0.03, "AUD", total,
                t(plan["confirmed"]), plan["carrier"], plan["outsourced"],
                tracking, t(plan["dispatched"]), t(plan["delivered"]), bool(plan["difference"]),
                plan["difference"], t(plan["cancelled"]), plan["cancel_reason"],
                Decimal("0.00") if plan["cancelled"] else None,
            )
        )  # fmt: skip
        plan["tracking"] = tracking
        plans.append((reference, customer_id, channel, by, placed, due, promise, lines, plan))

    insert_rows(Order, ORDER_COLUMNS, orders)
    ids = dict(
        Order.objects.filter(reference__gte=plans[0][0], reference__lte=plans[-1][0]).values_list(
            "reference", "pk"
        )
    )
    order_lines, delivered_lines, events, returns = [], [], [], []
    status_event = OrderEvent.Kind.STATUS.value
    for reference, customer_id, channel, by, placed, due, promise, lines, plan in plans:
        pk = ids[reference]
        order_lines += [(pk, product, quantity, price) for product, quantity, price in lines]
        events.append((pk, status_event, "received", "", maker.placed_text(channel, due, promise),
                       t(placed), by))  # fmt: skip
        if plan["confirmed"]:
            events.append((pk, status_event, "confirmed", "", "", t(plan["confirmed"]), by))
        if plan["dispatched"]:
            events.append((pk, status_event, "dispatched", "",
                           f"With {plan['carrier']}, tracking {plan['tracking']}",
                           t(plan["dispatched"]), by))  # fmt: skip
        if plan["delivered"]:
            arrived = plan["arrived"]
            delivered_lines += [(pk, product, quantity) for product, quantity in arrived]
            text = "Delivered late" if plan["delivered"] > due else "Delivered on time"
            if plan["difference"]:
                text += ", but not what was ordered: " + plan["difference"]
            events.append((pk, status_event, "delivered", "", text, t(plan["delivered"]), None))
            item = _return(maker, pk, customer_id, lines, plan, state)
            if item:
                returns.append(item)
        if plan["cancelled"]:
            events.append((pk, status_event, "cancelled", "",
                           f"{plan['cancel_reason']} (cancellation fee 0.00 AUD)",
                           t(plan["cancelled"]), by))  # fmt: skip
    insert_rows(OrderLine, LINE_COLUMNS, order_lines)
    insert_rows(DeliveredLine, DELIVERED_COLUMNS, delivered_lines)
    insert_rows(OrderEvent, EVENT_COLUMNS, events)
    insert_rows(Return, RETURN_COLUMNS, returns)


def _plan(maker: _Maker, *, placed: datetime, due: datetime, lines: list) -> dict:
    """The order's steps, each when it happened; the status is the last step before now."""
    rng, now = maker.rng, maker.now
    plan = {
        "status": RECEIVED, "confirmed": None, "dispatched": None,
        "delivered": None, "cancelled": None, "cancel_reason": "", "carrier": "",
        "outsourced": False, "difference": "", "arrived": [],
    }  # fmt: skip
    if maker.dealt("cancelled", CANCEL_SHARE):
        cancelled = placed + timedelta(minutes=rng.randint(20, 36 * 60))
        if cancelled <= now:
            plan.update(status=CANCELLED, cancelled=cancelled,
                        cancel_reason=rng.choice(CANCEL_REASONS))  # fmt: skip
            return plan
    # An order that missed its promise and is still open: it stopped at one of its steps.
    overdue = now - due
    stuck = overdue > timedelta(0) and (
        maker.dealt("stuck recent", STUCK_RECENT)
        if overdue < RECENT
        else maker.dealt("stuck", STUCK_OLD)
    )
    stop = rng.choice(("received", "confirmed", "dispatched", "dispatched")) if stuck else None
    if stop == "received":
        return plan
    confirmed = placed + timedelta(minutes=rng.randint(10, 240))
    if confirmed > now:
        return plan
    plan.update(status=CONFIRMED, confirmed=confirmed)
    if stop == "confirmed":
        return plan
    outsourced = rng.random() < 0.45
    carrier = rng.choice(DISTRIBUTORS) if outsourced else OWN_FLEET
    dispatched = confirmed + timedelta(minutes=rng.randint(60, 30 * 60))
    if dispatched > now:
        return plan
    plan.update(status=DISPATCHED, dispatched=dispatched, carrier=carrier,
                outsourced=outsourced)  # fmt: skip
    if stop == "dispatched":
        return plan
    if rng.random() < LATE_DELIVERY[outsourced]:
        delivered = max(due, dispatched) + timedelta(minutes=rng.randint(60, 5 * 24 * 60))
    else:
        room = max(due - dispatched, timedelta(hours=2))
        delivered = dispatched + room * rng.uniform(0.15, 0.95)
    if delivered > now:
        return plan
    arrived = [(product, quantity) for product, quantity, _ in lines]
    if maker.dealt("wrong", WRONG_SHARE):
        arrived = _wrong(maker, arrived)
        plan["difference"] = "; ".join(
            rules.delivery_differences(
                [(maker.names[p], q) for p, q, _ in lines],
                [(maker.names[p], q) for p, q in arrived],
            )
        )
    plan.update(status=DELIVERED, delivered=delivered, arrived=arrived)
    return plan


def _wrong(maker: _Maker, arrived: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What arrived instead: a neighbouring variant of one line (6 mm for 7 mm), or short."""
    rng = maker.rng
    at = rng.randrange(len(arrived))
    product, quantity = arrived[at]
    siblings = maker.siblings.get(product) or []
    wrong = list(arrived)
    if siblings and rng.random() < 0.7:
        wrong[at] = (rng.choice(siblings), quantity)
    elif quantity > 1:
        wrong[at] = (product, max(1, int(quantity * rng.uniform(0.4, 0.9))))
    else:
        wrong.pop(at)
        if not wrong:
            wrong = [(rng.choice(siblings), quantity)] if siblings else [(product, quantity + 1)]
    return wrong


def _return(maker: _Maker, order_id, customer_id, lines, plan, state) -> tuple | None:
    """Goods sent back from a delivered order, decided as ``return_eligibility`` decides."""
    rng, now = maker.rng, maker.now
    wrong = bool(plan["difference"])
    if not (maker.dealt("wrong returned", 0.4) if wrong else maker.dealt("returned", RETURN_SHARE)):
        return None
    delivered = plan["delivered"]
    received = delivered + timedelta(hours=rng.uniform(4, 24 * (10 if wrong else 100)))
    if received > now:
        return None
    product, quantity, price = rng.choice(lines)
    if wrong:
        reason, failure, condition = "wrong_item", "major", "as_new"
        product, quantity = plan["arrived"][0]
        price = next((p for pid, _, p in lines if pid == product), lines[0][2])
    else:
        reason = rng.choices(list(RETURN_REASONS), [w for w, _, _ in RETURN_REASONS.values()])[0]
        _, failure, condition = RETURN_REASONS[reason]
        failure = failure or rng.choice(("minor", "minor", "major"))
        condition = condition or rng.choice(CONDITIONS)
        quantity = max(1, min(quantity, int(quantity * rng.uniform(0.05, 1))))
    purchased = delivered.astimezone(maker.zone).date()
    proof = "order" if rng.random() < 0.97 else "none"
    eligibility = rules.return_eligibility(
        reason=reason, failure=failure, condition=condition, proof_of_purchase=proof,
        purchased_on=purchased, today=received.astimezone(maker.zone).date(),
        change_of_mind_months=maker.change_of_mind_months,
        change_of_mind_remedies=maker.change_of_mind_remedies,
    )  # fmt: skip
    value = _money(price * quantity)
    state["returns"] += 1
    reference = f"{RETURN_PREFIX}{state['returns']:0{REFERENCE_DIGITS}d}"
    officer = rng.choice(maker.returns_staff) if maker.returns_staff else None
    completed = received + timedelta(hours=rng.uniform(1, 120))
    outcome, refund, method, decided_by, status = "", None, "", None, "received"
    if completed <= now:
        outcome = rng.choice(eligibility.remedies) if eligibility.remedies else "declined"
        status = "declined" if outcome == "declined" else "completed"
        decided_by = officer
        if outcome in MONEY:
            refund, method = value, rng.choice(REFUND_METHODS)
    else:
        completed = None
    description = (
        rng.choice(CHANGE_OF_MIND)
        if reason == "change_of_mind"
        else ("Not what was ordered." if wrong else rng.choice(FAULTS))
    )
    t = maker.time
    return (
        reference, customer_id, order_id, product, quantity, value, "AUD", reason,
        "major" if reason in ("unsafe", "wrong_item") else failure, condition, proof,
        connection.ops.adapt_datefield_value(purchased), t(received), officer, description,
        connection.ops.adapt_json_value(list(eligibility.remedies), None),
        eligibility.chosen_by, eligibility.reason, status, outcome, refund, method, decided_by,
        t(completed), f"CN-{state['returns']:07d}" if refund else "",
        "4-1100 Sales returns" if refund else "", "", "",
    )  # fmt: skip
