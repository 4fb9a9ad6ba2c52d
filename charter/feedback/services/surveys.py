"""Survey campaigns: planning, opening (drawing and inviting), closing, and the survey after
a closed case."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from charter.core.errors import Conflict, DomainError
from charter.core.guards import clean_text, require
from charter.core.links import absolute_url
from charter.core.tasks import enqueue_on_commit

from .. import tokens
from ..models import Invitation, Population, Questionnaire, Survey, SurveyStatus


# --- Surveys ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    population: int
    completed: int
    invitations: int


def survey_plan(
    *, population: int, responses_wanted: int, response_rate: float, margin: float | None
) -> Plan:
    """How many invitations to send: for a margin of error wanted (finite population corrected)
    or, without one, for the responses wanted; at the expected response rate, at most
    everyone."""
    from .. import rules

    if population < 1:
        return Plan(population, 0, 0)
    if margin:
        size = rules.invitations_needed(
            margin=margin, population=population, response_rate=response_rate
        )
        return Plan(population, size.completed, size.invitations)
    completed = min(responses_wanted, population)
    return Plan(population, completed, rules.invitations_for(completed, response_rate, population))


@transaction.atomic
def survey_create(
    *,
    actor,
    name: str,
    questionnaire: Questionnaire,
    population: str,
    opens_on: date,
    closes_on: date,
    segment=None,
    period_start: date | None = None,
    period_end: date | None = None,
    responses_wanted: int = 100,
    margin_wanted=None,
    expected_response_rate=33.3,
    invitations_planned: int | None = None,
    incentive: str = "",
    remind_after_days: int = 7,
) -> Survey:
    from .. import selectors

    require(actor, "feedback.add_survey", "plan surveys")
    name = clean_text(name, 200, "A name", "name", required=True)
    if not questionnaire.published_at:
        raise DomainError(
            "Publish the questionnaire before surveying with it.", field="questionnaire"
        )
    if population not in Population.values:
        raise DomainError("Choose who is surveyed.", field="population")
    if population == Population.SEGMENT and segment is None:
        raise DomainError("Choose the segment to survey.", field="segment")
    if population in (Population.CASES_CLOSED, Population.ORDERED) and not (
        period_start and period_end
    ):
        raise DomainError("Give the period: from and to.", field="period_start")
    if period_start and period_end and period_end < period_start:
        raise DomainError("The period ends before it starts.", field="period_end")
    if closes_on < opens_on:
        raise DomainError("The survey closes before it opens.", field="closes_on")
    rate = float(expected_response_rate or 0)
    if not 0 < rate <= 100:
        raise DomainError(
            "The expected response rate is a per cent above 0.", field="expected_response_rate"
        )
    if margin_wanted not in (None, "") and not 0 < float(margin_wanted) < 50:
        raise DomainError("The margin of error is in points, e.g. 5.", field="margin_wanted")
    if int(responses_wanted) < 1:
        raise DomainError("Ask for at least one response.", field="responses_wanted")
    survey = Survey(
        name=name,
        questionnaire=questionnaire,
        population=population,
        segment=segment if population == Population.SEGMENT else None,
        period_start=period_start,
        period_end=period_end,
        responses_wanted=int(responses_wanted),
        margin_wanted=margin_wanted or None,
        expected_response_rate=expected_response_rate,
        incentive=clean_text(incentive, 200, "The incentive", "incentive"),
        opens_on=opens_on,
        closes_on=closes_on,
        remind_after_days=remind_after_days,
        created_by=actor,
        previous=Survey.objects.filter(questionnaire__code=questionnaire.code)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("-opens_on", "-pk")
        .first(),
    )
    if invitations_planned:
        survey.invitations_planned = int(invitations_planned)
    else:
        plan = survey_plan(
            population=selectors.survey_population(survey).count(),
            responses_wanted=survey.responses_wanted,
            response_rate=rate / 100,
            margin=float(margin_wanted) / 100 if margin_wanted else None,
        )
        survey.invitations_planned = plan.invitations
    survey.save()
    return survey


@transaction.atomic
def survey_open(*, actor, survey: Survey, seed: int | None = None) -> Survey:
    """Open a survey: draw the invitations from its population (at random, as many as
    planned) and send them by email."""
    from .. import selectors

    require(actor, "feedback.send_survey", "send surveys")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict("This survey was already opened.")
    if survey.closes_on < timezone.localdate():
        raise DomainError("The survey's closing date has passed: change it first.")
    people = list(selectors.survey_population(survey).values_list("pk", "email"))
    if not people:
        raise DomainError(
            "Nobody in this population can be surveyed (customers need an email address and "
            "their consent to surveys)."
        )
    chosen = random.Random(seed).sample(people, min(len(people), survey.invitations_planned))
    invitations_create(survey, [(pk, email, None) for pk, email in chosen])
    survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    enqueue_on_commit("charter.feedback.tasks.send_invitations", survey.pk)
    return survey


def invitations_create(survey: Survey, people: list[tuple[int | None, str, int | None]]):
    """Invitations for (customer, email, case) rows, each with its own nonce and token digest."""
    made = Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            customer_id=customer,
            email=email,
            case_id=case,
            nonce=tokens.new_nonce(),
            token_hash=f"pending-{tokens.new_nonce()}",
        )
        for customer, email, case in people
    )
    if made and made[0].pk is None:  # a database that does not return ids from bulk inserts
        made = list(Invitation.objects.filter(survey=survey, token_hash__startswith="pending-"))
    for invitation in made:
        invitation.token_hash = tokens.digest(invitation_token(invitation))
    Invitation.objects.bulk_update(made, ["token_hash"], batch_size=1000)
    return made


def invitation_token(invitation: Invitation) -> str:
    return tokens.token_for(settings.SECRET_KEY, invitation.pk, invitation.nonce)


def invitation_link(invitation: Invitation) -> str:
    return absolute_url(reverse("public:answer", args=[invitation_token(invitation)]))


@transaction.atomic
def survey_close(*, actor, survey: Survey) -> Survey:
    require(actor, "feedback.send_survey", "close surveys")
    if survey.status == SurveyStatus.CLOSED:
        raise Conflict("This survey is already closed.")
    survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    return survey


def case_survey(case) -> Invitation | None:
    """After a case closes: invite the customer to the CSAT survey of the month (opened on the
    first closed case), when they agreed to surveys and have an email address."""
    customer = case.customer
    email = customer.email if customer else case.public_email
    if not email or (customer is not None and not customer.consent_surveys):
        return None
    questionnaire = (
        Questionnaire.objects.filter(code="case-csat", published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if questionnaire is None:
        return None
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    survey, _ = Survey.objects.get_or_create(
        questionnaire=questionnaire,
        population=Population.CASES_CLOSED,
        period_start=first,
        period_end=last,
        defaults={
            "name": f"After closed cases, {first:%B %Y}",
            "status": SurveyStatus.OPEN,
            "opens_on": first,
            "closes_on": last + timedelta(days=14),
            "opened_at": timezone.now(),
            "responses_wanted": 100,
            "invitations_planned": 0,
        },
    )
    [invitation] = invitations_create(survey, [(case.customer_id, email, case.pk)])
    enqueue_on_commit("charter.feedback.tasks.send_invitation", invitation.pk)
    return invitation
