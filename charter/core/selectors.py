"""Reads of core records."""

from __future__ import annotations

import copy
from datetime import date, datetime, time

from auditlog.registry import auditlog as auditlog_registry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import memo
from .calendar import BusinessCalendar, ClosedPeriod
from .models import AuditEntry, Closure, Organisation


def organisation_current() -> Organisation:
    """The organisation this installation serves (created by migrations or the demo), kept by
    the process until it changes; a copy, so a caller that changes it changes nothing another
    request reads."""
    return copy.copy(memo.remember("organisation", _read_organisation))


def _read_organisation() -> Organisation:
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation(name="Charter")
    return organisation


def closures() -> list[Closure]:
    return list(Closure.objects.order_by("first_day", "pk"))


def upcoming_closures() -> list[Closure]:
    """Closures not yet over, for customers to read."""
    return list(Closure.objects.filter(last_day__gte=timezone.localdate()).order_by("first_day"))


def business_calendar() -> BusinessCalendar:
    """The organisation's calendar: its service hours, its state's public holidays and its
    closure days, in its time zone (kept by the process until one of them changes)."""
    return memo.remember("business-calendar", _read_calendar)


def _read_calendar() -> BusinessCalendar:
    organisation = organisation_current()
    closed = Closure.objects.values_list("first_day", "last_day", "name")
    return BusinessCalendar(
        state=organisation.state,
        time_zone=organisation.time_zone,
        hours=organisation.weekly_hours,
        closures=tuple(ClosedPeriod(first, last, name) for first, last, name in closed),
    )


def audit_history_for(obj, *, views: bool = False) -> QuerySet[AuditEntry]:
    """Every change to one record, newest first, with the actor joined; with ``views``, only
    the logged views of it instead."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    entries = AuditEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
    if views:
        entries = entries.filter(action=AuditEntry.Action.ACCESS)
    else:
        entries = entries.exclude(action=AuditEntry.Action.ACCESS)
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def audit_entries(
    *,
    actor_id: int | None = None,
    actor_username: str | None = None,
    actor: str | None = None,
    content_type_id: int | None = None,
    object_pk: str | None = None,
    action: int | None = None,
    interface: str | None = None,
    since: date | None = None,
    until: date | None = None,
    text: str | None = None,
) -> QuerySet[AuditEntry]:
    """The audit trail filtered as an auditor asks, newest first; dates are whole local days.

    ``actor`` is a username or part of a person's name ("system" for entries without one);
    ``text`` is part of the record's name (CASE-12, IW-0002) or of the page or command.
    """
    entries = AuditEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp", "-pk"
    )
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if actor_username:
        entries = entries.filter(actor__username=actor_username.strip().lower())
    if actor and actor.strip():
        entries = entries.filter(_actor_matches(actor))
    if content_type_id:
        entries = entries.filter(content_type_id=content_type_id)
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    if action is not None:
        entries = entries.filter(action=action)
    if interface:
        entries = entries.filter(interface=interface)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(timestamp__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(timestamp__lte=datetime.combine(until, time.max, tzinfo=zone))
    if text and text.strip():
        text = text.strip()
        entries = entries.filter(Q(object_repr__icontains=text) | Q(source__icontains=text))
    return entries


def _actor_matches(actor: str) -> Q:
    """Entries by the person whose username is ``actor`` or, failing that, whose name has every
    word of it; the few people are found first, so the trail is read through its actor index."""
    actor = actor.strip()
    users = get_user_model().objects
    ids = list(users.filter(username__iexact=actor).values_list("pk", flat=True))
    if not ids:
        named = Q()
        for word in actor.split():
            named &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        ids = list(users.filter(named).values_list("pk", flat=True))
    matches = Q(actor_id__in=ids)
    if actor.lower() == "system":
        matches |= Q(actor__isnull=True)
    return matches


def audited_content_types() -> QuerySet[ContentType]:
    """Kinds of record the trail records, for the auditor's filter.

    Read from the audit registry, not the trail: a DISTINCT over the trail grows with it.
    """
    models = [m for m in auditlog_registry.get_models() if not m._meta.auto_created]
    ids = [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")
