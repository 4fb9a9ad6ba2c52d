"""Segments: their rules, evaluating them over every customer, telling members, their feedback."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from charter.core.errors import Conflict, DomainError
from charter.core.guards import require
from charter.core.tasks import enqueue_on_commit

from .. import rules, selectors
from ..models import (
    OPEN_HOLDING_STATUSES,
    TOLD_OUTCOMES,
    CallOutcome,
    Channel,
    Customer,
    Holding,
    HoldingStatus,
    NoticeStatus,
    Offering,
    Segment,
    SegmentEvaluation,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)
from .records import _refuse_if_erased


@transaction.atomic
def segment_save(
    *,
    actor,
    name: str,
    conditions,
    description: str = "",
    offerings: Iterable[Offering] = (),
    position: int = 100,
    is_active: bool = True,
    segment: Segment | None = None,
) -> Segment:
    require(
        actor,
        "customers.change_segment" if segment else "customers.add_segment",
        "define segments",
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("A segment needs a name.", field="name")
    clash = Segment.objects.filter(name__iexact=name)
    if segment:
        clash = clash.exclude(pk=segment.pk)
    if clash.exists():
        raise Conflict(f"There is already a segment called {name}.", field="name")
    parsed = rules.parse_conditions(conditions, choices=selectors.segment_choices())
    segment = segment or Segment(slug=_unique_slug(name))
    segment.name = name
    segment.description = description
    segment.conditions = [c.as_json() for c in parsed]
    segment.position = position
    segment.is_active = is_active
    segment.save()
    segment.offerings.set(list(offerings))
    return segment


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "segment"
    slug, n = base, 1
    while Segment.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _insert_select(model, columns: list[str], queryset, constants: list) -> int:
    """INSERT INTO table (columns) SELECT constants..., <queryset's columns>: one statement.

    Django has no INSERT ... SELECT, but a queryset compiles to SELECT on either database.
    The constants fill the first columns and are prepared as their fields store them.
    """
    table = model._meta.db_table
    constants = [
        model._meta.get_field(column.removesuffix("_id")).get_db_prep_value(value, connection)
        if not column.endswith("_id")
        else value
        for column, value in zip(columns, constants, strict=False)
    ]
    sql, params = queryset.query.sql_with_params()
    placeholders = ", ".join(["%s"] * len(constants))
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = (
        f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) "
        f"SELECT {placeholders}, sub.* FROM ({sql}) sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*constants, *params])
        return cursor.rowcount


@transaction.atomic
def segment_evaluate(
    *, segment: Segment, actor=None, today: date | None = None
) -> SegmentEvaluation:
    """Run the segment's rule over every customer in the database, in a few statements.

    Members who no longer match leave (their membership gets an end date); new matches enter
    and are offered the segment's products. Nothing loops over customers in Python.
    """
    require(actor, "customers.evaluate_segment", "evaluate segments")
    now = timezone.now()
    evaluation = SegmentEvaluation.objects.create(
        segment=segment, started_at=now, evaluated_by=actor
    )
    matches = selectors.segment_matches(
        selectors.segment_conditions(segment), today=today
    ).order_by()
    current = SegmentMembership.objects.filter(segment=segment, left_at__isnull=True)

    left = (
        current.exclude(customer_id__in=matches.values("pk")).update(left_at=now)
        if segment.is_active
        else current.update(left_at=now)
    )
    entered = 0
    if segment.is_active:
        newcomers = matches.exclude(
            pk__in=SegmentMembership.objects.filter(segment=segment, left_at__isnull=True).values(
                "customer_id"
            )
        ).values("pk")
        entered = _insert_select(
            SegmentMembership,
            ["segment_id", "entered_at", "customer_id"],
            newcomers,
            [segment.pk, now],
        )
    offers = 0
    for offering in segment.offerings.all():
        already = Holding.objects.filter(offering=offering, status__in=OPEN_HOLDING_STATUSES)
        to_offer = (
            SegmentMembership.objects.filter(segment=segment, entered_at=now, left_at__isnull=True)
            .exclude(customer_id__in=already.values("customer_id"))
            .order_by()
            .values("customer_id")
        )
        offers += _insert_select(
            Holding,
            ["offering_id", "status", "started_on", "segment_id", "customer_id"],
            to_offer,
            [offering.pk, HoldingStatus.OFFERED, timezone.localdate(), segment.pk],
        )
    evaluation.matched = current.count()
    evaluation.entered = entered
    evaluation.left = left
    evaluation.offers_made = offers
    evaluation.finished_at = timezone.now()
    evaluation.save()
    segment.last_evaluated_at = now
    segment.save(update_fields=["last_evaluated_at"])
    return evaluation


def segments_evaluate_all(*, actor=None, today: date | None = None) -> list[SegmentEvaluation]:
    require(actor, "customers.evaluate_segment", "evaluate segments")
    return [
        segment_evaluate(segment=segment, actor=actor, today=today)
        for segment in Segment.objects.all()
    ]


@transaction.atomic
def segment_inform(
    *, actor, segment: Segment, customers: Iterable[Customer] | None = None
) -> dict[str, int]:
    """Tell members of their segment on their preferred channel.

    Emails are queued to send; other channels become notices for staff to make (a call, a
    letter). Customers who withdrew consent to service contact are skipped.
    Returns counts by outcome.
    """
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    if customers is None:
        customers = selectors.members_not_informed(segment)
    counts = {"emailed": 0, "to_make": 0, "skipped": 0}
    notices = []
    for customer in customers:
        if not customer.consent_service or customer.erased_at:
            counts["skipped"] += 1
            continue
        by_email = customer.preferred_channel == Channel.EMAIL and customer.email
        notices.append(
            SegmentNotice(
                customer=customer,
                segment=segment,
                channel=Channel.EMAIL if by_email else customer.preferred_channel,
                status=NoticeStatus.QUEUED if by_email else NoticeStatus.TO_MAKE,
                created_by=actor,
            )
        )
        counts["emailed" if by_email else "to_make"] += 1
    created = SegmentNotice.objects.bulk_create(notices, batch_size=2000)
    email_ids = [n.pk for n in created if n.status == NoticeStatus.QUEUED]
    for start in range(0, len(email_ids), 500):
        enqueue_on_commit(
            "charter.customers.tasks.send_segment_notices", email_ids[start : start + 500]
        )
    return counts


@transaction.atomic
def segment_notice_made(*, actor, notice: SegmentNotice, channel: str, note: str = ""):
    """Staff told the customer themselves (a call, a letter, a meeting)."""
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    if notice.status in (NoticeStatus.SENT, NoticeStatus.MADE):
        raise Conflict("This customer has already been told.")
    notice.status = NoticeStatus.MADE
    notice.channel = channel
    notice.note = note
    notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "channel", "note", "sent_at"])
    return notice


@transaction.atomic
def segment_call_done(
    *, actor, notice: SegmentNotice, outcome: str, note: str = ""
) -> SegmentNotice:
    """A call on the call list was made: how it ended takes it off the list. Reached or a
    message left, the customer has been told; no answer or a wrong number, they have not."""
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    if outcome not in CallOutcome.values:
        raise DomainError("Say how the call ended.", field="outcome")
    notice = SegmentNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.done_at is not None or notice.status != NoticeStatus.TO_MAKE:
        raise Conflict("This call has already been marked done.")
    now = timezone.now()
    notice.outcome = outcome
    notice.done_at = now
    notice.done_by = actor
    notice.note = (note or "").strip()[:255]
    if outcome in TOLD_OUTCOMES:
        notice.status = NoticeStatus.MADE
        notice.sent_at = now
    else:
        notice.status = NoticeStatus.FAILED
    notice.save(update_fields=["outcome", "done_at", "done_by", "note", "status", "sent_at"])
    return notice


@transaction.atomic
def segment_notice_record(
    *, actor, customer: Customer, segment: Segment, channel: str, note: str = ""
) -> SegmentNotice:
    """Record that a member of staff told one customer of their segment."""
    require(actor, "customers.add_segmentnotice", "tell customers of their segment")
    _refuse_if_erased(customer)
    if channel not in Channel.values:
        raise DomainError(f"'{channel}' is not a channel we offer.", field="channel")
    return SegmentNotice.objects.create(
        customer=customer,
        segment=segment,
        channel=channel,
        status=NoticeStatus.MADE,
        sent_at=timezone.now(),
        created_by=actor,
        note=note,
    )


@transaction.atomic
def segment_feedback_record(
    *,
    actor,
    customer: Customer,
    segment: Segment,
    rating: int,
    comment: str = "",
    channel: str = Channel.TELEPHONE,
) -> SegmentFeedback:
    require(actor, "customers.add_segmentfeedback", "record feedback on segments")
    _refuse_if_erased(customer)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise DomainError("Give a rating from 1 to 5.", field="rating") from None
    if not 1 <= rating <= 5:
        raise DomainError("Give a rating from 1 to 5.", field="rating")
    if not SegmentMembership.objects.filter(customer=customer, segment=segment).exists():
        raise DomainError(f"This customer has never been in the segment {segment}.")
    return SegmentFeedback.objects.create(
        customer=customer,
        segment=segment,
        rating=rating,
        comment=(comment or "").strip(),
        channel=channel,
        recorded_by=actor,
    )
