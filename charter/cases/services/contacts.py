"""Logging conversations with customers and the public."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import clean_text, require
from charter.customers.models import Channel

from ..models import Case, Contact, Direction
from .common import _choice
from .procedure import _locked, _resume


@transaction.atomic
def contact_log(
    *,
    actor,
    channel: str,
    summary: str,
    direction: str = Direction.INBOUND,
    customer=None,
    public_name: str = "",
    public_email: str = "",
    public_phone: str = "",
    at: datetime | None = None,
    duration_seconds: int | None = None,
    case: Case | None = None,
) -> Contact:
    """Log one conversation. It joins ``case`` when given (an outbound contact on a case that
    is not yet acknowledged acknowledges it)."""
    require(actor, "cases.add_contact", "log contacts")
    _choice(channel, Channel, "The channel", "channel")
    _choice(direction, Direction, "The direction", "direction")
    summary = clean_text(summary, 20_000, "A summary of the contact", "summary", required=True)
    if duration_seconds is not None and not 0 <= int(duration_seconds) <= 86_400:
        raise DomainError("A call lasts between 0 seconds and a day.", field="duration_seconds")
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise DomainError("A contact cannot be logged in the future.", field="at")
    if customer is None and case is not None:
        customer = case.customer
    if customer is None and not (public_name or public_email or public_phone) and case is None:
        public_name = ""  # an anonymous caller is allowed: the summary says what they wanted
    contact = Contact.objects.create(
        case=case,
        customer=customer,
        public_name=clean_text(public_name, 200, "The name", "public_name"),
        public_email=clean_text(public_email, 254, "The email address", "public_email"),
        public_phone=clean_text(public_phone, 40, "The phone number", "public_phone"),
        staff=actor,
        channel=channel,
        direction=direction,
        at=at,
        duration_seconds=duration_seconds,
        summary=summary,
        created_at=now,
    )
    if case is not None:
        case = _locked(case)
        if direction == Direction.OUTBOUND and case.acknowledged_at is None:
            case.acknowledged_at = at
            case.updated_at = now
            case.save(update_fields=["acknowledged_at", "updated_at"])
        if case.is_open and case.paused_at and direction == Direction.INBOUND:
            _resume(case, actor=actor, at=at, why="The customer came back")
    return contact
