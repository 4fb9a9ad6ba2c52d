"""Sending survey invitations and reminders, and telling managers of comments routed to them.
Tasks take ids."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from charter.core.audit import audit_context
from charter.core.links import absolute_url
from charter.core.models import Interface
from charter.core.scheduling import periodic


def _invitation_text(invitation, *, reminder: bool) -> tuple[str, str]:
    from . import services

    survey = invitation.survey
    questionnaire = survey.questionnaire
    name = invitation.customer.name if invitation.customer_id else ""
    opening = "A reminder: we would still value your answers." if reminder else questionnaire.intro
    incentive = f"\nAs thanks for your time: {survey.incentive}.\n" if survey.incentive else ""
    body = (
        f"Hello{' ' + name if name else ''},\n\n{opening}\n\n"
        f"{services.invitation_link(invitation)}\n\n"
        f"The link is yours alone and works once, until {survey.closes_on:%-d %B %Y}."
        f"{incentive}\n"
        "Your answers are used only to improve our service.\n"
    )
    subject = ("Reminder: " if reminder else "") + questionnaire.title
    return subject, body


def _send(invitation, *, reminder: bool = False) -> bool:
    subject, body = _invitation_text(invitation, reminder=reminder)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception as failure:
        invitation.send_problem = str(failure)[:300]
        invitation.save(update_fields=["send_problem"])
        return False
    now = timezone.now()
    if reminder:
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
    else:
        invitation.sent_at, invitation.send_problem = now, ""
        invitation.save(update_fields=["sent_at", "send_problem"])
    return True


def _unsent(survey_id: int | None = None):
    from .models import Invitation

    invitations = Invitation.objects.select_related("survey__questionnaire", "customer").filter(
        sent_at__isnull=True, responded_at__isnull=True
    )
    return invitations.filter(survey_id=survey_id) if survey_id else invitations


@task()
def send_invitations(survey_id: int) -> int:
    """Email a survey's invitations not yet sent; returns how many went."""
    with audit_context(interface=Interface.TASK, source="send_invitations"):
        return sum(_send(invitation) for invitation in _unsent(survey_id).iterator(200))


@task()
def send_invitation(invitation_id: int) -> int:
    with audit_context(interface=Interface.TASK, source="send_invitation"):
        return sum(_send(invitation) for invitation in _unsent().filter(pk=invitation_id))


@periodic(every=timedelta(hours=6))
@task()
def send_reminders() -> int:
    """One reminder to each invitation still unanswered ``remind_after_days`` after it went,
    while its survey is open."""
    from .models import Invitation, SurveyStatus

    now = timezone.now()
    waiting = Invitation.objects.select_related("survey__questionnaire", "customer").filter(
        survey__status=SurveyStatus.OPEN,
        survey__closes_on__gte=timezone.localdate(),
        sent_at__isnull=False,
        reminded_at__isnull=True,
        responded_at__isnull=True,
    )
    sent = 0
    with audit_context(interface=Interface.TASK, source="send_reminders"):
        for invitation in waiting.iterator(200):
            if invitation.sent_at + timedelta(days=invitation.survey.remind_after_days) <= now:
                sent += _send(invitation, reminder=True)
    return sent


@task()
def tell_responsible(comment_ids: list[int]) -> int:
    """Each manager hears, in one email, of the comments just routed to them."""
    from .models import Comment

    comments = Comment.objects.select_related("routed_to", "topic").filter(
        Q(pk__in=comment_ids), routed_to__isnull=False, routed_to__is_active=True
    )
    by_person: dict = {}
    for comment in comments:
        by_person.setdefault(comment.routed_to, []).append(comment)
    sent = 0
    link = absolute_url(reverse("feedback:inbox"))
    for person, theirs in by_person.items():
        if not person.email:
            continue
        lines = "\n".join(
            f"- {c.topic or 'Unsorted'} ({c.get_sentiment_display().lower() or 'unsorted'}): "
            f"{c.text[:160]}"
            for c in theirs
        )
        sent += send_mail(
            f"[Charter] {len(theirs)} piece(s) of feedback for you",
            f"Hello {person.first_name or person.username},\n\nFeedback on topics you are "
            f"responsible for:\n\n{lines}\n\nAcknowledge it, open a case or record what you "
            f"did: {link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
        )
    return sent


@periodic(every=timedelta(hours=1))
@task()
def invite_after_closed_cases() -> int:
    """Invite each customer whose case closed in the last week, and who has not been asked
    about it, to the CSAT survey (found by query, so a worker that was down misses none)."""
    from charter.cases.models import Case

    from . import services
    from .models import Invitation

    since = timezone.now() - timedelta(days=7)
    asked = Invitation.objects.filter(case__isnull=False).values("case_id")
    cases = (
        Case.objects.filter(status="closed", closed_at__gte=since)
        .exclude(pk__in=asked)
        .select_related("customer")
    )
    with audit_context(interface=Interface.TASK, source="invite_after_closed_cases"):
        return sum(services.case_survey(case) is not None for case in cases.iterator(200))


@periodic(every=timedelta(hours=1))
@task()
def train_categoriser(forget_older: bool = False) -> bool:
    """Train the comment categoriser on the corrections and store it for every process, unless
    the stored one is current. Queued by a correction (and an erasure, which ``forget_older``
    models that learnt the erased words); hourly it catches up on anything missed. Returns
    whether it trained."""
    from .services import training

    return training.categoriser_train(forget_older=forget_older).trained
