"""The products and services a customer holds, was offered or declined."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from charter.core.errors import Conflict, DomainError
from charter.core.guards import require

from ..models import (
    OPEN_HOLDING_STATUSES,
    Customer,
    Holding,
    HoldingStatus,
    Offering,
)
from .records import _refuse_if_erased


@transaction.atomic
def holding_add(
    *,
    actor,
    customer: Customer,
    offering: Offering,
    status: str = HoldingStatus.HELD,
    started_on: date | None = None,
) -> Holding:
    require(actor, "customers.change_customer", "change customers' products")
    _refuse_if_erased(customer)
    existing = Holding.objects.filter(
        customer=customer, offering=offering, status__in=OPEN_HOLDING_STATUSES
    ).first()
    if existing:
        if existing.status == status:
            raise Conflict(
                f"The customer already has {offering} ({existing.get_status_display()})."
            )
        existing.status = status
        existing.save(update_fields=["status"])
        return existing
    return Holding.objects.create(
        customer=customer,
        offering=offering,
        status=status,
        started_on=started_on or timezone.localdate(),
    )


@transaction.atomic
def holding_end(*, actor, holding: Holding, status: str = HoldingStatus.CLOSED) -> Holding:
    require(actor, "customers.change_customer", "change customers' products")
    if status not in (HoldingStatus.CLOSED, HoldingStatus.DECLINED, HoldingStatus.HELD):
        raise DomainError("A product can be taken up, declined or closed.")
    holding.status = status
    holding.ended_on = None if status == HoldingStatus.HELD else timezone.localdate()
    holding.save(update_fields=["status", "ended_on"])
    return holding


@transaction.atomic
def holding_restore(
    *, actor, holding: Holding, ended_as: str, status: str, ended_on: date | None
) -> Holding:
    """Take back a ``holding_end`` (the Undo after "Declined"): the product goes back to
    ``status`` and ``ended_on``, unless it changed again since it was ended as ``ended_as``."""
    require(actor, "customers.change_customer", "change customers' products")
    holding = Holding.objects.select_for_update().get(pk=holding.pk)
    if holding.status != ended_as:
        raise Conflict(
            f"{holding.offering} has changed since ({holding.get_status_display()}): "
            "nothing was undone."
        )
    if status not in HoldingStatus.values:
        raise DomainError("A product can only go back to a status it can have.")
    holding.status = status
    holding.ended_on = ended_on
    holding.save(update_fields=["status", "ended_on"])
    return holding
