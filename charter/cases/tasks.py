"""Telling people about cases: the account manager of a customer whose complaint the routing
rules flagged, an owner given a case or near a deadline, and the periodic deadline check.
Tasks take ids."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from charter.accounts import selectors as accounts_selectors
from charter.core.audit import audit_context
from charter.core.links import absolute_url
from charter.core.models import Interface
from charter.core.scheduling import periodic

from .models import Case


def _link(case: Case) -> str:
    return absolute_url(reverse("cases:detail", args=[case.pk]))


@task()
def tell_account_manager(case_id: int) -> int:
    """The customer's account manager hears of a complaint the routing rules raised."""
    case = Case.objects.select_related("customer__account_manager").get(pk=case_id)
    manager = case.customer.account_manager if case.customer_id else None
    if manager is None or not manager.email or not manager.is_active:
        return 0
    reasons = "\n".join(f"- {line}" for line in case.routing)
    body = (
        f"Hello {manager.first_name or manager.username},\n\n"
        f"{case.customer.name}, one of your customers, has made a complaint: {case.subject}\n"
        f"Severity: {case.get_severity_display()}\n\nWhy you are told:\n{reasons}\n\n"
        f"The case: {_link(case)}\n"
    )
    return send_mail(
        f"[Charter] {case.reference}: complaint from {case.customer.name}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [manager.email],
    )


@task()
def tell_owner(case_id: int, text: str) -> int:
    case = Case.objects.select_related("owner").get(pk=case_id)
    # While the owner is on leave, whoever stands in is told instead.
    owner = accounts_selectors.present(case.owner)
    if owner is None or not owner.email or not owner.is_active:
        return 0
    said = text
    if owner != case.owner:
        said = f"You stand in for {case.owner} while they are on leave. {text}"
    body = (
        f"Hello {owner.first_name or owner.username},\n\n{said}\n\n{case.subject}\n{_link(case)}\n"
    )
    return send_mail(
        f"[Charter] {case.reference}: {text}", body, settings.DEFAULT_FROM_EMAIL, [owner.email]
    )


@task()
def tell_manager_routed(case_id: int) -> int:
    """The customer service manager the procedure sent a complaint to hears of it at once,
    with why and the call-back she must keep."""
    case = Case.objects.select_related("owner", "customer").get(pk=case_id)
    owner = case.owner
    if owner is None or not owner.email or not owner.is_active:
        return 0
    reasons = "\n".join(f"- {line}" for line in case.routing)
    reach = ", ".join(
        x
        for x in (
            case.customer.phone if case.customer_id else case.public_phone,
            case.customer.email if case.customer_id else case.public_email,
        )
        if x
    )
    from .page_selectors import callback_text

    callback = callback_text(case)
    body = (
        f"Hello {owner.first_name or owner.username},\n\n"
        f"The complaints procedure has sent you {case.reference}: {case.subject}\n"
        f"From: {case.who}{f' ({reach})' if reach else ''}\n"
        f"Severity: {case.get_severity_display()}\n\n"
        f"Why it is yours:\n{reasons}\n\n"
        + (f"{callback}\n\n" if callback else "")
        + f"The case: {_link(case)}\n"
    )
    return send_mail(
        f"[Charter] {case.reference} routed to you: {case.subject}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [owner.email],
    )


@periodic(every=timedelta(minutes=5))
@task()
def check_case_deadlines() -> dict:
    """Record missed deadlines and warn before them (found by query: nothing is missed)."""
    from . import services

    with audit_context(interface=Interface.TASK, source="check_case_deadlines"):
        return services.deadlines_check()


@periodic(every=timedelta(minutes=1))
@task()
def refresh_log_counts() -> int:
    """Bring the complaints log's monthly counts up to date with the cases changed since the
    last run (found by query: a run missed is caught up by the next)."""
    from .services.log_counts import log_counts_refresh

    return log_counts_refresh()


@periodic(every=timedelta(days=1))
@task()
def recount_log_counts() -> int:
    """Recount every month of the complaints log's counts from its cases, once a day."""
    from .services.log_counts import log_counts_refresh

    return log_counts_refresh(full=True)


@task()
def send_acknowledgements(case_ids: list[int]) -> int:
    """Acknowledge cases opened by email; returns how many were emailed."""
    return sum(_acknowledge(case_id) for case_id in case_ids)


def _acknowledge(case_id: int) -> bool:
    """Acknowledge a case opened by email, in the approved wording. Not sent (and said so on
    the case) when there is no wording yet or it needs something only a person can fill."""
    from charter.core.errors import DomainError

    from . import services
    from .models import Situation

    case = Case.objects.select_related("customer", "resolve_promise").get(pk=case_id)
    with audit_context(interface=Interface.TASK, source="send_acknowledgement"):
        try:
            subject, body, missing = services.reply_draft(
                actor=None, case=case, situation=Situation.ACKNOWLEDGEMENT
            )
            if missing:
                raise DomainError("the wording needs " + ", ".join(missing))
            services.email_send(
                actor=None,
                case=case,
                subject=subject,
                body=body,
                situation=Situation.ACKNOWLEDGEMENT,
            )
        except DomainError as refused:
            services.case_note(
                actor=None, case=case, text=f"No acknowledgement emailed: {refused.message}"
            )
            return False
    return True
