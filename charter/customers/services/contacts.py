"""An organisation's contacts, a customer's addresses, and the consent ledger."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError, NotFound
from charter.core.guards import require

from .. import rules
from ..models import (
    CONSENT_FIELDS,
    Address,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    Customer,
    CustomerKind,
)
from .records import _refuse_if_erased, refresh_search_terms


@transaction.atomic
def contact_save(
    *,
    actor,
    customer: Customer,
    contact: Contact | None = None,
    name: str,
    job_title: str = "",
    email: str = "",
    phone: str = "",
    preferred_channel: str = Channel.EMAIL,
    is_primary: bool = False,
) -> Contact:
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    if customer.kind != CustomerKind.ORGANISATION:
        raise DomainError("Only an organisation has contacts; a person is their own contact.")
    name = (name or "").strip()
    if not name:
        raise DomainError("A contact needs a name.", field="name")
    contact = contact or Contact(customer=customer)
    if contact.customer_id != customer.pk:
        raise NotFound("That contact belongs to another customer.")
    contact.name = name
    contact.job_title = (job_title or "").strip()
    contact.email = rules.normalise_email(email)
    contact.phone = rules.normalise_phone(phone)
    contact.preferred_channel = preferred_channel
    contact.is_primary = is_primary
    contact.save()
    if is_primary:
        customer.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    refresh_search_terms([customer.pk])
    return contact


@transaction.atomic
def contact_remove(*, actor, contact: Contact) -> None:
    require(actor, "customers.change_customer", "change customers")
    customer_id = contact.customer_id
    contact.delete()
    refresh_search_terms([customer_id])


@transaction.atomic
def address_save(
    *,
    actor,
    customer: Customer,
    address: Address | None = None,
    kind: str,
    line1: str,
    locality: str,
    line2: str = "",
    state: str = "",
    postcode: str = "",
    country: str = "AU",
) -> Address:
    require(actor, "customers.change_customer", "change customers")
    _refuse_if_erased(customer)
    if not (line1 or "").strip() or not (locality or "").strip():
        raise DomainError("An address needs a street or box and a suburb or town.")
    postcode = (postcode or "").strip()
    if country == "AU" and postcode and not (postcode.isdigit() and len(postcode) == 4):
        raise DomainError(
            f"'{postcode}' is not an Australian postcode (4 digits).", field="postcode"
        )
    address = address or Address(customer=customer)
    if address.customer_id != customer.pk:
        raise NotFound("That address belongs to another customer.")
    address.kind = kind
    address.line1, address.line2 = line1.strip(), (line2 or "").strip()
    address.locality, address.state = locality.strip(), (state or "").strip().upper()
    address.postcode, address.country = postcode, country
    address.save()
    return address


@transaction.atomic
def address_remove(*, actor, address: Address) -> None:
    require(actor, "customers.change_customer", "change customers")
    address.delete()


# --- Consent ----------------------------------------------------------------------------------
@transaction.atomic
def consent_record(
    *,
    actor,
    customer: Customer,
    purpose: str,
    given: bool,
    method: str,
    note: str = "",
    at: datetime | None = None,
) -> ConsentRecord:
    """Record that the customer gave or withdrew consent, and how; updates their current consent."""
    require(actor, "customers.change_customer", "record consent")
    _refuse_if_erased(customer)
    if purpose not in CONSENT_FIELDS:
        raise DomainError(f"'{purpose}' is not a consent purpose.", field="purpose")
    if method not in ConsentMethod.values:
        raise DomainError(f"'{method}' is not a way of giving consent.", field="method")
    record = ConsentRecord.objects.create(
        customer=customer,
        purpose=purpose,
        given=given,
        method=method,
        note=note,
        at=at or timezone.now(),
        recorded_by=actor,
    )
    field = CONSENT_FIELDS[ConsentPurpose(purpose)]
    if getattr(customer, field) != given:
        setattr(customer, field, given)
        customer.save(update_fields=[field])
    return record
