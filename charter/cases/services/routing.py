"""The procedure's routing rules applied to a complaint, and recorded in its story."""

from __future__ import annotations

from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts.models import RoleCode
from charter.core.tasks import enqueue_on_commit

from .. import rules
from ..models import Case, CaseEvent, CaseEventKind, EscalationLevel
from .common import MANAGE_COMPLEX


def _manager_present(at):
    """The customer service manager who is here (not on leave) when the case is routed."""
    return accounts_selectors.holder_present(
        RoleCode.CUSTOMER_SERVICE_MANAGER, timezone.localtime(at).date()
    )


def _route(case: Case, *, at) -> tuple[rules.Routing, list[str], bool]:
    """Apply the procedure's routing to the case's fields (not saved); returns the routing,
    the reasons that are new to this case, and whether it was sent to the manager just now."""
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
    sent = routing.to_manager and case.escalation != EscalationLevel.MANAGER
    if sent:
        case.escalation = EscalationLevel.MANAGER
        case.escalated_at = at
        if case.owner is None or not case.owner.has_perm(MANAGE_COMPLEX):
            case.owner = _manager_present(at)
    return routing, new_reasons, sent


def _record_routing(
    case: Case, routing, new_reasons, sent=False, *, actor, at, events=()
) -> list[CaseEvent]:
    """The routing's story, the account manager told, and the manager it was sent to told at
    once with the call-back she must keep (by email once the case is saved; her home page
    lists it). ``events`` written before the routing's go in the same insert; returns all
    the events written."""
    if sent and case.owner_id and (actor is None or case.owner_id != actor.pk):
        enqueue_on_commit("charter.cases.tasks.tell_manager_routed", case.pk)
    if (
        routing.notify_account_manager
        and new_reasons
        and case.customer_id
        and case.customer.account_manager_id
    ):
        enqueue_on_commit("charter.cases.tasks.tell_account_manager", case.pk)
    return CaseEvent.objects.bulk_create(
        [
            *events,
            *(
                CaseEvent(case=case, kind=CaseEventKind.ROUTED, by=actor, text=reason, at=at)
                for reason in new_reasons
            ),
        ]
    )


def _apply_routing(case: Case, *, actor, at) -> rules.Routing:
    routing, new_reasons, sent = _route(case, at=at)
    _record_routing(case, routing, new_reasons, sent, actor=actor, at=at)
    return routing
