"""Privacy: logging who read a customer's record, and erasing their personal data."""

from __future__ import annotations

from auditlog.context import auditlog_value
from auditlog.signals import accessed
from django.db import transaction
from django.utils import timezone

from charter.core.audit import audit_context, log_views
from charter.core.errors import Conflict, DomainError
from charter.core.guards import require
from charter.core.models import Interface

from .. import rules
from ..models import (
    Customer,
    CustomerImport,
    Erasure,
    SearchTerm,
)
from ..signals import customer_erased
from .records import refresh_search_terms


def customer_viewed(*, user, customer: Customer) -> None:
    """Log that ``user`` opened the customer's full record, for auditors (APP 11)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    if context.get("actor") is not None:
        accessed.send(sender=Customer, instance=customer)
        return
    # Outside a request (a command, a task, a shell) name the reader explicitly.
    with audit_context(
        interface=context.get("interface", Interface.SYSTEM),
        source=context.get("source", ""),
        actor=user,
    ):
        accessed.send(sender=Customer, instance=customer)


def customers_listed(*, user, customers) -> None:
    """Log that ``user`` was shown these customers' phone numbers and contacts on a list (the
    call list), as opening each one's record is logged."""
    log_views(customers, actor=user)


ERASED_NAME = "Erased customer"


@transaction.atomic
def customer_erase(*, actor, customer: Customer, reason: str) -> Erasure:
    """De-identify the customer: every personal field is cleared, records that must be kept
    (complaints, refunds, consents, memberships) stay, linked to the de-identified record.

    Apps above this one remove the person's details from their own records on
    ``customer_erased``, inside this same transaction.
    """
    require(actor, "customers.erase_customer", "erase customers' personal data")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the personal data is erased (e.g. the customer asked).")
    if customer.erased_at:
        raise Conflict("This customer's personal data was already erased.")
    now = timezone.now()
    retained = {
        "consent records": customer.consents.count(),
        "segment memberships": customer.segment_memberships.count(),
        "products and services": customer.holdings.count(),
        "segment notices": customer.segment_notices.count(),
        "segment feedback": customer.segment_feedback.count(),
    }
    removed = {"contacts": customer.contacts.count(), "addresses": customer.addresses.count()}
    customer.contacts.all().delete()
    customer.addresses.all().delete()
    customer.consents.update(note="")
    customer.segment_notices.update(note="")
    customer.segment_feedback.update(comment="")
    for field in Customer.PERSONAL_FIELDS:
        model_field = Customer._meta.get_field(field)
        setattr(customer, field, None if model_field.null else "")
    customer.name = f"{ERASED_NAME} {customer.reference}"
    customer.erased_at = now
    customer.is_active = False
    customer.consent_marketing = customer.consent_surveys = customer.consent_service = False
    customer.updated_at = now
    customer.save()
    _redact_import_reports(customer.reference)
    refresh_search_terms([customer.pk])
    # Only the reference remains findable.
    SearchTerm.objects.filter(customer=customer).exclude(
        term=rules.fold(customer.reference)
    ).delete()
    extra = {}
    for _receiver, response in customer_erased.send(sender=Customer, customer=customer):
        if isinstance(response, dict):
            extra.update(response)
    erasure = Erasure.objects.create(
        customer=customer,
        erased_by=actor,
        erased_at=now,
        reason=reason,
        retained={"kept": {**retained, **extra}, "removed": removed},
    )
    return erasure


def _redact_import_reports(reference: str) -> None:
    """Bad-row reports quote what was in the file; drop the reasons about this customer."""
    for report in CustomerImport.objects.filter(bad_rows__icontains=reference):
        kept = [
            row
            if row.get("reference") != reference
            else {**row, "reason": "(removed: the customer's data was erased)"}
            for row in report.bad_rows
        ]
        report.bad_rows = kept
        report.save(update_fields=["bad_rows"])
