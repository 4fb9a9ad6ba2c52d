"""The always-open feedback form's versions, and the answers to its extra questions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.errors import DomainError
from charter.core.guards import clean_text, require

from ..models import Answer, Comment, FeedbackFormVersion, Questionnaire, Response


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
