"""Home-page panels of this app; each builds its context with selectors, in fixed queries."""

from charter.core.audit_display import describe_entries
from charter.core.models import AuditEntry
from charter.core.selectors import audit_entries

from . import rules, selectors
from .models import AuthorityAction


def approvals_waiting(user) -> dict:
    waiting = selectors.approvals_waiting_for(user)
    return {"items": list(waiting[:5]), "count": waiting.count()}


def my_authority(user) -> dict:
    by_action: dict[str, list] = {}
    for limit in selectors.limits_for_user(user):
        words = by_action.setdefault(limit.action, [])
        if limit.allowed:
            words.append(rules.describe_limit(limit))
    rows = [
        (
            action.label,
            " or ".join(by_action[action.value]) or "needs approval"
            if action.value in by_action
            else "not your role's to do",
        )
        for action in AuthorityAction
    ]
    return {"rows": rows}


def my_requests(user) -> dict:
    return {
        "items": list(selectors.approvals_requested_by(user)[:5]),
        "may_ask": bool(selectors.actions_handled_by(user)),
    }


def recent_audit(user) -> dict:
    changes = audit_entries().exclude(action=AuditEntry.Action.ACCESS)  # views are not changes
    return {"items": describe_entries(changes[:5], changes=False)}
