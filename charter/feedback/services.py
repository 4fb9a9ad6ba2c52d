"""Every write of feedback and surveys: the shipped questionnaires and topics, feedback given on
the form or entered by staff, survey campaigns and their invitations, answers through a private
link, and the sorting and routing of comments.

Permissions are checked here; ``actor=None`` is the system (intake, tasks) or, for answers and
the public form, the customer themselves, whose right is the token or the open form.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.core.guards import clean_text, require
from charter.core.tasks import enqueue_on_commit
from charter.customers.models import Channel, Customer

from . import shipped, tokens
from .models import (
    Answer,
    Comment,
    CommentKind,
    CommentSource,
    CommentStatus,
    Dimension,
    FeedbackFormVersion,
    Invitation,
    Population,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionRole,
    Response,
    Section,
    Sentiment,
    SortedBy,
    Survey,
    SurveyStatus,
    Topic,
    TrainingExample,
)

MAX_COMMENT = 5_000


# --- What Charter ships -------------------------------------------------------------------------
def shipped_install() -> dict[str, int]:
    """Create the shipped topics, questionnaires and the first feedback form, where missing.
    Idempotent: runs after every migrate; an organisation's changes are never overwritten."""
    made = {"topics": 0, "questionnaires": 0, "forms": 0}
    for position, (code, name, description) in enumerate(shipped.TOPICS):
        _, created = Topic.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "position": position * 10,
                "shipped": True,
            },
        )
        made["topics"] += created
    for design in shipped.QUESTIONNAIRES:
        if not Questionnaire.objects.filter(code=design["code"]).exists():
            questionnaire_build(design, shipped=True, publish=True)
            made["questionnaires"] += 1
    if not FeedbackFormVersion.objects.exists():
        FeedbackFormVersion.objects.create(
            number=1,
            intro=(
                "A compliment, a complaint, a suggestion or a comment: tell us, and the "
                "manager responsible will read it."
            ),
            published_at=timezone.now(),
        )
        made["forms"] += 1
    return made


@transaction.atomic
def questionnaire_build(
    design: dict, *, shipped: bool = False, publish: bool = False, actor=None
) -> Questionnaire:
    """A questionnaire from a design (``shipped`` shows the shape): sections of questions."""
    version = (
        Questionnaire.objects.filter(code=design["code"]).aggregate(n=Max("version"))["n"] or 0
    ) + 1
    questionnaire = Questionnaire.objects.create(
        code=design["code"],
        version=version,
        kind=design["kind"],
        title=design["title"],
        intro=design.get("intro", ""),
        thanks=design.get("thanks", ""),
        shipped=shipped,
        published_at=timezone.now() if publish else None,
        published_by=actor if publish else None,
    )
    for s_position, section_design in enumerate(design["sections"]):
        section = Section.objects.create(
            questionnaire=questionnaire,
            position=s_position,
            title=section_design["title"],
            intro=section_design.get("intro", ""),
        )
        Question.objects.bulk_create(
            Question(section=section, position=q_position, **question)
            for q_position, question in enumerate(section_design["questions"])
        )
    return questionnaire


def questionnaire_design(questionnaire: Questionnaire) -> dict:
    """A questionnaire as a design, to copy into a new version."""
    fields = [
        "key",
        "kind",
        "role",
        "text",
        "help",
        "expectation_text",
        "choices",
        "low_label",
        "high_label",
        "dimension",
        "reverse_scored",
        "required",
    ]
    return {
        "code": questionnaire.code,
        "kind": questionnaire.kind,
        "title": questionnaire.title,
        "intro": questionnaire.intro,
        "thanks": questionnaire.thanks,
        "sections": [
            {
                "title": section.title,
                "intro": section.intro,
                "questions": [
                    {name: getattr(question, name) for name in fields}
                    for question in section.questions.all()
                ],
            }
            for section in questionnaire.sections.prefetch_related("questions")
        ],
    }


def questionnaire_new_version(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of a questionnaire to change (a published version is never edited)."""
    require(actor, "feedback.add_questionnaire", "change questionnaires")
    return questionnaire_build(questionnaire_design(questionnaire), actor=actor)


def questionnaire_check(questionnaire: Questionnaire) -> list[str]:
    """What stops a questionnaire being published, in words a person can act on."""
    problems = []
    questions = list(Question.objects.filter(section__questionnaire=questionnaire))
    if not questions:
        problems.append("It has no questions.")
    for question in questions:
        if (
            question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            and len(question.choices) < 2
        ):
            problems.append(f"“{question}” needs at least two choices.")
        if question.kind == QuestionKind.EXPECTATION_PERCEPTION and not (
            question.dimension and question.expectation_text
        ):
            problems.append(f"“{question}” needs its RATER dimension and expectation wording.")
    if questionnaire.kind == "servqual":
        have = {q.dimension for q in questions if q.kind == QuestionKind.EXPECTATION_PERCEPTION}
        missing = [label for value, label in Dimension.choices if value not in have]
        if missing:
            problems.append(
                "A RATER questionnaire asks about every dimension: add "
                + (", ".join(missing))
                + "."
            )
    keys = [q.key for q in questions]
    if len(keys) != len(set(keys)):
        problems.append("Two questions share a key: each needs its own.")
    return problems


@transaction.atomic
def questionnaire_publish(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    require(actor, "feedback.change_questionnaire", "publish questionnaires")
    if questionnaire.published_at:
        raise Conflict("This version is already published; make a new version to change it.")
    problems = questionnaire_check(questionnaire)
    if problems:
        raise DomainError(" ".join(problems))
    questionnaire.published_at, questionnaire.published_by = timezone.now(), actor
    questionnaire.save(update_fields=["published_at", "published_by"])
    return questionnaire


# --- Sorting and routing comments ----------------------------------------------------------------
_categoriser_cache: dict = {}


def categoriser():
    """The categoriser trained on the starter comments and every staff correction; trained
    again when a correction is added (one query tells)."""
    from . import categoriser as model

    stamp = TrainingExample.objects.aggregate(n=Max("pk"))["n"], TrainingExample.objects.count()
    if _categoriser_cache.get("stamp") != stamp:
        rows = list(model.starter_comments()) + [
            model.LabelledComment(e.text, e.topic, e.dimension, e.sentiment)
            for e in TrainingExample.objects.all()
        ]
        _categoriser_cache.update(stamp=stamp, model=model.Categoriser.train(rows))
    return _categoriser_cache["model"]


def _route(topic: Topic | None):
    if topic is None:
        return None
    if topic.responsible_id and topic.responsible.is_active:
        return topic.responsible
    if topic.responsible_team_id and topic.responsible_team.lead_id:
        return topic.responsible_team.lead
    return None


def comments_sort(comments: list[Comment]) -> list[Comment]:
    """Sort comments the categoriser has not (topic, dimension, sentiment with confidences)
    and route each to the manager responsible for its topic. Saves them."""
    waiting = [c for c in comments if c.sorted_by == ""]
    if not waiting:
        return comments
    topics = {t.code: t for t in Topic.objects.select_related("responsible", "responsible_team")}
    other = topics.get("other")
    for comment, result in zip(waiting, categoriser().sort([c.text for c in waiting]), strict=True):
        topic = topics.get(result.topic) or other
        if topic is not None and not topic.is_active:
            topic = other
        comment.topic = topic
        comment.topic_confidence = result.topic_confidence
        comment.dimension = result.dimension
        comment.dimension_confidence = result.dimension_confidence
        comment.sentiment = result.sentiment
        comment.sentiment_confidence = result.sentiment_confidence
        comment.sorted_by = SortedBy.MODEL
        comment.routed_to = _route(topic)
    Comment.objects.bulk_update(
        waiting,
        [
            "topic",
            "topic_confidence",
            "dimension",
            "dimension_confidence",
            "sentiment",
            "sentiment_confidence",
            "sorted_by",
            "routed_to",
        ],
    )
    _tell_routed(waiting)
    return comments


def _tell_routed(comments: list[Comment]) -> None:
    from .tasks import tell_responsible

    people = sorted({c.routed_to_id for c in comments if c.routed_to_id})
    if people:
        enqueue_on_commit(tell_responsible, [c.pk for c in comments if c.routed_to_id])


def _comment_create(**fields) -> Comment:
    comment = Comment.objects.create(**fields)
    comments_sort([comment])
    return comment


@transaction.atomic
def feedback_give(
    *,
    actor=None,
    kind: str,
    text: str,
    rating: int | None = None,
    name: str = "",
    email: str = "",
    wants_reply: bool = False,
    customer: Customer | None = None,
    channel: str = Channel.WEB_FORM,
    received_at=None,
) -> Comment:
    """A compliment, complaint, suggestion or comment: given on the public form (``actor`` is
    None) or entered by staff from a call, letter or visit. A complaint opens a case."""
    if actor is not None:
        require(actor, "feedback.add_comment", "enter feedback")
    if kind not in CommentKind.values:
        raise DomainError(
            "Say whether it is a compliment, a complaint, a suggestion or a comment.",
            field="kind",
        )
    text = clean_text(text, MAX_COMMENT, "What you would like to tell us", "text", required=True)
    if rating not in (None, "") and not (1 <= int(rating) <= 5):
        raise DomainError("A rating is from 1 to 5 stars.", field="rating")
    if channel not in Channel.values:
        raise DomainError("Choose how the feedback reached us.", field="channel")
    name = clean_text(name, 200, "The name", "name")
    email = clean_text(email, 254, "The email address", "email")
    if wants_reply and not (email or customer):
        raise DomainError("Leave an email address so that we can reply.", field="email")
    form = FeedbackFormVersion.objects.filter(published_at__isnull=False).first()
    comment = _comment_create(
        kind=kind,
        source=CommentSource.STAFF if actor is not None else CommentSource.FORM,
        channel=channel,
        text=text,
        rating=int(rating) if rating not in (None, "") else None,
        customer=customer,
        name=name,
        email=email,
        wants_reply=wants_reply,
        form_version=form,
        entered_by=actor,
        received_at=received_at or timezone.now(),
    )
    if kind == CommentKind.COMPLAINT:
        _open_case(comment, actor=actor)
    return comment


def _open_case(comment: Comment, *, actor):
    from charter.cases import services as cases_services

    subject = comment.text.splitlines()[0][:120]
    if comment.customer is None and not (comment.name or comment.email):
        return None  # nobody to come back to: the comment is still sorted and routed
    case = cases_services.case_open(
        actor=None,  # the form itself opens it, as an email does
        kind="complaint",
        subject=subject,
        channel=comment.channel if comment.channel in Channel.values else Channel.WEB_FORM,
        customer=comment.customer,
        public_name=comment.name if comment.customer is None else "",
        public_email=comment.email if comment.customer is None else "",
        description=comment.text,
    )
    comment.case = comment.opened_case = case
    comment.status = CommentStatus.CASE_OPENED
    comment.save(update_fields=["case", "opened_case", "status"])
    return case


def _responsible(actor, comment: Comment) -> None:
    """The manager it was routed to acts on it; anyone who may manage feedback may too."""
    if actor is None:
        return
    if comment.routed_to_id == actor.pk or actor.has_perm("feedback.change_comment"):
        return
    raise NotPermitted("Only the manager it was routed to can act on this comment.")


@transaction.atomic
def comment_acknowledge(*, actor, comment: Comment) -> Comment:
    _responsible(actor, comment)
    if comment.status != CommentStatus.NEW:
        raise Conflict("This comment was already acknowledged or acted on.")
    comment.status, comment.acted_by, comment.acted_at = (
        CommentStatus.ACKNOWLEDGED,
        actor,
        timezone.now(),
    )
    comment.save(update_fields=["status", "acted_by", "acted_at"])
    return comment


@transaction.atomic
def comment_open_case(*, actor, comment: Comment):
    _responsible(actor, comment)
    require(actor, "cases.add_case", "open cases")
    if comment.opened_case_id:
        raise Conflict(f"A case was already opened for it: {comment.opened_case.reference}.")
    from charter.cases import services as cases_services

    kind = {"complaint": "complaint", "compliment": "compliment", "suggestion": "suggestion"}
    if comment.customer is None and not (comment.name or comment.email):
        raise DomainError(
            "The comment has no customer, name or email to come back to: log it as a contact "
            "instead."
        )
    case = cases_services.case_open(
        actor=actor,
        kind=kind.get(comment.kind, "enquiry"),
        subject=comment.text.splitlines()[0][:120],
        channel=comment.channel if comment.channel in Channel.values else Channel.WEB_FORM,
        customer=comment.customer,
        public_name=comment.name if comment.customer is None else "",
        public_email=comment.email if comment.customer is None else "",
        description=comment.text,
    )
    comment.opened_case = case
    comment.status, comment.acted_by, comment.acted_at = (
        CommentStatus.CASE_OPENED,
        actor,
        timezone.now(),
    )
    comment.save(update_fields=["opened_case", "status", "acted_by", "acted_at"])
    return case


@transaction.atomic
def comment_record_action(*, actor, comment: Comment, action: str) -> Comment:
    _responsible(actor, comment)
    action = clean_text(action, 2_000, "What was done", "action_taken", required=True)
    comment.action_taken = action
    comment.status, comment.acted_by, comment.acted_at = (
        CommentStatus.ACTIONED,
        actor,
        timezone.now(),
    )
    comment.save(update_fields=["action_taken", "status", "acted_by", "acted_at"])
    return comment


@transaction.atomic
def comment_correct(
    *, actor, comment: Comment, topic: Topic, dimension: str, sentiment: str
) -> Comment:
    """A person corrects how a comment was sorted; the correction becomes a training example
    and the comment goes to the manager of its new topic."""
    require(actor, "feedback.sort_comment", "correct how feedback was sorted")
    if dimension not in Dimension.values:
        raise DomainError("Choose one of the five RATER dimensions.", field="dimension")
    if sentiment not in Sentiment.values:
        raise DomainError("Choose positive, neutral or negative.", field="sentiment")
    if not topic.is_active:
        raise DomainError(f"The topic {topic} is no longer used.", field="topic")
    moved = comment.topic_id != topic.pk
    comment.topic, comment.dimension, comment.sentiment = topic, dimension, sentiment
    comment.topic_confidence = comment.dimension_confidence = comment.sentiment_confidence = 1.0
    comment.sorted_by, comment.corrected_by, comment.corrected_at = (
        SortedBy.STAFF,
        actor,
        timezone.now(),
    )
    if moved:
        comment.routed_to = _route(topic)
    comment.save()
    TrainingExample.objects.update_or_create(
        comment=comment,
        defaults={
            "text": comment.text,
            "topic": topic.code,
            "dimension": dimension,
            "sentiment": sentiment,
            "added_by": actor,
        },
    )
    if moved:
        _tell_routed([comment])
    return comment


@transaction.atomic
def topic_route(*, actor, topic: Topic, responsible=None, team=None) -> Topic:
    """Name the person (or team, whose lead acts) responsible for a topic's comments. Comments
    not yet acted on move to them."""
    require(actor, "feedback.route_topic", "change who is responsible for feedback")
    if responsible is not None and not responsible.is_active:
        raise DomainError(f"{responsible} no longer works here.", field="responsible")
    topic.responsible, topic.responsible_team = responsible, team
    topic.save(update_fields=["responsible", "responsible_team"])
    Comment.objects.filter(topic=topic, status=CommentStatus.NEW).update(routed_to=_route(topic))
    return topic


@transaction.atomic
def topic_add(*, actor, name: str, description: str = "", responsible=None) -> Topic:
    """An organisation's own topic. The categoriser learns it from corrections to it."""
    from django.utils.text import slugify

    require(actor, "feedback.add_topic", "add feedback topics")
    name = clean_text(name, 100, "The topic's name", "name", required=True)
    code = slugify(name).replace("-", "_")[:40]
    if Topic.objects.filter(code=code).exists():
        raise Conflict(f"There is already a topic {name}.")
    return Topic.objects.create(
        code=code, name=name, description=description, responsible=responsible
    )


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
    from . import rules

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
    from . import selectors

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
    from . import selectors

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
    from .tasks import send_invitations

    enqueue_on_commit(send_invitations, survey.pk)
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
    return f"{settings.SITE_URL}/f/{invitation_token(invitation)}/"


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
    from .tasks import send_invitation

    enqueue_on_commit(send_invitation, invitation.pk)
    return invitation


# --- Answers through a private link ---------------------------------------------------------------
class TokenRefused(DomainError):
    """The link cannot be used; ``reason`` says which page to show (unknown, used, closed)."""

    status_code = 410

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def invitation_for(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link opens, or ``TokenRefused`` saying why it cannot be used."""
    if not tokens.looks_like_token(token):
        raise TokenRefused("This link is not a survey link.", "unknown")
    invitations = Invitation.objects.select_related("survey__questionnaire")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=tokens.digest(token)).first()
    if invitation is None:
        raise TokenRefused("This link is not a survey link.", "unknown")
    if invitation.responded_at:
        raise TokenRefused("These answers are already in: thank you.", "used")
    survey = invitation.survey
    if survey.status == SurveyStatus.CLOSED or survey.closes_on < timezone.localdate():
        raise TokenRefused("This survey has closed.", "closed")
    return invitation


def invitation_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )


@dataclass
class AnswerProblems(DomainError):
    """Answers that cannot be taken, per question key, with the message for each."""

    problems: dict[str, str]

    def __post_init__(self):
        super().__init__("Some answers need another look.")


def answers_check(questions: list[Question], data) -> tuple[list[Answer], dict[str, str]]:
    """Answers from submitted form data (``data.get``/``getlist``), and the problems found,
    per question key. Names: ``q-<key>``, ``q-<key>-e``/``-p`` for expectation and
    perception, ``q-<key>-<dimension>`` for points."""
    answers: list[Answer] = []
    problems: dict[str, str] = {}

    def number(raw, low, high, key):
        raw = (raw or "").strip()
        if raw == "":
            return None
        try:
            value = int(raw)
        except ValueError:
            problems[key] = f"Choose a number from {low} to {high}."
            return None
        if not low <= value <= high:
            problems[key] = f"Choose a number from {low} to {high}."
            return None
        return value

    for q in questions:
        name = f"q-{q.key}"
        base = {"question": q, "role": q.role, "dimension": ""}
        if q.kind == QuestionKind.EXPECTATION_PERCEPTION:
            e = number(data.get(f"{name}-e"), 1, 7, q.key)
            p = number(data.get(f"{name}-p"), 1, 7, q.key)
            if q.key in problems:
                continue
            if e is None or p is None:
                if q.required and ((e is None and p is None) or e is None or p is None):
                    problems[q.key] = "Answer both: for an excellent supplier, and for us."
                continue
            answers.append(
                Answer(**{**base, "dimension": q.dimension}, expectation=e, perception=p)
            )
        elif q.kind == QuestionKind.POINTS:
            given = {d: data.get(f"{name}-{d}", "") for d in Dimension.values}
            if not any((v or "").strip() for v in given.values()):
                if q.required:
                    problems[q.key] = "Share the 100 points among the five."
                continue
            points = {}
            for dimension, raw in given.items():
                value = number(raw or "0", 0, 100, q.key)
                if value is None:
                    break
                points[dimension] = value
            if q.key in problems:
                continue
            total = sum(points.values())
            if total != 100:
                problems[q.key] = f"The points add up to {total}: they must add up to 100."
                continue
            answers.extend(Answer(**{**base, "dimension": d}, number=v) for d, v in points.items())
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            picked = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            picked = [picked] if isinstance(picked, str) else list(picked)
            picked = [p for p in picked if p]
            if any(p not in q.choices for p in picked):
                problems[q.key] = "Choose from the answers given."
            elif q.kind == QuestionKind.SINGLE and len(picked) > 1:
                problems[q.key] = "Choose one answer."
            elif not picked:
                if q.required:
                    problems[q.key] = "Choose an answer."
            else:
                answers.append(Answer(**base, choices=picked))
        elif q.kind == QuestionKind.TEXT:
            text = (data.get(name) or "").strip()
            if len(text) > MAX_COMMENT:
                problems[q.key] = f"At most {MAX_COMMENT} characters, please."
            elif text:
                answers.append(Answer(**base, text=text))
            elif q.required:
                problems[q.key] = "Please write an answer."
        else:
            low, high = q.scale
            value = number(data.get(name), low, high, q.key)
            if q.key in problems:
                continue
            if value is None:
                if q.required:
                    problems[q.key] = "Choose an answer."
                continue
            answers.append(Answer(**base, number=value))
    return answers, problems


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=questionnaire).order_by(
            "section__position", "position", "pk"
        )
    )


@transaction.atomic
def response_submit(*, token: str, data) -> Response:
    """Take one person's answers through their private link: once, while the survey is open.
    Comments among the answers are sorted and routed."""
    invitation = invitation_for(token, lock=True)
    survey = invitation.survey
    answers, problems = answers_check(questions_of(survey.questionnaire), data)
    if problems:
        raise AnswerProblems(problems)
    if not answers:
        raise DomainError("Answer at least one question before sending.")
    return _response_save(survey=survey, invitation=invitation, answers=answers, at=timezone.now())


def _response_save(*, survey: Survey, invitation: Invitation | None, answers, at) -> Response:
    case = invitation.case if invitation and invitation.case_id else None
    officer = case.owner if case is not None else None
    response = Response.objects.create(
        questionnaire=survey.questionnaire,
        survey=survey,
        invitation=invitation,
        customer=invitation.customer if invitation else None,
        case=case,
        officer=officer,
        team=officer.team if officer is not None else None,
        submitted_at=at,
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    if invitation is not None:
        invitation.responded_at = at
        invitation.save(update_fields=["responded_at"])
    texts = [a for a in answers if a.role == QuestionRole.COMMENT and a.text]
    if texts:
        comments = Comment.objects.bulk_create(
            Comment(
                kind=CommentKind.COMMENT,
                source=CommentSource.SURVEY,
                channel=Channel.WEB_FORM,
                text=a.text,
                customer=response.customer,
                response=response,
                case=case,
                received_at=at,
            )
            for a in texts
        )
        comments_sort(comments)
    return response


# --- Erasure ------------------------------------------------------------------------------------
REMOVED = "(removed: the customer's personal data was erased)"


def on_customer_erased(sender, customer, **kwargs) -> dict:
    """Remove an erased customer's words and address from their feedback, keeping the counts
    and scores (a comment keeps its topic, dimension and sentiment; answers keep their
    numbers). Runs inside the erasure's transaction."""
    comments = Comment.objects.filter(customer=customer)
    TrainingExample.objects.filter(comment__customer=customer).delete()
    count = comments.update(text=REMOVED, name="", email="")
    Answer.objects.filter(response__customer=customer).exclude(text="").update(text="")
    Invitation.objects.filter(customer=customer).update(email="")
    responses = Response.objects.filter(customer=customer).count()
    return {"feedback comments": count, "survey responses": responses}


# --- The feedback form's versions -----------------------------------------------------------------
@transaction.atomic
def feedback_form_revise(
    *,
    actor,
    title: str,
    intro: str = "",
    ask_rating: bool = True,
    rating_question: str = "",
    extra: Questionnaire | None = None,
    change_note: str = "",
) -> FeedbackFormVersion:
    """Publish a new version of the always-open feedback form (the seeds' "review and change
    the feedback form"): from now on the form asks what this version asks, and each comment
    records the version it was given on."""
    require(actor, "feedback.change_questionnaire", "change the feedback form")
    title = clean_text(title, 200, "A title", "title", required=True)
    change_note = clean_text(change_note, 2_000, "What changed", "change_note", required=True)
    if extra is not None and not extra.published_at:
        raise DomainError("Publish the extra questions' questionnaire first.", field="extra")
    number = (FeedbackFormVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return FeedbackFormVersion.objects.create(
        number=number,
        title=title,
        intro=clean_text(intro, 2_000, "The introduction", "intro"),
        ask_rating=ask_rating,
        rating_question=clean_text(rating_question, 200, "The rating question", "rating_question")
        or "Overall, how satisfied are you with our service?",
        extra=extra,
        change_note=change_note,
        published_at=timezone.now(),
        published_by=actor,
    )


def feedback_extra_answers(comment: Comment, answers: list[Answer]) -> Response | None:
    """Answers to the extra questions of the form's version, kept beside the comment."""
    version = comment.form_version
    if version is None or version.extra_id is None or not answers:
        return None
    response = Response.objects.create(
        questionnaire=version.extra, customer=comment.customer, submitted_at=comment.received_at
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    comment.response = response
    comment.save(update_fields=["response"])
    return response


# --- Building a draft questionnaire ------------------------------------------------------------
ROLE_FOR_KIND = {
    QuestionKind.NPS: QuestionRole.NPS,
    QuestionKind.EXPECTATION_PERCEPTION: QuestionRole.SERVQUAL,
    QuestionKind.POINTS: QuestionRole.WEIGHTS,
    QuestionKind.TEXT: QuestionRole.COMMENT,
}


def _draft(actor, questionnaire: Questionnaire) -> None:
    require(actor, "feedback.change_questionnaire", "change questionnaires")
    if questionnaire.published_at:
        raise Conflict("A published version is not changed: make a new version first.")


@transaction.atomic
def question_add(
    *,
    actor,
    questionnaire: Questionnaire,
    section_title: str,
    kind: str,
    text: str,
    role: str = "",
    expectation_text: str = "",
    dimension: str = "",
    choices: list[str] | None = None,
    low_label: str = "",
    high_label: str = "",
    required: bool = False,
    reverse_scored: bool = False,
) -> Question:
    """Add a question to a draft, in the section of that title (made if new). What a 0-10,
    a RATER item, a points question or free text counts towards follows from its kind; a
    scale says whether it is CSAT, CES or neither."""
    from django.utils.text import slugify

    _draft(actor, questionnaire)
    if kind not in QuestionKind.values:
        raise DomainError("Choose the kind of question.", field="kind")
    text = clean_text(text, 1_000, "The question", "text", required=True)
    section_title = clean_text(section_title, 200, "The section", "section_title", required=True)
    role = ROLE_FOR_KIND.get(kind, role if role in (QuestionRole.CSAT, QuestionRole.CES) else "")
    if role == QuestionRole.CSAT and kind != QuestionKind.LIKERT5:
        raise DomainError("CSAT is asked on the 5-point scale.", field="role")
    if role == QuestionRole.CES and kind != QuestionKind.LIKERT7:
        raise DomainError("CES is asked on the 7-point scale.", field="role")
    choices = [c.strip() for c in (choices or []) if c.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(choices) < 2:
        raise DomainError("Give at least two choices, one per line.", field="choices")
    if kind == QuestionKind.EXPECTATION_PERCEPTION:
        if dimension not in Dimension.values:
            raise DomainError("Choose the item's RATER dimension.", field="dimension")
        expectation_text = clean_text(
            expectation_text, 1_000, "The expectation wording", "expectation_text", required=True
        )
    section, _ = Section.objects.get_or_create(
        questionnaire=questionnaire,
        title=section_title,
        defaults={"position": questionnaire.sections.count()},
    )
    keys = set(
        Question.objects.filter(section__questionnaire=questionnaire).values_list("key", flat=True)
    )
    base = slugify(text)[:40].replace("-", "_") or "question"
    key, n = base, 2
    while key in keys:
        key, n = f"{base}_{n}", n + 1
    return Question.objects.create(
        section=section,
        position=section.questions.count(),
        key=key,
        kind=kind,
        role=role,
        text=text,
        expectation_text=expectation_text,
        dimension=dimension if kind == QuestionKind.EXPECTATION_PERCEPTION else "",
        choices=choices,
        low_label=clean_text(low_label, 60, "The low end's label", "low_label"),
        high_label=clean_text(high_label, 60, "The high end's label", "high_label"),
        required=required,
        reverse_scored=reverse_scored and kind == QuestionKind.EXPECTATION_PERCEPTION,
    )


@transaction.atomic
def question_remove(*, actor, question: Question) -> None:
    _draft(actor, question.section.questionnaire)
    section = question.section
    question.delete()
    if not section.questions.exists():
        section.delete()


@transaction.atomic
def question_move_up(*, actor, question: Question) -> None:
    """Swap a question with the one before it in its section."""
    _draft(actor, question.section.questionnaire)
    siblings = list(question.section.questions.order_by("position", "pk"))
    index = siblings.index(question)
    if index == 0:
        return
    siblings[index - 1], siblings[index] = siblings[index], siblings[index - 1]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
