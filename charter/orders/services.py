"""Every write about orders, deliveries, returns and warranties.

Each order change goes through one function that checks the step is allowed, writes the
order's story (``OrderEvent``) and keeps the delivery promise the charter made. Refunds and
replacements go through the authority limits (``accounts.services.authority_require``): above
the actor's limit they wait for approval, and ``approval_decided`` completes them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalRequest, ApprovalStatus, AuthorityAction
from charter.catalog.selectors import price_on
from charter.core.errors import Conflict, DomainError
from charter.core.guards import require
from charter.standards.selectors import NoPromise, deadline_for

from . import rules
from .models import (
    DeliveredLine,
    Order,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
    Return,
    ReturnOutcome,
    ReturnsPolicy,
    ReturnStatus,
    Warranty,
    WarrantyClaim,
)

ZERO = Decimal("0.00")
MAX_QUANTITY = 10_000_000
MAX_UNIT_PRICE = Decimal("1e10")  # OrderLine.unit_price holds 10 digits before the point
MAX_TOTAL = Decimal("1e12")  # Order.total holds 12 digits before the point


def returns_policy() -> ReturnsPolicy:
    """The refunds policy's figures (created with the policy's defaults the first time)."""
    policy = ReturnsPolicy.objects.order_by("pk").first()
    return policy or ReturnsPolicy.objects.create(change_of_mind_remedies=["exchange", "credit"])


def _event(order, *, kind=OrderEvent.Kind.STATUS, by=None, at=None, **fields) -> OrderEvent:
    return OrderEvent.objects.create(order=order, kind=kind, by=by, at=at or timezone.now(),
                                     **fields)  # fmt: skip


# --- Orders ---------------------------------------------------------------------------------


@transaction.atomic
def order_place(
    *,
    actor,
    customer,
    lines: list[tuple],
    channel: str,
    placed_at: datetime | None = None,
    customer_reference: str = "",
    kind: str = OrderKind.ORDER,
    original: Order | None = None,
    expedite: bool = False,
) -> Order:
    """Record an order. ``lines`` are (product, quantity) or (product, quantity, unit price);
    without a price the list price of the day is used. The promised delivery is the charter's
    delivery promise for this customer, counted from the moment it was placed."""
    require(actor, "orders.add_order", "take orders")
    placed_at = placed_at or timezone.now()
    if not lines:
        raise DomainError("An order needs at least one line.", field="lines")
    try:
        deadline = deadline_for(customer, "delivery", placed_at)
    except NoPromise as error:
        raise DomainError(f"No delivery date can be promised: {error.message}") from error
    priced = []
    for line in lines:
        product, quantity = line[0], line[1]
        unit_price = line[2] if len(line) > 2 else None
        if not quantity or quantity < 1:
            raise DomainError(f"Order at least one of {product}.", field="lines")
        if unit_price is None:
            listed = price_on(product, timezone.localtime(placed_at).date())
            if listed is None:
                raise DomainError(f"{product} has no price on the list yet.", field="lines")
            unit_price = listed.price
        if not (ZERO <= Decimal(unit_price) < MAX_UNIT_PRICE):
            raise DomainError(f"The price of {product} is not a possible price.", field="lines")
        if quantity > MAX_QUANTITY:
            raise DomainError(
                f"{quantity:,} of {product} is more than one order can hold "
                f"(at most {MAX_QUANTITY:,}); split it.",
                field="lines",
            )
        priced.append((product, int(quantity), Decimal(unit_price)))
    total = sum((q * p for _product, q, p in priced), ZERO)
    if total >= MAX_TOTAL:
        raise DomainError(
            "The order's total is too large to record; split it into smaller orders.",
            field="lines",
        )
    order = Order.objects.create(
        reference=f"new-{uuid4().hex[:20]}",  # replaced by ORD-<id> below
        customer=customer,
        kind=kind,
        original=original,
        channel=channel,
        placed_at=placed_at,
        placed_by=actor,
        customer_reference=customer_reference.strip(),
        promised_by=deadline.due,
        promise=deadline.promise,
        expedite=expedite,
        total=total,
    )
    # The reference is the row's number, known only after the insert; set without a second
    # audited save, so the history does not show the placeholder.
    order.reference = f"ORD-{order.pk:07d}"
    Order.objects.filter(pk=order.pk).update(reference=order.reference)
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=product, quantity=q, unit_price=p)
        for product, q, p in priced
    )
    text = f"Placed by {channel.replace('_', ' ')}; delivery promised by "
    text += f"{timezone.localtime(deadline.due):%A %d %B %Y, %H:%M} ({deadline.promise.wording})"
    if original:
        text += f"; {kind} of {original.reference}"
    _event(order, status=OrderStatus.RECEIVED, text=text, by=actor, at=placed_at)
    return order


# Allowed moves of an order; anything else is refused with a reason.
NEXT = {
    OrderStatus.RECEIVED: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.DISPATCHED, OrderStatus.DELIVERED, OrderStatus.CANCELLED},
    OrderStatus.DISPATCHED: {OrderStatus.DELIVERED, OrderStatus.CANCELLED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}


def _move(order: Order, to: str) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if to not in NEXT[order.status]:
        now = order.get_status_display().lower()
        raise Conflict(
            f"Order {order.reference} is {now}; it cannot be marked "
            f"{OrderStatus(to).label.lower()} now."
        )
    return order


@transaction.atomic
def order_confirm(*, actor, order: Order) -> Order:
    require(actor, "orders.change_order", "update orders")
    order = _move(order, OrderStatus.CONFIRMED)
    order.status, order.confirmed_at = OrderStatus.CONFIRMED, timezone.now()
    order.save(update_fields=["status", "confirmed_at"])
    _event(order, status=order.status, by=actor)
    return order


@transaction.atomic
def order_dispatch(
    *, actor, order: Order, carrier: str, tracking_reference: str = "", outsourced: bool = False,
    at: datetime | None = None,
) -> Order:  # fmt: skip
    """Handed to a carrier: our own fleet or an outsourced distribution company."""
    require(actor, "orders.change_order", "update orders")
    if not carrier.strip():
        raise DomainError("Say who carries it (our fleet or the distribution company).",
                          field="carrier")  # fmt: skip
    order = _move(order, OrderStatus.DISPATCHED)
    order.status, order.dispatched_at = OrderStatus.DISPATCHED, at or timezone.now()
    order.carrier, order.carrier_is_outsourced = carrier.strip(), outsourced
    order.tracking_reference = tracking_reference.strip()
    order.save()
    text = f"With {order.carrier}" + (f", tracking {order.tracking_reference}"
                                      if order.tracking_reference else "")  # fmt: skip
    _event(order, status=order.status, text=text, by=actor, at=order.dispatched_at)
    return order


@transaction.atomic
def order_deliver(
    *, actor, order: Order, delivered: list[tuple] | None = None, at: datetime | None = None
) -> Order:
    """Record what arrived, as (product, quantity) pairs; without them, exactly what was
    ordered. A difference in product or quantity marks a wrong delivery, with what differs."""
    require(actor, "orders.change_order", "update orders")
    order = _move(order, OrderStatus.DELIVERED)
    lines = list(order.lines.select_related("product"))
    if delivered is None:
        delivered = [(line.product, line.quantity) for line in lines]
    if not delivered:
        raise DomainError("Say what arrived.", field="delivered")
    differences = rules.delivery_differences(
        [(line.product.name, line.quantity) for line in lines],
        [(product.name, int(quantity)) for product, quantity in delivered],
    )
    DeliveredLine.objects.bulk_create(
        DeliveredLine(order=order, product=product, quantity=int(quantity))
        for product, quantity in delivered
    )
    order.status, order.delivered_at = OrderStatus.DELIVERED, at or timezone.now()
    order.wrong_delivery = bool(differences)
    order.delivery_difference = "; ".join(differences)
    order.save()
    text = "Delivered" + (" late" if order.delivered_late else " on time")
    if differences:
        text += ", but not what was ordered: " + order.delivery_difference
    _event(order, status=order.status, text=text, by=actor, at=order.delivered_at)
    return order


@transaction.atomic
def order_cancel(*, actor, order: Order, reason: str) -> Order:
    """Cancel, charging only the fee the refunds policy allows (none before dispatch)."""
    require(actor, "orders.change_order", "update orders")
    if not reason.strip():
        raise DomainError("Say why the order is cancelled.", field="reason")
    order = _move(order, OrderStatus.CANCELLED)
    policy = returns_policy()
    fee = rules.cancellation_fee(
        status=order.status, total=order.total, percent=policy.cancellation_fee_percent,
        cap=policy.cancellation_fee_cap,
    )  # fmt: skip
    order.status, order.cancelled_at = OrderStatus.CANCELLED, timezone.now()
    order.cancellation_reason, order.cancellation_fee = reason.strip(), fee
    order.save()
    _event(order, status=order.status, by=actor,
           text=f"{reason.strip()} (cancellation fee {fee} {order.currency})")  # fmt: skip
    return order


@transaction.atomic
def order_tell_customer(*, actor, order: Order, channel: str, text: str) -> OrderEvent:
    """Record what the customer was told, on which channel."""
    require(actor, "orders.change_order", "update orders")
    if not text.strip():
        raise DomainError("Write what the customer was told.", field="text")
    return _event(order, kind=OrderEvent.Kind.TOLD, channel=channel, text=text.strip(), by=actor)


def _copy_lines(order: Order, *, free: bool) -> list[tuple]:
    return [
        (line.product, line.quantity, ZERO if free else line.unit_price)
        for line in order.lines.select_related("product")
    ]


@transaction.atomic
def order_reorder(*, actor, order: Order, expedite: bool = False) -> Order:
    """The customer orders the same again (charged): a new order with its own promise,
    linked to the original."""
    new = order_place(
        actor=actor, customer=order.customer, lines=_copy_lines(order, free=False),
        channel=order.channel, kind=OrderKind.REORDER, original=order, expedite=expedite,
    )  # fmt: skip
    _event(order, kind=OrderEvent.Kind.NOTE, by=actor, text=f"Reordered as {new.reference}")
    return new


@transaction.atomic
def order_replace(*, actor, order: Order, expedite: bool = True, reason: str = ""):
    """Send the order again at our cost (a wrong or lost delivery). A replacement goes
    through the authority limits: within the actor's, the replacement order is placed now;
    above, it waits for approval and is placed when approved. Returns the new order or the
    approval request."""
    require(actor, "orders.add_order", "take orders")
    if order.status == OrderStatus.CANCELLED:
        raise Conflict(f"Order {order.reference} was cancelled: reorder it instead.")
    outcome = accounts_services.authority_require(
        actor=actor,
        action=AuthorityAction.REPLACE,
        amount=order.total,
        item_value=order.total,
        currency=order.currency,
        description=f"Replace order {order.reference} for {order.customer} at our cost. "
        + (reason.strip() or order.delivery_difference or "The delivery went wrong."),
        subject=order,
    )
    if not outcome.may_proceed:
        _event(order, kind=OrderEvent.Kind.NOTE, by=actor,
               text=f"Replacement waits for approval (request #{outcome.approval.pk})")  # fmt: skip
        return outcome.approval
    return _place_replacement(actor=actor, order=order, expedite=expedite)


def _place_replacement(*, actor, order: Order, expedite: bool) -> Order:
    new = order_place(
        actor=None, customer=order.customer, lines=_copy_lines(order, free=True),
        channel=order.channel, kind=OrderKind.REPLACEMENT, original=order, expedite=expedite,
    )  # fmt: skip
    new.placed_by = actor
    new.save(update_fields=["placed_by"])
    _event(order, kind=OrderEvent.Kind.NOTE, by=actor, text=f"Replaced by {new.reference}")
    return new


# --- Returns and refunds --------------------------------------------------------------------


def _next_reference(model, prefix: str) -> str:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"{prefix}-{last + 1:07d}"


@transaction.atomic
def return_record(
    *,
    actor,
    customer,
    product,
    reason: str,
    condition: str,
    proof_of_purchase: str,
    item_value: Decimal,
    quantity: int = 1,
    failure: str = "none",
    purchased_on: date | None = None,
    order: Order | None = None,
    description: str = "",
    today: date | None = None,
) -> Return:
    """Receive goods back and record what the refunds policy allows for them, and why."""
    require(actor, "orders.add_return", "receive returns")
    if item_value is None or item_value < 0:
        raise DomainError("Give the item's value (what was paid for it).", field="item_value")
    if order is not None and order.customer_id != customer.pk:
        raise DomainError("That order belongs to another customer.", field="order")
    if purchased_on is None and order is not None:
        purchased_on = timezone.localtime(order.delivered_at or order.placed_at).date()
    policy = returns_policy()
    eligibility = rules.return_eligibility(
        reason=reason, failure=failure, condition=condition,
        proof_of_purchase=proof_of_purchase, purchased_on=purchased_on,
        today=today or timezone.localdate(),
        change_of_mind_months=policy.change_of_mind_months,
        change_of_mind_remedies=policy.change_of_mind_remedies,
    )  # fmt: skip
    return Return.objects.create(
        reference=_next_reference(Return, "RET"),
        customer=customer, order=order, product=product, quantity=quantity,
        item_value=item_value, reason=reason,
        failure="major" if reason in ("unsafe", "wrong_item") else failure,
        condition=condition, proof_of_purchase=proof_of_purchase, purchased_on=purchased_on,
        received_by=actor, description=description.strip(),
        eligible_remedies=list(eligibility.remedies), chosen_by=eligibility.chosen_by,
        eligibility_reason=eligibility.reason,
    )  # fmt: skip


MONEY_OUTCOMES = (ReturnOutcome.FULL_REFUND, ReturnOutcome.CREDIT)
REPLACING_OUTCOMES = (ReturnOutcome.REPLACEMENT, ReturnOutcome.EXCHANGE)


@transaction.atomic
def return_resolve(
    *,
    actor,
    item: Return,
    outcome: str,
    refund_method: str = "",
    refund_amount: Decimal | None = None,
    credit_note_number: str = "",
    ledger_account: str = "",
    payment_reference: str = "",
    accounting_note: str = "",
) -> Return:
    """Give the remedy. It must be one the policy allows for this return (or no remedy when
    none is due). A refund, credit or replacement above the actor's limit waits for approval,
    and the approval completes it."""
    require(actor, "orders.change_return", "resolve returns")
    item = Return.objects.select_for_update().get(pk=item.pk)
    if item.status != ReturnStatus.RECEIVED:
        raise Conflict(f"Return {item.reference} is {item.get_status_display().lower()}.")
    if outcome == ReturnOutcome.DECLINED:
        if item.eligible_remedies:
            raise DomainError(
                "The consumer guarantees or our policy give this customer a remedy. "
                + item.eligibility_reason,
                field="outcome",
            )
    elif outcome not in item.eligible_remedies:
        allowed = ", ".join(ReturnOutcome(r).label.lower() for r in item.eligible_remedies)
        raise DomainError(
            f"For this return the policy allows: {allowed or 'nothing'}. "
            + item.eligibility_reason,
            field="outcome",
        )
    if outcome in MONEY_OUTCOMES:
        if not refund_method:
            raise DomainError("Choose how the money goes back.", field="refund_method")
        refund_amount = item.item_value if refund_amount is None else refund_amount
        if refund_amount <= 0 or refund_amount > item.item_value:
            raise DomainError(
                f"A refund is more than nothing and at most what was paid ({item.item_value}).",
                field="refund_amount",
            )
    item.outcome, item.refund_method = outcome, refund_method
    item.refund_amount = refund_amount if outcome in MONEY_OUTCOMES else None
    item.credit_note_number, item.ledger_account = credit_note_number, ledger_account
    item.payment_reference, item.accounting_note = payment_reference, accounting_note
    item.decided_by = actor
    if outcome in MONEY_OUTCOMES or outcome in REPLACING_OUTCOMES:
        money = outcome in MONEY_OUTCOMES
        authority = accounts_services.authority_require(
            actor=actor,
            action=AuthorityAction.REFUND if money else AuthorityAction.REPLACE,
            amount=item.refund_amount if money else item.item_value,
            item_value=item.item_value,
            currency=item.currency,
            subject=item,
            description=f"{ReturnOutcome(outcome).label} for return {item.reference} "
            f"({item.quantity} x {item.product}, {item.get_reason_display().lower()}).",
        )
        if not authority.may_proceed:
            item.status, item.approval = ReturnStatus.AWAITING_APPROVAL, authority.approval
            item.save()
            return item
    return _complete(item)


def _complete(item: Return) -> Return:
    if item.outcome == ReturnOutcome.DECLINED:
        item.status = ReturnStatus.DECLINED
    else:
        item.status = ReturnStatus.COMPLETED
        if item.outcome in REPLACING_OUTCOMES:
            item.replacement_order = order_place(
                actor=None, customer=item.customer, channel="face_to_face",
                lines=[(item.product, item.quantity, ZERO)], kind=OrderKind.REPLACEMENT,
                original=item.order,
            )  # fmt: skip
    item.completed_at = timezone.now()
    item.save()
    return item


def on_approval_decided(sender, approval: ApprovalRequest, **kwargs) -> None:
    """Finish (or undo) the refund or replacement an approver decided."""
    if approval.subject_type_id is None:
        return
    model = approval.subject_type.model_class()
    with transaction.atomic():
        if model is Return:
            item = Return.objects.select_for_update().filter(pk=approval.subject_id).first()
            if item is None or item.status != ReturnStatus.AWAITING_APPROVAL:
                return
            if approval.status == ApprovalStatus.APPROVED:
                _complete(item)
            else:
                item.status, item.outcome, item.approval = ReturnStatus.RECEIVED, "", None
                item.accounting_note = f"Not approved: {approval.decision_note}"
                item.save()
        elif model is Order and approval.action == AuthorityAction.REPLACE:
            order = Order.objects.filter(pk=approval.subject_id).first()
            if order is None:
                return
            if approval.status == ApprovalStatus.APPROVED:
                _place_replacement(actor=approval.requested_by, order=order, expedite=True)
            else:
                _event(order, kind=OrderEvent.Kind.NOTE, by=approval.decided_by,
                       text=f"Replacement not approved: {approval.decision_note}")  # fmt: skip


# --- Warranty -------------------------------------------------------------------------------


@transaction.atomic
def warranty_register(
    *, actor, customer, product, serial_or_batch: str, purchased_on: date,
    order: Order | None = None,
) -> Warranty:  # fmt: skip
    """Register a product for warranty; its expiry comes from the product's warranty terms."""
    require(actor, "orders.add_warranty", "register warranties")
    if not product.warranty_months:
        raise DomainError(f"{product} carries no manufacturer's warranty.", field="product")
    if not serial_or_batch.strip():
        raise DomainError("Give the serial or batch number.", field="serial_or_batch")
    if purchased_on > timezone.localdate():
        raise DomainError("The purchase date is in the future.", field="purchased_on")
    if Warranty.objects.filter(
        customer=customer, product=product, serial_or_batch=serial_or_batch.strip()
    ).exists():
        raise DomainError("This item is already registered.", field="serial_or_batch")
    return Warranty.objects.create(
        customer=customer, product=product, order=order,
        serial_or_batch=serial_or_batch.strip(), purchased_on=purchased_on,
        expires_on=rules.warranty_expiry(purchased_on, product.warranty_months),
        terms=product.warranty_terms, registered_by=actor,
    )  # fmt: skip


def warranty_check(warranty: Warranty, fault_on: date) -> rules.Coverage:
    """Is a fault on this date covered, and by what."""
    return rules.warranty_coverage(
        purchased_on=warranty.purchased_on, expires_on=warranty.expires_on,
        fault_on=fault_on, terms=warranty.terms,
    )  # fmt: skip


@transaction.atomic
def warranty_claim(*, actor, warranty: Warranty, fault: str, fault_on: date) -> WarrantyClaim:
    """Claim under the warranty; the coverage check is recorded with its reason."""
    require(actor, "orders.add_warrantyclaim", "make warranty claims")
    if not fault.strip():
        raise DomainError("Describe the fault.", field="fault")
    coverage = warranty_check(warranty, fault_on)
    return WarrantyClaim.objects.create(
        warranty=warranty, fault=fault.strip(), fault_on=fault_on, covered=coverage.covered,
        coverage_reason=coverage.reason, claimed_by=actor,
        outcome="pending" if coverage.covered else "rejected",
        decided_at=None if coverage.covered else timezone.now(),
    )  # fmt: skip


@transaction.atomic
def warranty_claim_decide(*, actor, claim: WarrantyClaim, outcome: str, note: str = ""):
    """Repair, replace or refund under a covered claim."""
    require(actor, "orders.change_warrantyclaim", "decide warranty claims")
    if claim.outcome != "pending":
        raise Conflict("This claim is already decided.")
    if not claim.covered and outcome != "rejected":
        raise DomainError("The claim is not covered. " + claim.coverage_reason, field="outcome")
    claim.outcome, claim.outcome_note, claim.decided_at = outcome, note.strip(), timezone.now()
    claim.save()
    return claim
