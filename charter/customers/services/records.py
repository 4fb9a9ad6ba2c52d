"""A customer's record: checking its fields, creating and correcting it, and the search terms it
is found by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.bulk import insert_rows
from charter.core.errors import Conflict, DomainError
from charter.core.guards import require

from .. import rules
from ..models import (
    CONSENT_FIELDS,
    Channel,
    ConsentMethod,
    ConsentRecord,
    Contact,
    Customer,
    CustomerKind,
    CustomerType,
    SearchTerm,
)


def _money(value, label: str, field: str | None = None) -> Decimal:
    """An amount of at least 0: a customer's value a year and balance are never negative."""
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise DomainError(f"{label} '{value}' is not an amount.", field=field) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise DomainError(f"{label} '{value}' is not an amount.", field=field)
    if amount < 0:
        raise DomainError(f"{label} cannot be negative ('{value}'): enter 0 or more.", field=field)
    return amount.quantize(Decimal("0.01")) + 0  # + 0: -0 becomes 0


# Read once: an enum's members and values cost a lookup each time (an import checks 100,000 rows).
_PERSON = CustomerKind.PERSON.value
_KINDS = frozenset(CustomerKind.values)
_CHANNELS = frozenset(Channel.values)


def clean_customer_fields(fields: dict) -> dict:
    """Normalise and check a customer's fields (shared by the forms, the API and imports)."""
    clean = dict(fields)
    if "email" in clean:
        clean["email"] = rules.normalise_email(clean["email"])
    if "phone" in clean:
        clean["phone"] = rules.normalise_phone(clean["phone"])
    for key in ("name", "given_name", "family_name"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if clean.get("kind") == _PERSON and not clean.get("name"):
        clean["name"] = " ".join(
            p for p in (clean.get("given_name", ""), clean.get("family_name", "")) if p
        )
    if "name" in clean and not clean["name"]:
        raise DomainError("A customer needs a name.", field="name")
    if "kind" in clean and clean["kind"] not in _KINDS:
        raise DomainError(f"'{clean['kind']}' is not a person or an organisation.", field="kind")
    if "preferred_channel" in clean and clean["preferred_channel"] not in _CHANNELS:
        raise DomainError(
            f"'{clean['preferred_channel']}' is not a channel we offer.", field="preferred_channel"
        )
    for key, label in (("annual_value", "Value a year"), ("balance", "Balance")):
        if key in clean:
            clean[key] = _money(clean[key], label, field=key)
    if "reference" in clean:
        clean["reference"] = (clean["reference"] or "").strip()
    return clean


def next_reference() -> str:
    last = Customer.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"C-{last + 1:06d}"


@transaction.atomic
def customer_create(
    *,
    actor,
    customer_type: CustomerType,
    kind: str,
    consent_method: str = ConsentMethod.IN_PERSON,
    **fields,
) -> Customer:
    require(actor, "customers.add_customer", "add customers")
    fields = clean_customer_fields({"kind": kind, **fields})
    reference = fields.pop("reference", "") or next_reference()
    if Customer.objects.filter(reference__iexact=reference).exists():
        raise Conflict(f"Customer reference {reference} is already used.", field="reference")
    customer = Customer(reference=reference, customer_type=customer_type, **fields)
    customer.save()
    for purpose, field in CONSENT_FIELDS.items():
        if field in fields:  # consent stated at sign-up goes into the ledger with how
            ConsentRecord.objects.create(
                customer=customer,
                purpose=purpose,
                given=getattr(customer, field),
                method=consent_method,
                recorded_by=actor,
            )
    refresh_search_terms([customer.pk])
    return customer


EDITABLE_FIELDS = (
    "reference",
    "kind",
    "customer_type",
    "team",
    "name",
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "preferred_channel",
    "customer_since",
    "annual_value",
    "balance",
    "last_activity_on",
    "is_active",
)


@transaction.atomic
def customer_update(*, actor, customer: Customer, **changes) -> Customer:
    """Correct or update a customer's details. The audit trail records who changed what."""
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changes = clean_customer_fields(changes)
    if "reference" in changes:
        if not changes["reference"]:
            raise DomainError("A customer needs a reference.", field="reference")
        taken = Customer.objects.filter(reference__iexact=changes["reference"]).exclude(
            pk=customer.pk
        )
        if taken.exists():
            raise Conflict(
                f"Customer reference {changes['reference']} is already used.", field="reference"
            )
    changed = [k for k, v in changes.items() if getattr(customer, k) != v]
    if not changed:
        return customer
    for key in changed:
        setattr(customer, key, changes[key])
    customer.updated_at = timezone.now()
    customer.save(update_fields=[*changed, "updated_at"])
    refresh_search_terms([customer.pk])
    return customer


def _refuse_if_erased(customer: Customer) -> None:
    if customer.erased_at:
        raise Conflict("This customer's personal data was erased; their record cannot change.")


def refresh_search_terms(customer_ids: Iterable[int]) -> int:
    """Rebuild the search terms of these customers, in a few queries whatever their number."""
    ids = list(customer_ids)
    written = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        contacts = defaultdict(list)
        for contact in Contact.objects.filter(customer_id__in=chunk).values(
            "customer_id", "name", "email", "phone"
        ):
            contacts[contact["customer_id"]].append(contact)
        SearchTerm.objects.filter(customer_id__in=chunk).delete()
        rows: list[tuple[int, str]] = []
        for c in Customer.objects.filter(pk__in=chunk).values(
            "pk", "reference", "name", "given_name", "family_name", "email", "phone"
        ):
            people = contacts.get(c["pk"], [])
            terms = rules.search_terms(
                names=[c["name"], c["given_name"], c["family_name"], *(p["name"] for p in people)],
                emails=[c["email"], *(p["email"] for p in people)],
                phones=[c["phone"], *(p["phone"] for p in people)],
                reference=c["reference"],
            )
            rows.extend((c["pk"], t) for t in terms)
        written += insert_rows(SearchTerm, ("customer", "term"), rows)
    return written
