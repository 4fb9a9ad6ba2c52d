"""Who manages which customers: each change ends the previous assignment, kept as history."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import require

from ..models import (
    AccountManagerAssignment,
    Customer,
)


def _check_manager(manager) -> None:
    if manager is None:
        return
    if not manager.is_active:
        raise DomainError(f"{manager} has left and cannot manage customers.", field="manager")
    if not manager.has_perm("customers.manage_accounts"):
        raise DomainError(
            f"{manager} is not an account manager, so cannot own customers.", field="manager"
        )


@transaction.atomic
def account_manager_assign(
    *, actor, customers: Iterable[Customer], manager, reason: str = ""
) -> int:
    """Give these customers to ``manager`` (None: nobody); the previous assignment is ended.

    Returns how many customers changed hands.
    """
    require(actor, "customers.assign_account_manager", "assign account managers")
    _check_manager(manager)
    now = timezone.now()
    moving = [
        c
        for c in customers
        if c.account_manager_id != (manager.pk if manager else None) and not c.erased_at
    ]
    if not moving:
        return 0
    ids = [c.pk for c in moving]
    AccountManagerAssignment.objects.filter(customer_id__in=ids, ended_at__isnull=True).update(
        ended_at=now
    )
    AccountManagerAssignment.objects.bulk_create(
        AccountManagerAssignment(
            customer_id=pk, manager=manager, started_at=now, assigned_by=actor, reason=reason
        )
        for pk in ids
    )
    # One statement for the group; the assignment rows above are the per-customer history.
    Customer.objects.filter(pk__in=ids).update(account_manager=manager, updated_at=now)
    for customer in moving:
        customer.account_manager = manager
    return len(moving)
