"""The periodic check of the charter's deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts.models import RoleCode
from charter.core.tasks import enqueue_on_commit

from ..models import Case, CaseEventKind, EscalationLevel
from .common import _event, case_settings


def deadlines_check(*, now: datetime | None = None) -> dict[str, int]:
    """Record every deadline missed and warn before one is: found by query over the due
    times, each recorded once, so a check that did not run for a while catches up. A missed
    resolution is escalated to a supervisor when nobody above the officer has it yet."""
    from ..selectors import breaching, unacknowledged_breaching, warning_due

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
                supervisor = accounts_selectors.holder_present(RoleCode.SUPERVISOR)
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
            enqueue_on_commit("charter.cases.tasks.tell_owner", case.pk, told)
    warn = timedelta(hours=case_settings().warn_hours_before)
    for case in warning_due(now, warn):
        marked = Case.objects.filter(pk=case.pk, warned_at__isnull=True).update(warned_at=now)
        if marked:
            counts["warned"] += 1
            _event(case, CaseEventKind.WARNED, at=now, text="The resolution deadline is near.")
            enqueue_on_commit(
                "charter.cases.tasks.tell_owner", case.pk, "The resolution deadline is near."
            )
    return counts
