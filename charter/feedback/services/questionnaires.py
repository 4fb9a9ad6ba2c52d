"""Questionnaires: what Charter ships, building, checking and publishing a version, and
changing a draft question by question."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.errors import Conflict, DomainError
from charter.core.guards import clean_text, require

from .. import shipped
from ..models import (
    Dimension,
    FeedbackFormVersion,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionRole,
    Section,
    Topic,
)


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
