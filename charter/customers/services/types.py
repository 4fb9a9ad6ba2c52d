"""Customer types: their names, whether internal, whether still in use."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from charter.core.errors import Conflict, DomainError
from charter.core.guards import require

from ..models import (
    CustomerType,
)


@transaction.atomic
def customer_type_save(
    *,
    actor,
    name: str,
    internal: bool = False,
    description: str = "",
    is_active: bool = True,
    customer_type: CustomerType | None = None,
) -> CustomerType:
    require(
        actor,
        "customers.change_customertype" if customer_type else "customers.add_customertype",
        "edit customer types",
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("A customer type needs a name.", field="name")
    clash = CustomerType.objects.filter(name__iexact=name)
    if customer_type:
        clash = clash.exclude(pk=customer_type.pk)
    if clash.exists():
        raise Conflict(f"There is already a customer type called {name}.", field="name")
    customer_type = customer_type or CustomerType(slug=slugify(name)[:120] or "type")
    customer_type.name = name
    customer_type.internal = internal
    customer_type.description = description
    customer_type.is_active = is_active
    customer_type.save()
    return customer_type
