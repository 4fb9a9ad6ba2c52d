"""Notifications about approvals. Tasks take ids and find what is due by a query."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from charter.core.audit import audit_context
from charter.core.links import absolute_url
from charter.core.models import Interface
from charter.core.money import format_money
from charter.core.scheduling import periodic

from . import selectors
from .models import ApprovalRequest, ApprovalStatus


def _summary(approval: ApprovalRequest) -> str:
    lines = [
        f"Request #{approval.pk}: {approval.get_action_display()}",
        f"Asked by: {approval.requested_by}",
    ]
    if approval.amount is not None:
        lines.append(f"Amount: {format_money(approval.amount, approval.currency)}")
    if approval.item_value is not None:
        lines.append(f"Item value: {format_money(approval.item_value, approval.currency)}")
    lines += ["", approval.description, "", f"Why it needs approval: {approval.why_needed}"]
    return "\n".join(lines)


def _link(approval: ApprovalRequest) -> str:
    return absolute_url(reverse("accounts:approval", args=[approval.pk]))


@task()
def notify_approvers(approval_id: int) -> int:
    """Email everyone who holds the role the request was routed to and is here today, and the
    stand-ins of those who are on leave (who are not emailed)."""
    approval = ApprovalRequest.objects.select_related("requested_by", "required_role").get(
        pk=approval_id
    )
    if approval.status != ApprovalStatus.PENDING:
        return 0
    recipients = [
        u.email for u in selectors.approvers_to_tell(approval.required_role.code) if u.email
    ]
    if not recipients:
        return 0
    subject = f"[Charter] Approval needed: {approval.get_action_display()} (#{approval.pk})"
    body = _summary(approval) + f"\n\nDecide here: {_link(approval)}\n"
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients],
        fail_silently=False,
    )


@task()
def notify_requester(approval_id: int) -> int:
    approval = ApprovalRequest.objects.select_related("requested_by", "decided_by").get(
        pk=approval_id
    )
    if not approval.requested_by.email:
        return 0
    subject = f"[Charter] Your request #{approval.pk} was {approval.get_status_display().lower()}"
    body = _summary(approval) + (
        f"\n\nDecision by {approval.decided_by}: {approval.get_status_display()}."
        f"\n{approval.decision_note}\n\nThe request: {_link(approval)}\n"
    )
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [approval.requested_by.email])],
        fail_silently=False,
    )


@periodic(every=timedelta(hours=1))
@task()
def remind_pending_approvals() -> int:
    """Remind approvers of requests pending longer than the reminder interval."""
    hours = settings.CHARTER_APPROVAL_REMINDER_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    due = list(
        ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING, created_at__lte=cutoff)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
        .values_list("pk", flat=True)
    )
    with audit_context(interface=Interface.TASK, source="remind_pending_approvals"):
        for approval_id in due:
            notify_approvers.call(approval_id)
        from .services import approval_mark_reminded

        approval_mark_reminded(approval_ids=due)
    return len(due)
