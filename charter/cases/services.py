"""Every write about contacts and cases.

A case changes step only through ``case_step``, which checks the procedure (``rules``), writes
the case's story and sets the step's time. Opening a complaint applies the procedure's routing
rules and takes its due times from the charter's promises. Money and goods given to put a
complaint right go through the authority limits (``accounts.services.authority_require``);
above the actor's limit they wait, and ``approval_decided`` completes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from uuid import uuid4

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalRequest, ApprovalStatus, AuthorityAction, RoleCode
from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.core.guards import clean_text, require
from charter.core.selectors import business_calendar
from charter.core.tasks import enqueue_on_commit
from charter.customers.models import Channel
from charter.orders import services as orders_services
from charter.orders.models import Order
from charter.standards.models import PromiseEvent, PromiseUnit
from charter.standards.selectors import NoPromise, PromiseBook, deadline_for, deadlines_for

from . import rules
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseSettings,
    CaseStatus,
    ComplainantType,
    Contact,
    Direction,
    Email,
    EscalationLevel,
    MailStatus,
    ReplyTemplate,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Severity,
    Situation,
)

MAX_AMOUNT = Decimal("1e10")
MANAGE_COMPLEX = "cases.manage_complex_case"

# What each resolution asks of the authority limits; the rest need none.
RESOLUTION_ACTIONS = {
    ResolutionKind.REFUND: AuthorityAction.REFUND,
    ResolutionKind.GOODWILL_REFUND: AuthorityAction.REFUND,
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


def case_settings() -> CaseSettings:
    return CaseSettings.objects.order_by("pk").first() or CaseSettings.objects.create()


def _event(case, kind, *, by=None, text="", at=None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, by=by, text=text, at=at or timezone.now(), **fields
    )


def _choice(value, choices, label: str, field: str):
    if value not in choices.values:
        options = ", ".join(str(v) for v in choices.labels)
        raise DomainError(f"{label} must be one of: {options}.", field=field)
    return value


# --- Contacts ---------------------------------------------------------------------------------


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


# --- Opening a case ---------------------------------------------------------------------------


def is_significant(customer) -> bool:
    if customer is None:
        return False
    return customer.annual_value >= case_settings().significant_annual_value


def _due_times(case: Case) -> list[str]:
    """Set the acknowledgement and resolution due times from the charter; returns notes for
    the story when the charter has no promise for one."""
    if case.kind == CaseKind.COMPLAINT:
        events = {
            "acknowledge": PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            "resolve": PromiseEvent.COMPLAINT_RESOLVE,
        }
    else:
        events = {"resolve": PromiseEvent.ENQUIRY_REPLY}
    found = deadlines_for(case.customer, list(events.values()), case.opened_at, topic=case.topic)
    notes = []
    for which, event in events.items():
        deadline = found[event]
        if isinstance(deadline, NoPromise):
            notes.append(str(deadline))
            continue
        setattr(case, f"{which}_due", deadline.due)
        setattr(case, f"{which}_promise", deadline.promise)
    return notes


def _managers():
    return accounts_selectors.users_with_role(RoleCode.CUSTOMER_SERVICE_MANAGER).order_by("pk")


def _route(case: Case, *, at) -> tuple[rules.Routing, list[str]]:
    """Apply the procedure's routing to the case's fields (not saved); returns the routing and
    the reasons that are new to this case."""
    routing = rules.route(
        rules.RoutingFacts(
            severity=case.severity,
            involves_injury=case.involves_injury,
            property_damage=case.property_damage,
            not_covered=case.not_covered,
            legal_threat=case.legal_threat,
            competitor_threat=case.competitor_threat,
            significant_customer=case.significant_customer,
            marked_complex=case.complex,
        )
    )
    case.severity = routing.severity
    case.complex = routing.complex
    known = set(case.routing)
    new_reasons = [reason for reason in routing.reasons if reason not in known]
    case.routing = [*case.routing, *new_reasons]
    if routing.to_manager and case.escalation != EscalationLevel.MANAGER:
        case.escalation = EscalationLevel.MANAGER
        case.escalated_at = at
        if case.owner is None or not case.owner.has_perm(MANAGE_COMPLEX):
            case.owner = _managers().first()
    return routing, new_reasons


def _record_routing(case: Case, routing, new_reasons, *, actor, at) -> None:
    """The routing's story, and the account manager told (once the case is saved)."""
    if (
        routing.notify_account_manager
        and new_reasons
        and case.customer_id
        and case.customer.account_manager_id
    ):
        from .tasks import tell_account_manager

        enqueue_on_commit(tell_account_manager, case.pk)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEventKind.ROUTED, by=actor, text=reason, at=at)
        for reason in new_reasons
    )


def _apply_routing(case: Case, *, actor, at) -> rules.Routing:
    routing, new_reasons = _route(case, at=at)
    _record_routing(case, routing, new_reasons, actor=actor, at=at)
    return routing


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
        from .models import DirectedAt

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
    CaseEvent.objects.bulk_create(
        [
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
    )
    if routed is not None:
        _record_routing(case, *routed, actor=actor, at=opened_at)
    _link(case, orders=orders, returns=returns, warranties=warranties, actor=actor, at=opened_at)
    if contact is not None:
        Contact.objects.filter(pk=contact.pk).update(case=case)
        contact.case = case
    return case


def _link(case, *, orders=(), returns=(), warranties=(), actor=None, at=None) -> None:
    linked = []
    for field, items in (("orders", orders), ("returns", returns), ("warranties", warranties)):
        items = [item for item in items if item is not None]
        if items:
            if case.customer_id and any(i.customer_id != case.customer_id for i in items):
                raise DomainError("A case can only link records of its own customer.", field=field)
            getattr(case, field).add(*items)
            linked += [getattr(i, "reference", None) or str(i) for i in items]
    if linked:
        _event(
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


def _locked(case: Case) -> Case:
    # Lock the case row only (its customer and owner may be empty: outer joins).
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("customer", "owner")
        .get(pk=case.pk)
    )


# --- The procedure ----------------------------------------------------------------------------


def facts_for(case: Case) -> rules.CaseFacts:
    resolutions = [r.status for r in case.resolutions.all()]  # prefetched on the case page
    return rules.CaseFacts(
        kind=case.kind,
        status=case.status,
        paused=case.paused_at is not None,
        complex=case.complex,
        involves_injury=case.involves_injury,
        needs_manager=case.escalation == EscalationLevel.MANAGER,
        owner_is_manager=bool(case.owner and case.owner.has_perm(MANAGE_COMPLEX)),
        callback_agreed=case.callback_at is not None,
        has_resolution=any(s != ResolutionStatus.REJECTED for s in resolutions),
        resolution_waiting=ResolutionStatus.AWAITING_APPROVAL in resolutions,
        system_action=bool(case.system_action.strip()),
        customer_action=bool(case.customer_action.strip()),
        follow_up_set=case.follow_up_due is not None,
        referred_to=bool(case.referred_to.strip()),
    )


def _follow_up_due(case: Case, at: datetime) -> datetime:
    try:
        return deadline_for(case.customer, PromiseEvent.FOLLOW_UP, at).due
    except NoPromise:
        days = case_settings().follow_up_business_days
        return business_calendar().add_business_days(at, days)


@transaction.atomic
def case_step(
    *, actor, case: Case, to: str, note: str = "", outcome: str = "", referred_to: str = ""
) -> Case:
    """Move a case to the procedure's next step, or refuse with the reason."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if referred_to:
        case.referred_to = clean_text(referred_to, 200, "The outside body", "referred_to")
    refusal = rules.step_refusal(facts_for(case), to)
    if refusal:
        raise Conflict(refusal)
    if case.kind == CaseKind.COMPLAINT and to in (CaseStatus.CLOSED, CaseStatus.REFERRED):
        action = (
            AuthorityAction.CLOSE_COMPLAINT
            if to == CaseStatus.CLOSED
            else AuthorityAction.REFER_OUTSIDE
        )
        decision = accounts_selectors.authority_check(actor=actor, action=action)
        if not decision.allowed:
            raise NotPermitted(decision.reason)
    now = timezone.now()
    before = case.status
    case.status = to
    if to != CaseStatus.RECEIVED and case.acknowledged_at is None:
        case.acknowledged_at = now
    if to == CaseStatus.NOTIFIED:
        case.notified_at = now
        if case.follow_up_due is None:
            case.follow_up_due = _follow_up_due(case, now)
    elif to == CaseStatus.FOLLOWED_UP:
        case.followed_up_at = now
    elif to == CaseStatus.CLOSED:
        case.closed_at = now
    if outcome:
        case.outcome = clean_text(outcome, 2_000, "The outcome", "outcome")
    case.updated_at = now
    case.save()
    text = f"{rules.STEP_LABELS[before].capitalize()} → {rules.STEP_LABELS[to]}."
    if to == CaseStatus.REFERRED:
        text += f" Referred to {case.referred_to}."
    if note.strip():
        text += " " + note.strip()
    _event(case, CaseEventKind.STEP, by=actor, at=now, from_status=before, to_status=to, text=text)
    return case


@transaction.atomic
def case_escalate(*, actor, case: Case, to: str, reason: str, owner=None) -> Case:
    """Escalate to a supervisor or the customer service manager. The case goes to ``owner``
    when given (who must hold the level's role), else to the first of them."""
    require(actor, "cases.escalate_case", "escalate cases")
    case = _locked(case)
    if not case.is_open:
        raise Conflict("The case is closed.")
    if to not in (EscalationLevel.SUPERVISOR, EscalationLevel.MANAGER):
        raise DomainError("Escalate to a supervisor or the customer service manager.", field="to")
    reason = clean_text(reason, 2_000, "The reason for escalating", "reason", required=True)
    levels = [EscalationLevel.NONE, EscalationLevel.SUPERVISOR, EscalationLevel.MANAGER]
    if levels.index(to) <= levels.index(case.escalation or EscalationLevel.NONE):
        raise Conflict(f"The case is already with the {case.get_escalation_display().lower()}.")
    role = (
        RoleCode.SUPERVISOR
        if to == EscalationLevel.SUPERVISOR
        else RoleCode.CUSTOMER_SERVICE_MANAGER
    )
    holders = accounts_selectors.users_with_role(role).order_by("pk")
    if owner is not None:
        if not holders.filter(pk=owner.pk).exists():
            raise DomainError(f"{owner} is not a {RoleCode(role).label.lower()}.", field="owner")
    else:
        owner = holders.first()
    now = timezone.now()
    case.escalation, case.escalated_at, case.updated_at = to, now, now
    if owner is not None:
        case.owner = owner
    case.save()
    who = owner.get_full_name() if owner else f"the {EscalationLevel(to).label.lower()}"
    _event(case, CaseEventKind.ESCALATED, by=actor, at=now, text=f"Escalated to {who}: {reason}")
    from .tasks import tell_owner

    enqueue_on_commit(tell_owner, case.pk, f"Escalated to you: {reason}")
    return case


@transaction.atomic
def case_assign(*, actor, case: Case, owner) -> Case:
    """Give a case to someone (a supervisor sharing out work, a manager taking it)."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if case.escalation == EscalationLevel.MANAGER and not owner.has_perm(MANAGE_COMPLEX):
        raise DomainError("The procedure keeps this complaint with the manager.", field="owner")
    if not owner.has_perm("cases.change_case"):
        raise DomainError(f"{owner} does not work on cases.", field="owner")
    case.owner, case.updated_at = owner, timezone.now()
    case.save(update_fields=["owner", "updated_at"])
    _event(case, CaseEventKind.NOTE, by=actor, text=f"Given to {owner.get_full_name() or owner}.")
    return case


@transaction.atomic
def case_callback(*, actor, case: Case, at: datetime) -> Case:
    """Record the time agreed for the manager to call the customer back."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if at < timezone.now() - timedelta(minutes=5):
        raise DomainError("The call-back time agreed is in the past.", field="callback_at")
    case.callback_at, case.updated_at = at, timezone.now()
    case.save(update_fields=["callback_at", "updated_at"])
    local = business_calendar().local(at)
    _event(
        case, CaseEventKind.NOTE, by=actor, text=f"Call-back agreed for {local:%a %d %b %Y, %H:%M}."
    )
    return case


@transaction.atomic
def case_plan(
    *, actor, case: Case, system_action: str, customer_action: str, follow_up_due: datetime
) -> Case:
    """The manager's procedure for a complex complaint: actions at system level and for the
    customer, decided before the customer is contacted, and the follow-up date."""
    require(actor, MANAGE_COMPLEX, "plan complex complaints")
    case = _locked(case)
    case.system_action = clean_text(
        system_action, 5_000, "The system-level action", "system_action", required=True
    )
    case.customer_action = clean_text(
        customer_action, 5_000, "What we do for the customer", "customer_action", required=True
    )
    if follow_up_due is None or follow_up_due <= timezone.now():
        raise DomainError("The follow-up date must be in the future.", field="follow_up_due")
    case.follow_up_due = follow_up_due
    case.updated_at = timezone.now()
    case.save()
    _event(
        case,
        CaseEventKind.NOTE,
        by=actor,
        text=(
            f"Manager's plan. System level: {case.system_action} For the customer: "
            f"{case.customer_action}"
        ),
    )
    return case


@transaction.atomic
def case_insurance_claim(*, actor, case: Case, claim: str) -> Case:
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    case.insurance_claim = clean_text(
        claim, 60, "The claim form's number", "insurance_claim", required=True
    )
    case.updated_at = timezone.now()
    case.save(update_fields=["insurance_claim", "updated_at"])
    _event(
        case, CaseEventKind.NOTE, by=actor, text=f"Insurance claim {case.insurance_claim} started."
    )
    return case


@transaction.atomic
def case_note(*, actor, case: Case, text: str) -> CaseEvent:
    require(actor, "cases.change_case", "work on cases")
    return _event(
        case,
        CaseEventKind.NOTE,
        by=actor,
        text=clean_text(text, 10_000, "The note", "text", required=True),
    )


# --- Waiting for the customer -----------------------------------------------------------------


@transaction.atomic
def case_pause(*, actor, case: Case, reason: str) -> Case:
    """Stop the resolution clock while we wait for the customer."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if not case.is_open:
        raise Conflict("The case is closed.")
    if case.paused_at:
        raise Conflict("The case is already waiting for the customer.")
    now = timezone.now()
    case.paused_at = now
    case.pause_reason = clean_text(reason, 200, "What we are waiting for", "reason", required=True)
    case.updated_at = now
    case.save()
    _event(
        case,
        CaseEventKind.PAUSED,
        by=actor,
        at=now,
        text=f"Waiting for the customer: {case.pause_reason}",
    )
    return case


def _resume(case: Case, *, actor, at: datetime, why: str) -> None:
    """Restart the clock: the resolution due time moves by the time waited, counted as the
    promise counts (business hours for business promises, plain time for calendar days)."""
    waited_from = case.paused_at
    if case.resolve_due and waited_from and at > waited_from:
        unit = case.resolve_promise.unit if case.resolve_promise_id else None
        if unit == PromiseUnit.CALENDAR_DAYS:
            case.resolve_due += at - waited_from
        else:
            calendar = business_calendar()
            hours = calendar.business_hours_between(waited_from, at)
            if hours:
                case.resolve_due = calendar.add_business_hours(case.resolve_due, hours)
    case.paused_at, case.pause_reason, case.updated_at = None, "", timezone.now()
    case.save()
    local = business_calendar().local(case.resolve_due) if case.resolve_due else None
    moved = f" Resolution now due {local:%a %d %b %Y, %H:%M}." if local else ""
    _event(case, CaseEventKind.RESUMED, by=actor, at=at, text=f"{why}.{moved}")


@transaction.atomic
def case_resume(*, actor, case: Case) -> Case:
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if not case.paused_at:
        raise Conflict("The case is not waiting for the customer.")
    _resume(case, actor=actor, at=timezone.now(), why="Resumed")
    return case


# --- Resolutions ------------------------------------------------------------------------------


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


def deadlines_check(*, now: datetime | None = None) -> dict[str, int]:
    """Record every deadline missed and warn before one is: found by query over the due
    times, each recorded once, so a check that did not run for a while catches up. A missed
    resolution is escalated to a supervisor when nobody above the officer has it yet."""
    from .selectors import breaching, unacknowledged_breaching, warning_due

    now = now or timezone.now()
    counts = {"acknowledge_breached": 0, "resolve_breached": 0, "warned": 0}
    for case in unacknowledged_breaching(now):
        with transaction.atomic():
            marked = Case.objects.filter(pk=case.pk, acknowledge_breached_at__isnull=True).update(
                acknowledge_breached_at=now
            )
            if marked:
                counts["acknowledge_breached"] += 1
                _event(
                    case,
                    CaseEventKind.BREACHED,
                    at=now,
                    text="Not acknowledged by the time the charter promises.",
                )
    for case in breaching(now):
        with transaction.atomic():
            marked = Case.objects.filter(pk=case.pk, resolve_breached_at__isnull=True).update(
                resolve_breached_at=now
            )
            if not marked:
                continue
            counts["resolve_breached"] += 1
            _event(
                case,
                CaseEventKind.BREACHED,
                at=now,
                text="Not resolved by the time the charter promises.",
            )
            if not case.escalation:
                supervisor = accounts_selectors.users_with_role(RoleCode.SUPERVISOR).first()
                Case.objects.filter(pk=case.pk).update(
                    escalation=EscalationLevel.SUPERVISOR,
                    escalated_at=now,
                    owner=supervisor or case.owner,
                )
                _event(
                    case,
                    CaseEventKind.ESCALATED,
                    at=now,
                    text="Escalated to the supervisor: the resolution deadline passed.",
                )
                told = "Escalated to you: the resolution deadline passed."
            else:
                told = "The resolution deadline passed."
            from .tasks import tell_owner

            enqueue_on_commit(tell_owner, case.pk, told)
    warn = timedelta(hours=case_settings().warn_hours_before)
    for case in warning_due(now, warn):
        marked = Case.objects.filter(pk=case.pk, warned_at__isnull=True).update(warned_at=now)
        if marked:
            counts["warned"] += 1
            _event(case, CaseEventKind.WARNED, at=now, text="The resolution deadline is near.")
            from .tasks import tell_owner

            enqueue_on_commit(tell_owner, case.pk, "The resolution deadline is near.")
    return counts


# --- Email --------------------------------------------------------------------------------------


def _customers_by_address(addresses: set[str]) -> dict:
    """The customers email addresses belong to (theirs, or one of their contacts'), by the
    lower-case address indexes: two queries for any number of addresses."""
    from django.db.models.functions import Lower

    from charter.customers.models import Contact as CustomerContact
    from charter.customers.models import Customer

    found: dict = {}
    if not addresses:
        return found
    people = (
        CustomerContact.objects.annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .select_related("customer")
    )
    for person in people:
        found.setdefault(person.address, person.customer)
    own = Customer.objects.annotate(address=Lower("email")).filter(
        address__in=addresses, erased_at__isnull=True
    )
    for customer in own:
        found[customer.address] = customer  # the customer's own address first
    return found


def _read(raw: bytes):
    """A message parsed, or the reason it cannot be filed."""
    from . import mail

    try:
        return mail.parse(raw)
    except mail.Unreadable as problem:
        return problem.reason
    except Exception as error:  # the parser itself failed: keep the message, say why
        return f"The message could not be parsed ({error.__class__.__name__}: {error})."


@transaction.atomic
def email_receive(*, raw: bytes, source: str = "") -> Email:
    """File one inbound email (see ``emails_receive``)."""
    return emails_receive([(source, raw)])[0]


@transaction.atomic
def emails_receive(messages: list[tuple[str, bytes]]) -> list[Email]:
    """File inbound emails, in order: each becomes a contact on the case it belongs to (by
    Message-ID in In-Reply-To and References, nearest first, then by a case reference in the
    subject), or opens a case (a complaint when it reads like one) for the customer whose
    address it is, or for a member of the public. Attachments are kept. A message that cannot
    be read is kept aside with the reason and its raw bytes, never dropped; a message already
    filed (by its Message-ID) is not filed again.

    Written in bulk: the reads are a fixed number of queries for the whole list, and cases,
    contacts, stories and emails are inserted together. Each Email row and the case's story
    record what intake did (bulk inserts are not in the audit trail, as with imports)."""
    now = timezone.now()
    read = [(source, raw, _read(raw)) for source, raw in messages]
    good = [p for _, _, p in read if not isinstance(p, str)]
    ids = {p.message_id for p in good if p.message_id}
    earlier = {
        e.message_id: e
        for e in Email.objects.filter(message_id__in=ids, direction=Direction.INBOUND)
    }
    pointers = {one for p in good for one in rules.thread_ids(p.in_reply_to, p.references)}
    known = dict(
        Email.objects.filter(message_id__in=pointers, case__isnull=False).values_list(
            "message_id", "case_id"
        )
    )
    named = {r for p in good if (r := rules.reference_in_subject(p.subject))}
    by_reference = dict(Case.objects.filter(reference__in=named).values_list("reference", "pk"))
    cases = Case.objects.select_related("customer").in_bulk(
        set(known.values()) | set(by_reference.values())
    )
    by_address = _customers_by_address({p.from_address.lower() for p in good})
    book = PromiseBook(
        [
            PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            PromiseEvent.COMPLAINT_RESOLVE,
            PromiseEvent.ENQUIRY_REPLY,
        ],
        customers=by_address.values(),
    )
    threshold = case_settings().significant_annual_value

    # Decide each message's case: an existing one, or a new one (an index into ``new``).
    new: list[Case] = []
    notes: list[list[str]] = []
    targets: dict[int, tuple] = {}
    thread: dict[str, tuple] = {}  # Message-ID in this list -> its target
    first_of: dict[str, int] = {}  # Message-ID -> the slot that files it
    for slot, (_, _, p) in enumerate(read):
        if isinstance(p, str) or (p.message_id and p.message_id in earlier):
            continue
        if p.message_id and p.message_id in first_of:
            continue
        target = None
        for one in rules.thread_ids(p.in_reply_to, p.references):
            if one in thread:
                target = thread[one]
                break
            if one in known and known[one] in cases:
                target = ("old", cases[known[one]])
                break
        reference = rules.reference_in_subject(p.subject)
        if target is None and reference in by_reference:
            target = ("old", cases[by_reference[reference]])
        previous = ""
        if target and target[0] == "old" and not target[1].is_open:
            previous, target = target[1].reference, None
        if target is None:
            customer = by_address.get(p.from_address.lower())
            case, case_notes = _case_from_email(p, customer, book, threshold, now, previous)
            target = ("new", len(new))
            new.append(case)
            notes.append(case_notes)
        targets[slot] = target
        if p.message_id:
            first_of[p.message_id] = slot
            thread[p.message_id] = target

    # Write: new cases, their references and stories; contacts; emails; attachments.
    Case.objects.bulk_create(new)
    if new:
        Case.objects.filter(pk__in=[c.pk for c in new]).update(
            reference=Concat(Value("CASE-"), Cast("pk", output_field=CharField()))
        )
    events = []
    for case, case_notes in zip(new, notes, strict=True):
        case.reference = f"CASE-{case.pk}"
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.OPENED,
                at=case.opened_at,
                to_status=CaseStatus.RECEIVED,
                text=f"{case.get_kind_display()} received by email and logged.",
            )
        )
        events += [
            CaseEvent(case=case, kind=CaseEventKind.NOTE, at=case.opened_at, text=note)
            for note in case_notes
        ]
        events += [
            CaseEvent(case=case, kind=CaseEventKind.ROUTED, at=case.opened_at, text=line)
            for line in case.routing
        ]
    CaseEvent.objects.bulk_create(events)

    def case_of(slot):
        kind, value = targets[slot]
        return new[value] if kind == "new" else value

    contacts = {}
    for slot, (_, _, p) in enumerate(read):
        if slot not in targets:
            continue
        case = case_of(slot)
        contacts[slot] = Contact(
            case=case,
            customer=case.customer,
            channel=Channel.EMAIL,
            direction=Direction.INBOUND,
            at=p.sent_at or now,
            created_at=now,
            summary=f"{p.subject or '(no subject)'}\n\n{p.body}".strip()[:20_000],
            public_name="" if case.customer_id else p.from_name,
            public_email="" if case.customer_id else p.from_address[:254],
        )
    Contact.objects.bulk_create(contacts.values())
    emails: dict[int, Email] = {}
    for slot, (source, raw, p) in enumerate(read):
        if isinstance(p, str):
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.QUARANTINED,
                problem=p,
                raw=raw,
                source=source[:300],
                received_at=now,
            )
        elif slot in targets:
            emails[slot] = Email(
                direction=Direction.INBOUND,
                status=MailStatus.ACCEPTED,
                problem="; ".join(p.problems),
                message_id=p.message_id,
                in_reply_to=p.in_reply_to,
                references=p.references,
                from_address=p.from_address,
                from_name=p.from_name,
                to=p.to,
                subject=p.subject,
                body=p.body,
                sent_at=p.sent_at,
                received_at=now,
                raw=raw,
                source=source[:300],
                case=case_of(slot),
                contact=contacts[slot],
            )
    Email.objects.bulk_create(emails.values())
    Attachment.objects.bulk_create(
        Attachment(
            email=emails[slot],
            filename=a.filename,
            content_type=a.content_type[:120],
            size=len(a.content),
            content=a.content,
        )
        for slot, (_, _, p) in enumerate(read)
        if slot in targets
        for a in p.attachments
    )

    # What follows from filing: a paused case restarts, new cases are acknowledged, and the
    # account managers of significant customers are told.
    replied = {id(c): c for s, c in ((s, case_of(s)) for s in targets) if c.paused_at}
    for case in replied.values():
        _resume(_locked(case), actor=None, at=now, why="The customer replied by email")
    if new:
        from .tasks import send_acknowledgements, tell_account_manager

        enqueue_on_commit(send_acknowledgements, [c.pk for c in new])
        for case in new:
            if case.routing and case.customer_id and case.customer.account_manager_id:
                enqueue_on_commit(tell_account_manager, case.pk)

    results: list[Email] = []
    for slot, (_, _, p) in enumerate(read):
        if slot in emails:
            results.append(emails[slot])
        elif p.message_id in earlier:
            results.append(earlier[p.message_id])
        else:
            results.append(emails[first_of[p.message_id]])
    return results


def _case_from_email(parsed, customer, book, threshold, now, previous: str):
    """A new case for an email (unsaved), with its due times and routing, and notes for its
    story when the charter has no promise for one."""
    kind = rules.kind_from_text(parsed.subject, parsed.body)
    description = (f"Follows up {previous}, which was closed.\n\n" if previous else "") + (
        parsed.body[:20_000]
    )
    case = Case(
        reference=f"new-{uuid4().hex[:15]}",
        kind=kind,
        subject=(parsed.subject or "(no subject)")[:200],
        description=description,
        customer=customer,
        public_name="" if customer else parsed.from_name[:200],
        public_email="" if customer else parsed.from_address[:254],
        complainant_type=ComplainantType.CUSTOMER if customer else ComplainantType.PUBLIC,
        channel=Channel.EMAIL,
        significant_customer=bool(customer and customer.annual_value >= threshold),
        opened_at=now,
        updated_at=now,
    )
    events = (
        {
            "acknowledge": PromiseEvent.COMPLAINT_ACKNOWLEDGE,
            "resolve": PromiseEvent.COMPLAINT_RESOLVE,
        }
        if kind == CaseKind.COMPLAINT
        else {"resolve": PromiseEvent.ENQUIRY_REPLY}
    )
    notes = []
    for which, event in events.items():
        found = book.deadline(customer, event, now)
        if isinstance(found, NoPromise):
            notes.append(str(found))
            continue
        setattr(case, f"{which}_due", found.due)
        setattr(case, f"{which}_promise", found.promise)
    if kind == CaseKind.COMPLAINT:
        _route(case, at=now)
    return case, notes


def reply_template(situation: str) -> ReplyTemplate | None:
    return (
        ReplyTemplate.objects.filter(situation=situation, approved_at__isnull=False)
        .order_by("-version")
        .first()
    )


def _placeholders(case: Case, actor) -> dict[str, str]:
    from charter.standards.selectors import current_version

    calendar = business_calendar()

    def when(moment):
        return f"{calendar.local(moment):%A %-d %B %Y, %-I:%M %p}" if moment else ""

    order = case.orders.order_by("-placed_at").first()
    done = case.resolutions.filter(status=ResolutionStatus.DONE).order_by("-at").first()
    charter = current_version()
    values = {
        "customer_name": case.customer.name if case.customer_id else case.public_name,
        "case_reference": case.reference,
        "subject": case.subject,
        "officer_name": (actor.get_full_name() or actor.username) if actor else "",
        "acknowledge_due": when(case.acknowledge_due),
        "resolve_due": when(case.resolve_due),
        "promise": case.resolve_promise.wording if case.resolve_promise_id else "",
        "order_reference": order.reference if order else "",
        "remedy": done.description if done else "",
        "follow_up_date": when(case.follow_up_due),
        "external_body": charter.external_dispute_body if charter else "",
        "organisation": calendar_name(),
    }
    assert set(values) == set(rules.PLACEHOLDERS)  # the list wording is checked against
    return values


@transaction.atomic
def reply_templates_approve(*, actor, templates) -> int:
    """Approve wording for use (the customer service manager's call). Wording with a
    placeholder nothing fills is refused, naming it; approved wording is never re-approved.
    Returns how many were approved."""
    require(actor, "cases.approve_replytemplate", "approve reply wording")
    waiting = list(templates.filter(approved_at__isnull=True).select_for_update())
    for template in waiting:
        unknown = rules.unknown_placeholders(template.subject + " " + template.body)
        if unknown:
            raise DomainError(
                f"{template} uses {', '.join('{' + name + '}' for name in unknown)}, which "
                "nothing fills. Placeholders: "
                + ", ".join("{" + name + "}" for name in rules.PLACEHOLDERS)
                + "."
            )
    now = timezone.now()
    for template in waiting:
        template.approved_by, template.approved_at = actor, now
        template.save(update_fields=["approved_by", "approved_at"])
    return len(waiting)


def calendar_name() -> str:
    from charter.core.selectors import organisation_current

    return organisation_current().name


def reply_draft(*, actor, case: Case, situation: str) -> tuple[str, str, list[str]]:
    """The approved wording for ``situation`` filled from the case: subject, body, and the
    placeholders it had nothing for (left as [name] for a person to fill in)."""
    _choice(situation, Situation, "The situation", "situation")
    template = reply_template(situation)
    if template is None:
        raise DomainError(
            f"There is no approved wording for {Situation(situation).label.lower()} yet: ask "
            "the customer service manager to add one.",
            field="situation",
        )
    values = _placeholders(case, actor)
    subject, missing_subject = rules.fill(template.subject, values)
    body, missing_body = rules.fill(template.body, values)
    missing = list(dict.fromkeys(missing_subject + missing_body))
    if f"[{case.reference}]" not in subject:
        subject = f"[{case.reference}] {subject}"
    return subject, body, missing


@transaction.atomic
def email_send(*, actor, case: Case, subject: str, body: str, situation: str = "") -> Email:
    """Email the customer about the case through Django's email backend, threaded to their
    last message, and log it as an outbound contact (which acknowledges the case)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.core.mail.message import make_msgid

    require(actor, "cases.add_contact", "email customers")
    to = case.customer.email if case.customer_id else case.public_email
    if not to:
        raise DomainError("The case has no email address to write to: call them instead.")
    subject = clean_text(subject, 500, "A subject", "subject", required=True)
    body = clean_text(body, 50_000, "The message", "body", required=True)
    left = rules.PLACEHOLDER_LEFT.findall(subject + body)
    if left:
        raise DomainError(
            "Fill in before sending: " + ", ".join(sorted(set(left))) + ".", field="body"
        )
    last = case.emails.filter(direction=Direction.INBOUND).exclude(message_id="").first()
    message_id = make_msgid(domain="charter.local")
    headers = {"Message-ID": message_id}
    if last is not None:
        headers["In-Reply-To"] = last.message_id
        headers["References"] = f"{last.references} {last.message_id}".strip()
    now = timezone.now()
    email = Email(
        direction=Direction.OUTBOUND,
        message_id=message_id,
        to=to,
        subject=subject,
        body=body,
        from_address=settings.DEFAULT_FROM_EMAIL,
        sent_at=now,
        received_at=now,
        case=case,
        in_reply_to=headers.get("In-Reply-To", ""),
        references=headers.get("References", ""),
    )
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers).send()
    except Exception as error:  # the server refused or is down: record it, say so
        email.status, email.problem = MailStatus.FAILED, f"{error.__class__.__name__}: {error}"
        email.save()
        raise DomainError(f"The email could not be sent ({error}). Try again, or call.") from None
    email.status = MailStatus.SENT
    email.contact = contact_log(
        actor=actor,
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        summary=f"Emailed: {subject}",
        at=now,
    )
    email.save()
    label = Situation(situation).label if situation in Situation.values else "Email"
    _event(case, CaseEventKind.EMAIL, by=actor, at=now, text=f"{label} sent to {to}.")
    return email


# --- Erasure ----------------------------------------------------------------------------------
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
