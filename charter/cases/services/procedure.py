"""The complaints procedure: steps, escalation, owners, call-backs, the manager's plan,
notes, and waiting for the customer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts.models import AuthorityAction, RoleCode
from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.core.guards import clean_text, require
from charter.core.selectors import business_calendar
from charter.core.tasks import enqueue_on_commit
from charter.standards.models import PromiseEvent, PromiseUnit
from charter.standards.selectors import NoPromise, channel_calendar, deadline_for

from .. import rules
from ..models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    EscalationLevel,
    ResolutionStatus,
)
from .common import MANAGE_COMPLEX, _event, case_settings


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


def hands_for(case: Case, actor) -> rules.Hands:
    """Who holds ``case`` and where ``actor`` stands beside them (ranks read only for a
    manager's case someone else owns)."""
    owner = case.owner
    owner_is_manager = bool(owner and owner.has_perm(MANAGE_COMPLEX))
    managers_case = case.escalation == EscalationLevel.MANAGER or owner_is_manager
    if not managers_case or actor is None:
        return rules.Hands(managers_case=managers_case, actor_is_owner=actor is None)
    if owner is not None and owner.pk == actor.pk:
        return rules.Hands(managers_case=True, owner_name=str(owner), actor_is_owner=True)
    return rules.Hands(
        managers_case=True,
        owner_name=str(owner) if owner else "",
        # A superuser stands above every role.
        actor_rank=10_000 if actor.is_superuser else accounts_selectors.user_max_rank(actor),
        owner_rank=accounts_selectors.user_max_rank(owner) if owner else 0,
        actor_manages_complex=actor.has_perm(MANAGE_COMPLEX),
    )


def require_hands(actor, case: Case, doing: str) -> None:
    """Refuse (403) unless ``actor`` may do the owner's work on ``case``, by
    ``rules.handling_refusal``. The system itself (no actor) may."""
    refusal = rules.handling_refusal(hands_for(case, actor), doing)
    if refusal:
        raise NotPermitted(refusal)


def _follow_up_due(case: Case, at: datetime) -> datetime:
    try:
        return deadline_for(case.customer, PromiseEvent.FOLLOW_UP, at, channel=case.channel).due
    except NoPromise:
        days = case_settings().follow_up_business_days
        return channel_calendar(case.channel).add_business_days(at, days)


@transaction.atomic
def case_step(
    *, actor, case: Case, to: str, note: str = "", outcome: str = "", referred_to: str = ""
) -> Case:
    """Move a case to the procedure's next step, or refuse with the reason."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    require_hands(actor, case, "move it through its steps")
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
        owner = accounts_selectors.holder_present(role)  # someone who is not on leave
    now = timezone.now()
    case.escalation, case.escalated_at, case.updated_at = to, now, now
    if owner is not None:
        case.owner = owner
    case.save()
    who = owner.get_full_name() if owner else f"the {EscalationLevel(to).label.lower()}"
    _event(case, CaseEventKind.ESCALATED, by=actor, at=now, text=f"Escalated to {who}: {reason}")
    enqueue_on_commit("charter.cases.tasks.tell_owner", case.pk, f"Escalated to you: {reason}")
    return case


@transaction.atomic
def case_assign(*, actor, case: Case, owner) -> Case:
    """Give a case to someone (a supervisor sharing out work, a manager taking it)."""
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if case.owner_id != owner.pk:
        require_hands(actor, case, "give it to someone else")
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
    """Record the time agreed for the manager to call the customer back.

    The officer who takes the call agrees it (the procedure's steps 9 and 10: "agree a time
    for the customer service manager to call"), so anyone who works cases may record the
    first time agreed; moving a time already agreed is the owner's (``rules.handling_refusal``).
    An owner who did not record it is told by email.
    """
    require(actor, "cases.change_case", "work on cases")
    case = _locked(case)
    if case.callback_at is not None:
        require_hands(actor, case, "change the call-back time agreed")
    if at < timezone.now() - timedelta(minutes=5):
        raise DomainError("The call-back time agreed is in the past.", field="callback_at")
    case.callback_at, case.updated_at = at, timezone.now()
    case.save(update_fields=["callback_at", "updated_at"])
    local = business_calendar().local(at)
    text = f"Call-back agreed for {local:%a %d %b %Y, %H:%M}."
    _event(case, CaseEventKind.NOTE, by=actor, text=text)
    if case.owner_id and (actor is None or case.owner_id != actor.pk):
        enqueue_on_commit("charter.cases.tasks.tell_owner", case.pk, f"{text} Please call then.")
    return case


@transaction.atomic
def case_plan(
    *, actor, case: Case, system_action: str, customer_action: str, follow_up_due: datetime
) -> Case:
    """The manager's procedure for a complex complaint: actions at system level and for the
    customer, decided before the customer is contacted, and the follow-up date."""
    require(actor, MANAGE_COMPLEX, "plan complex complaints")
    case = _locked(case)
    require_hands(actor, case, "plan it")
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
    require_hands(actor, case, "pause it")
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
    promise counts (business hours for business promises, on the hours of the case's channel
    as its due time was; plain time for calendar days)."""
    waited_from = case.paused_at
    if case.resolve_due and waited_from and at > waited_from:
        unit = case.resolve_promise.unit if case.resolve_promise_id else None
        if unit == PromiseUnit.CALENDAR_DAYS:
            case.resolve_due += at - waited_from
        else:
            calendar = channel_calendar(case.channel)
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
    require_hands(actor, case, "resume it")
    if not case.paused_at:
        raise Conflict("The case is not waiting for the customer.")
    _resume(case, actor=actor, at=timezone.now(), why="Resumed")
    return case
