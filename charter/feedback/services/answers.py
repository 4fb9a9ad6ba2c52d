"""Answers through a private link: which invitation a token opens, checking the answers and
taking them (comments among them are sorted and routed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from charter.core.errors import DomainError
from charter.customers.models import Channel

from .. import tokens
from ..models import (
    Answer,
    Comment,
    CommentKind,
    CommentSource,
    Dimension,
    Invitation,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionRole,
    Response,
    Survey,
    SurveyStatus,
)
from .comments import comments_sort
from .common import MAX_COMMENT


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
