"""What we do for the customer, through the authority limits."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalRequest, ApprovalStatus, AuthorityAction
from charter.core.errors import Conflict, DomainError
from charter.core.guards import clean_text, require
from charter.orders import services as orders_services
from charter.orders.models import Order

from ..models import Case, CaseEventKind, Resolution, ResolutionKind, ResolutionStatus
from .common import _choice, _event
from .procedure import _locked, require_hands

MAX_AMOUNT = Decimal("1e10")


# What each resolution asks of the authority limits; the rest need none. Refunding the faulty
# product is the remedy (up to what was paid for it); a goodwill refund is an additional amount
# on top of it, limited by the procedure's goodwill limit (an officer: 10% of it, at most $25).
RESOLUTION_ACTIONS = {
    ResolutionKind.REFUND: AuthorityAction.REFUND,
    ResolutionKind.GOODWILL_REFUND: AuthorityAction.GOODWILL,
    ResolutionKind.CREDIT: AuthorityAction.REFUND,
    ResolutionKind.COMPENSATION: AuthorityAction.COMPENSATE,
    ResolutionKind.REPLACEMENT: AuthorityAction.REPLACE,
}
MONEY_KINDS = {
    ResolutionKind.REFUND,
    ResolutionKind.GOODWILL_REFUND,
    ResolutionKind.CREDIT,
    ResolutionKind.COMPENSATION,
}


def _money(value, label: str, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"{label} must be a number, e.g. 25.00.", field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise DomainError(f"{label} must be zero or more, and less than 10 billion.", field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def resolution_add(
    *,
    actor,
    case: Case,
    kind: str,
    description: str,
    amount=None,
    item_value=None,
    order: Order | None = None,
) -> Resolution:
    """Record what we do for the customer. A refund, credit, goodwill refund, compensation or
    replacement goes through the actor's authority limits: within them it is done now, above
    them it waits for approval by a role that may grant it. A reorder places the order now
    (the customer pays); a replacement of an order is placed through the orders' own door."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    require_hands(actor, case, "record what we do for the customer")
    if not case.is_open:
        raise Conflict("The case is closed.")
    _choice(kind, ResolutionKind, "The resolution", "kind")
    description = clean_text(description, 5_000, "What we will do", "description", required=True)
    amount = _money(amount, "The amount", "amount")
    item_value = _money(item_value, "The product's value", "item_value")
    if kind in MONEY_KINDS and not amount:
        raise DomainError("Give the amount.", field="amount")
    if kind == ResolutionKind.GOODWILL_REFUND and item_value is None:
        raise DomainError(
            "Give the faulty product's value: a goodwill refund is a share of it.",
            field="item_value",
        )
    if kind in (ResolutionKind.REFUND, ResolutionKind.CREDIT) and item_value is None:
        raise DomainError(
            "Give the faulty product's value: a refund is at most what was paid for it "
            "(anything more is a goodwill refund).",
            field="item_value",
        )
    if kind in (ResolutionKind.REFUND, ResolutionKind.CREDIT) and amount > item_value:
        raise DomainError(
            f"A refund is at most what was paid for the product ({item_value}); give anything "
            "more as a goodwill refund.",
            field="amount",
        )
    if order is not None and case.customer_id and order.customer_id != case.customer_id:
        raise DomainError("That order is another customer's.", field="order")
    if kind in (ResolutionKind.REORDER,) and order is None:
        raise DomainError("Choose the order to place again.", field="order")
    now = timezone.now()
    resolution = Resolution(
        case=case,
        kind=kind,
        description=description,
        amount=amount,
        item_value=item_value,
        order=order,
        by=actor,
        at=now,
    )
    if kind == ResolutionKind.REORDER:
        resolution.order = orders_services.order_reorder(actor=actor, order=order, expedite=True)
        resolution.status, resolution.done_at = ResolutionStatus.DONE, now
    elif kind == ResolutionKind.REPLACEMENT and order is not None:
        placed = orders_services.order_replace(actor=actor, order=order, reason=description)
        if isinstance(placed, ApprovalRequest):
            resolution.status, resolution.approval = ResolutionStatus.AWAITING_APPROVAL, placed
        else:
            resolution.order, resolution.status, resolution.done_at = (
                placed,
                ResolutionStatus.DONE,
                now,
            )
    elif kind in RESOLUTION_ACTIONS:
        resolution.save()
        outcome = accounts_services.authority_require(
            actor=actor,
            action=RESOLUTION_ACTIONS[kind],
            amount=amount if kind in MONEY_KINDS else (amount or item_value),
            item_value=item_value,
            currency=resolution.currency,
            description=f"{resolution.get_kind_display()} on {case.reference}: {description}",
            subject=resolution,
        )
        if outcome.may_proceed:
            resolution.status, resolution.done_at = ResolutionStatus.DONE, now
        else:
            resolution.status, resolution.approval = (
                ResolutionStatus.AWAITING_APPROVAL,
                outcome.approval,
            )
    else:
        resolution.status, resolution.done_at = ResolutionStatus.DONE, now
    resolution.save()
    text = f"{resolution.get_kind_display()}: {description}"
    if amount:
        text += f" ({amount} {resolution.currency})"
    if resolution.status == ResolutionStatus.AWAITING_APPROVAL:
        text += f" — waiting for approval: {resolution.approval.why_needed}"
    _event(case, CaseEventKind.RESOLUTION, by=actor, at=now, text=text)
    return resolution


def on_approval_decided(sender, approval: ApprovalRequest, **kwargs) -> None:
    """Finish or refuse the resolution an approver decided."""
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update()
            .filter(approval=approval, status=ResolutionStatus.AWAITING_APPROVAL)
            .first()
        )
        if resolution is None:
            return
        now = timezone.now()
        if approval.status == ApprovalStatus.APPROVED:
            resolution.status, resolution.done_at = ResolutionStatus.DONE, now
            if resolution.kind == ResolutionKind.REPLACEMENT and resolution.order_id:
                placed = (
                    Order.objects.filter(original_id=resolution.order_id).order_by("-pk").first()
                )
                resolution.order = placed or resolution.order
            text = f"{resolution.get_kind_display()} approved by {approval.decided_by}."
        else:
            resolution.status = ResolutionStatus.REJECTED
            text = f"{resolution.get_kind_display()} not approved: {approval.decision_note}"
        resolution.save()
        _event(resolution.case, CaseEventKind.RESOLUTION, by=approval.decided_by, at=now, text=text)


# --- Deadlines --------------------------------------------------------------------------------
