"""Approved reply wording, filled from a case, and emailing the customer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import clean_text, require
from charter.core.selectors import business_calendar
from charter.customers.models import Channel

from .. import rules, selectors
from ..models import (
    Case,
    CaseEventKind,
    Direction,
    Email,
    MailStatus,
    ReplyTemplate,
    ResolutionStatus,
    Situation,
)
from .common import _choice, _event
from .contacts import contact_log


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
        "customer_name": selectors.reply_addressee(case).name,
        "case_reference": case.reference,
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
    placeholders it had nothing for (left as [name] for a person to fill in). The subject is
    the wording's own (with the case reference), never the staff's case subject."""
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
    last message, and log it as an outbound contact (which acknowledges the case). It goes to
    the person the reply greets (``selectors.reply_addressee``)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.core.mail.message import make_msgid

    require(actor, "cases.add_contact", "email customers")
    to = selectors.reply_addressee(case).email
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
