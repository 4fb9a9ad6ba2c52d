"""Feedback given on the form or entered by staff, and the sorting and routing of comments:
the categoriser, what a manager does with a comment, and the topics."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from charter.accounts import selectors as accounts_selectors
from charter.accounts.models import RoleCode
from charter.core.errors import Conflict, DomainError, NotPermitted
from charter.core.guards import clean_text, require
from charter.core.tasks import enqueue_on_commit
from charter.customers.models import Channel, Customer

from ..models import (
    Comment,
    CommentKind,
    CommentSource,
    CommentStatus,
    Dimension,
    FeedbackFormVersion,
    Sentiment,
    SortedBy,
    Topic,
    TrainingExample,
)
from .common import MAX_COMMENT
from .training import categoriser


# --- Sorting and routing comments ----------------------------------------------------------------
def _route(topic: Topic | None):
    if topic is None:
        return None
    if topic.responsible_id and topic.responsible.is_active:
        return topic.responsible
    if topic.responsible_team_id and topic.responsible_team.lead_id:
        return topic.responsible_team.lead
    return None


def comment_router():
    """Who a comment on a topic goes to, on the day it arrived: the topic's person (or its
    team's lead); while they are on leave, the customer service manager who is here. Answers
    are remembered, so a batch costs a query per person and day, not per comment."""
    known: dict[tuple, object] = {}

    def route(topic: Topic | None, received_at=None):
        person = _route(topic)
        if person is None:
            return None
        day = timezone.localtime(received_at).date() if received_at else timezone.localdate()
        key = (person.pk, day)
        if key not in known:
            away = accounts_selectors.absence_on(person, day) is not None
            manager = (
                accounts_selectors.holder_present(RoleCode.CUSTOMER_SERVICE_MANAGER, day)
                if away
                else None
            )
            known[key] = manager or person
        return known[key]

    return route


def comments_sort(comments: list[Comment]) -> list[Comment]:
    """Sort comments the categoriser has not (topic, dimension, sentiment with confidences)
    and route each to the manager responsible for its topic. Saves them."""
    waiting = [c for c in comments if c.sorted_by == ""]
    if not waiting:
        return comments
    topics = {t.code: t for t in Topic.objects.select_related("responsible", "responsible_team")}
    other = topics.get("other")
    route = comment_router()
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
        comment.routed_to = route(topic, comment.received_at)
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
    people = sorted({c.routed_to_id for c in comments if c.routed_to_id})
    if people:
        enqueue_on_commit(
            "charter.feedback.tasks.tell_responsible", [c.pk for c in comments if c.routed_to_id]
        )


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
    and the comment goes to the manager of its new topic. The categoriser is trained again in
    the worker; until that lands, comments are sorted by the model before it."""
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
        comment.routed_to = comment_router()(topic)
    comment.save()
    TrainingExample.objects.update_or_create(
        comment=comment,
        defaults={
            "text": comment.text,
            "topic": topic.code,
            "dimension": dimension,
            "sentiment": sentiment,
            "added_by": actor,
            "added_at": timezone.now(),  # a correction made again is a new lesson
        },
    )
    enqueue_on_commit("charter.feedback.tasks.train_categoriser")
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
    Comment.objects.filter(topic=topic, status=CommentStatus.NEW).update(
        routed_to=comment_router()(topic)
    )
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
