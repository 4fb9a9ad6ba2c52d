"""An erased customer's words removed from their cases, contacts and emails."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from ..models import Attachment, Case, CaseEvent, CaseEventKind, Contact, Email

REMOVED = "(removed: the customer's personal data was erased)"


def on_customer_erased(sender, customer, **kwargs) -> dict:
    """Remove an erased customer's words and addresses from their cases, contacts and emails.

    The records stay, so the complaints log, its counts and deadlines still add up: a case keeps
    its subject, category, severity, steps and resolutions; what the person told us (the
    facts, the outcome wanted, contact summaries, notes, email bodies and attachments) goes.
    Runs inside the erasure's transaction.
    """
    cases = Case.objects.filter(customer=customer)
    case_ids = list(cases.values_list("pk", flat=True))
    cases.update(
        description=REMOVED,
        desired_outcome="",
        public_name="",
        public_email="",
        public_phone="",
        updated_at=timezone.now(),
    )
    CaseEvent.objects.filter(
        case_id__in=case_ids, kind__in=[CaseEventKind.NOTE, CaseEventKind.EMAIL]
    ).update(text=REMOVED)
    contacts = Contact.objects.filter(customer=customer)
    contact_count = contacts.update(
        summary=REMOVED, public_name="", public_email="", public_phone=""
    )
    emails = Email.objects.filter(Q(case_id__in=case_ids) | Q(contact__customer=customer))
    Attachment.objects.filter(email__in=emails).delete()
    email_count = emails.update(
        body="", raw=b"", from_address="", from_name="", to="", subject=REMOVED
    )
    return {"cases": len(case_ids), "contacts": contact_count, "emails": email_count}
