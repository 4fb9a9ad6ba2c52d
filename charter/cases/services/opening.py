"""Opening a case: its due times from the charter, its routing, its links; and facts
found later, which route it again."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import clean_text, require
from charter.customers.models import Channel
from charter.standards.models import PromiseEvent
from charter.standards.selectors import NoPromise, deadlines_for

from ..models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    ComplainantType,
    Contact,
    Severity,
)
from .common import _choice, _event, case_settings
from .procedure import _locked
from .routing import _apply_routing, _record_routing, _route


def is_significant(customer) -> bool:
    if customer is None:
        return False
    return customer.annual_value >= case_settings().significant_annual_value


def _due_times(case: Case) -> list[str]:
    """Set the acknowledgement and resolution due times from the charter, on the hours of
    the channel the case came in by; returns notes for the story when the charter has no
    promise for one."""
    if case.kind == CaseKind.COMPLAINT:
        events = {
            "acknowledge": PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            "resolve": PromiseEvent.COMPLAINT_RESOLVE,
        }
    else:
        events = {"resolve": PromiseEvent.ENQUIRY_REPLY}
    found = deadlines_for(
        case.customer,
        list(events.values()),
        case.opened_at,
        topic=case.topic,
        channel=case.channel,
    )
    notes = []
    for which, event in events.items():
        deadline = found[event]
        if isinstance(deadline, NoPromise):
            notes.append(str(deadline))
            continue
        setattr(case, f"{which}_due", deadline.due)
        setattr(case, f"{which}_promise", deadline.promise)
    return notes


@transaction.atomic
def case_open(
    *,
    actor,
    kind: str = CaseKind.COMPLAINT,
    subject: str,
    channel: str,
    customer=None,
    public_name: str = "",
    public_email: str = "",
    public_phone: str = "",
    complainant_type: str = "",
    directed_at: str = "",
    directed_at_detail: str = "",
    category=None,
    topic: str = "",
    severity: int = Severity.NORMAL,
    desired_outcome: str = "",
    description: str = "",
    involves_injury: bool = False,
    property_damage: bool = False,
    not_covered: bool = False,
    legal_threat: bool = False,
    competitor_threat: bool = False,
    complex: bool = False,
    opened_at: datetime | None = None,
    orders=(),
    returns=(),
    warranties=(),
    contact: Contact | None = None,
) -> Case:
    """Open a case. A complaint gets its due times from the charter and is routed by the
    procedure: injury and anything the officers' procedure does not cover go to the manager,
    property damage starts an insurance claim, threats and significant customers raise the
    severity and tell the account manager."""
    require(actor, "cases.add_case", "open cases")
    _choice(kind, CaseKind, "The kind of case", "kind")
    _choice(channel, Channel, "The channel", "channel")
    subject = clean_text(subject, 200, "A subject", "subject", required=True)
    if customer is None and not (public_name or public_email or public_phone):
        raise DomainError(
            "Choose the customer, or give the name and a way to reach the person.",
            field="customer",
        )
    if not complainant_type:
        complainant_type = ComplainantType.CUSTOMER if customer else ComplainantType.PUBLIC
    _choice(complainant_type, ComplainantType, "Who complained", "complainant_type")
    if directed_at:
        from ..models import DirectedAt

        _choice(directed_at, DirectedAt, "What it is directed at", "directed_at")
    try:
        severity = int(severity)
    except (TypeError, ValueError):
        raise DomainError("Choose a severity.", field="severity") from None
    _choice(severity, Severity, "The severity", "severity")
    now = timezone.now()
    opened_at = opened_at or now
    case = Case(
        reference=f"new-{uuid4().hex[:15]}",  # replaced by CASE-<id> below
        kind=kind,
        subject=subject,
        description=clean_text(description, 20_000, "The description", "description"),
        customer=customer,
        public_name=clean_text(public_name, 200, "The name", "public_name"),
        public_email=clean_text(public_email, 254, "The email address", "public_email"),
        public_phone=clean_text(public_phone, 40, "The phone number", "public_phone"),
        complainant_type=complainant_type,
        directed_at=directed_at,
        directed_at_detail=clean_text(directed_at_detail, 200, "Who or what", "directed_at_detail"),
        category=category,
        topic=clean_text(topic, 40, "The topic", "topic"),
        severity=severity,
        desired_outcome=clean_text(
            desired_outcome, 5_000, "The desired outcome", "desired_outcome"
        ),
        channel=channel,
        involves_injury=involves_injury,
        property_damage=property_damage,
        not_covered=not_covered,
        legal_threat=legal_threat,
        competitor_threat=competitor_threat,
        complex=complex,
        significant_customer=is_significant(customer),
        opened_by=actor,
        owner=actor,
        opened_at=opened_at,
        updated_at=now,
    )
    notes = _due_times(case)
    routed = _route(case, at=opened_at) if kind == CaseKind.COMPLAINT else None
    case.save()  # once, routed: the audit trail records the case as it was opened
    case.reference = f"CASE-{case.pk}"
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    opened = [
        CaseEvent(
            case=case,
            kind=CaseEventKind.OPENED,
            by=actor,
            at=opened_at,
            to_status=CaseStatus.RECEIVED,
            text=f"{case.get_kind_display()} received by "
            f"{case.get_channel_display().lower()} and logged.",
        ),
        *(
            CaseEvent(case=case, kind=CaseEventKind.NOTE, by=actor, at=opened_at, text=note)
            for note in notes
        ),
    ]
    if routed is not None:  # the story's first events and the routing's in one insert
        opened = _record_routing(case, *routed, actor=actor, at=opened_at, events=opened)
    else:
        CaseEvent.objects.bulk_create(opened)
    linked = _link(
        case, orders=orders, returns=returns, warranties=warranties, actor=actor, at=opened_at
    )
    # The whole story so far, in its order (one moment, written in turn): the answer that
    # shows the case just opened needs not read it back (``selectors.opened_case``).
    case.first_events = [*opened, linked] if linked is not None else opened
    if contact is not None:
        Contact.objects.filter(pk=contact.pk).update(case=case)
        contact.case = case
    return case


def _link(case, *, orders=(), returns=(), warranties=(), actor=None, at=None) -> CaseEvent | None:
    """Link the records; returns the event that says so, if any were given."""
    linked = []
    for field, items in (("orders", orders), ("returns", returns), ("warranties", warranties)):
        items = [item for item in items if item is not None]
        if items:
            if case.customer_id and any(i.customer_id != case.customer_id for i in items):
                raise DomainError("A case can only link records of its own customer.", field=field)
            getattr(case, field).add(*items)
            linked += [getattr(i, "reference", None) or str(i) for i in items]
    if not linked:
        return None
    return _event(
        case, CaseEventKind.LINKED, by=actor, at=at, text="Linked " + ", ".join(linked) + "."
    )


@transaction.atomic
def case_link(*, actor, case: Case, orders=(), returns=(), warranties=()) -> Case:
    require(actor, "cases.change_case", "change cases")
    _link(case, orders=orders, returns=returns, warranties=warranties, actor=actor)
    return case


@transaction.atomic
def case_update_facts(*, actor, case: Case, **facts) -> Case:
    """Record what the investigation found (injury, property damage, a threat...) and route
    again: a rule that now fires applies from here on."""
    require(actor, "cases.change_case", "change cases")
    case = _locked(case)
    allowed = {
        "involves_injury",
        "property_damage",
        "not_covered",
        "legal_threat",
        "competitor_threat",
        "complex",
        "severity",
        "category",
        "directed_at",
        "directed_at_detail",
        "desired_outcome",
        "description",
    }
    unknown = set(facts) - allowed
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in facts.items():
        setattr(case, name, value)
    if case.kind == CaseKind.COMPLAINT:
        _apply_routing(case, actor=actor, at=timezone.now())
    case.updated_at = timezone.now()
    case.save()
    return case
