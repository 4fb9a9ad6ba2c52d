"""Reads of the charter. ``promise_for`` and ``deadline_for`` are the one door through which
cases, orders and KPIs learn what the organisation promised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import Q

from charter.core import memo
from charter.core.calendar import BusinessCalendar, WeeklyHours
from charter.core.errors import DomainError
from charter.core.selectors import business_calendar
from charter.customers.models import SegmentMembership

from . import rules
from .models import (
    Acknowledgement,
    ChannelOffer,
    CharterVersion,
    Policy,
    PolicyVersion,
    ProcedureStep,
    PromiseEvent,
    ServicePromise,
    VersionStatus,
)


class NoPromise(DomainError):
    """The charter makes no promise for this event and customer: a gap to fix in the charter,
    never a silent default."""


def current_version() -> CharterVersion | None:
    return CharterVersion.objects.filter(status=VersionStatus.APPROVED).first()


def channel_hours() -> dict[str, WeeklyHours]:
    """The opening hours the current charter publishes, by channel (channels without them are
    left out: promises about them run on the organisation's service hours)."""
    return dict(memo.remember("channel-hours", _read_channel_hours))


def _read_channel_hours() -> dict[str, WeeklyHours]:
    offers = ChannelOffer.objects.filter(version__status=VersionStatus.APPROVED).values_list(
        "channel", "opening_hours"
    )
    found = {channel: WeeklyHours.load(data) for channel, data in offers}
    return {channel: hours for channel, hours in found.items() if hours.opens_on_a_weekday}


def channel_calendar(channel: str = "") -> BusinessCalendar:
    """The calendar a promise about ``channel`` runs on (see ``rules.channel_calendar``),
    kept by the process with the settings it is made of."""
    return memo.remember(
        f"channel-calendar:{channel}",
        lambda: rules.channel_calendar(business_calendar(), channel_hours(), channel),
    )


def approved_promises() -> tuple[CharterVersion | None, tuple[ServicePromise, ...]]:
    """The approved charter and all its promises with their scope joined, kept by the process
    until the charter changes (shared: never change them)."""

    def read():
        promises = tuple(
            ServicePromise.objects.filter(version__status=VersionStatus.APPROVED).select_related(
                "version", "segment", "customer_type"
            )
        )
        return (promises[0].version if promises else current_version()), promises

    return memo.remember("approved-promises", read)


class PromiseBook:
    """The current charter's promises for some events, read once, with the segments of the
    given customers: the one place that chooses which promise applies, and the calendar it
    runs on, for one deadline or many (inbound mail in batches). The calendar and the
    channels' hours are read once, when a first deadline is asked for."""

    def __init__(self, events: list[str], customers=()):
        self.version, promises = approved_promises()
        self.promises = [p for p in promises if p.event in events]
        self._calendars: dict[str, BusinessCalendar] = {}
        self.segments: dict[int, set[int]] = {}
        ids = {c.pk for c in customers if c is not None}
        if ids and any(p.segment_id for p in self.promises):
            memberships = SegmentMembership.objects.filter(
                customer_id__in=ids, left_at__isnull=True
            ).values_list("customer_id", "segment_id")
            for customer_id, segment_id in memberships:
                self.segments.setdefault(customer_id, set()).add(segment_id)

    def promise(self, customer, event: str, *, topic: str = ""):
        """The promise for ``event`` that applies to ``customer``: one for the complaint's
        ``topic`` (e.g. hardship) first, then a segment's over a customer type's over
        everyone's; ``customer`` None (a member of the public) gets the promises made to
        everyone. Or the NoPromise that says what the charter lacks."""
        if self.version is None:
            return NoPromise("There is no approved charter yet, so nothing has been promised.")
        chosen = rules.most_specific(
            [p for p in self.promises if p.event == event],
            customer_type_id=customer.customer_type_id if customer is not None else None,
            segment_ids=self.segments.get(customer.pk, set()) if customer is not None else set(),
            topic=topic,
        )
        if chosen is None:
            label = PromiseEvent(event).label.lower() if event in PromiseEvent.values else event
            return NoPromise(
                f"Charter version {self.version.number} makes no promise to {label} for this "
                "customer's type or segments: add one to the charter."
            )
        return chosen

    @cached_property
    def calendar(self) -> BusinessCalendar:
        """The organisation's calendar: its service hours, holidays and closure days."""
        return business_calendar()

    @cached_property
    def channel_hours(self) -> dict[str, WeeklyHours]:
        return channel_hours()

    def calendar_for(self, channel: str = "") -> BusinessCalendar:
        """The calendar a promise about ``channel`` runs on (blank: the organisation's)."""
        if channel not in self._calendars:
            self._calendars[channel] = channel_calendar(channel)
        return self._calendars[channel]

    def deadline(
        self, customer, event: str, moment: datetime, *, topic: str = "", channel: str = ""
    ):
        """When the promise falls due, counted from ``moment`` (a Deadline), or the
        NoPromise. It runs on the hours of ``channel`` (where the event came in) when the
        charter publishes them, else on the organisation's service hours."""
        promise = self.promise(customer, event, topic=topic)
        if isinstance(promise, NoPromise):
            return promise
        due = rules.deadline(
            self.calendar_for(channel), unit=promise.unit, target=promise.target, moment=moment
        )
        return Deadline(promise=promise, due=due)


def promises_for(customer, events: list[str], *, topic: str = "") -> dict:
    """Each event's promise for the customer, or the ``NoPromise`` that says what is missing."""
    book = PromiseBook(events, [customer])
    return {event: book.promise(customer, event, topic=topic) for event in events}


def deadlines_for(
    customer, events: list[str], moment: datetime, *, topic: str = "", channel: str = ""
) -> dict:
    """Each event's Deadline for the customer counted from ``moment`` on ``channel``'s hours
    (see ``PromiseBook.deadline``), or NoPromise."""
    book = PromiseBook(events, [customer])
    return {
        event: book.deadline(customer, event, moment, topic=topic, channel=channel)
        for event in events
    }


def promise_for(customer, event: str, *, topic: str = "") -> ServicePromise:
    """The promise that applies (see ``PromiseBook.promise``); raises NoPromise."""
    found = PromiseBook([event], [customer]).promise(customer, event, topic=topic)
    if isinstance(found, NoPromise):
        raise found
    return found


@dataclass(frozen=True)
class Deadline:
    promise: ServicePromise
    due: datetime


def deadline_for(
    customer, event: str, moment: datetime, *, topic: str = "", channel: str = ""
) -> Deadline:
    """Which promise applies and when it falls due, counted from ``moment`` on ``channel``'s
    hours, or the organisation's service hours without one (see ``PromiseBook.deadline``)."""
    found = PromiseBook([event], [customer]).deadline(
        customer, event, moment, topic=topic, channel=channel
    )
    if isinstance(found, NoPromise):
        raise found
    return found


def public_promises(version: CharterVersion) -> list[ServicePromise]:
    """The promises customers read, in a fixed order, with their scope joined."""
    return list(version.promises.select_related("customer_type", "segment").order_by("event", "pk"))


def charter_versions():
    """Every version, newest first, with its promises, needs and channels joined."""
    return CharterVersion.objects.select_related("approved_by", "created_by").prefetch_related(
        "promises__customer_type", "promises__segment", "needs__customer_type", "channels"
    )


def charter_version(number: int) -> CharterVersion | None:
    return charter_versions().filter(number=number).first()


def charter_version_list() -> list[CharterVersion]:
    """Every version's number and status, newest first (for moving between versions)."""
    return list(CharterVersion.objects.only("number", "status").order_by("-number"))


def draft_version() -> CharterVersion | None:
    return CharterVersion.objects.filter(status=VersionStatus.DRAFT).first()


def policies(*, with_steps: bool = False):
    """Every policy with its versions (newest first) and the teams it binds, in 3 queries;
    ``with_steps`` adds each version's steps with what they name, in one more."""
    from django.db.models import Prefetch

    found = Policy.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=PolicyVersion.objects.select_related("approved_by").order_by("-number"),
        ),
        "teams",
    )
    if with_steps:
        steps = ProcedureStep.objects.select_related("authority_limit__role", "refer_to_role")
        found = found.prefetch_related(Prefetch("versions__steps", queryset=steps))
    return found


def policy_version(policy: Policy, number: int) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy=policy, number=number)
        .select_related("policy", "approved_by", "created_by")
        .prefetch_related("steps__authority_limit__role", "steps__refer_to_role")
        .first()
    )


def procedures(version: PolicyVersion) -> list[tuple[str, list]]:
    """The version's steps grouped by procedure, procedures in the order they were written
    (the officers' procedure before the manager's), steps by number. Uses prefetched steps."""
    groups: dict[str, list] = {}
    for step in sorted(version.steps.all(), key=lambda s: s.pk):
        groups.setdefault(step.procedure, []).append(step)
    return [(name, sorted(steps, key=lambda s: s.number)) for name, steps in groups.items()]


def replacement_reading() -> str:
    """How the organisation reads its procedure's step on replacing a faulty product (the
    customer service manager's setting), in words for the policy page."""
    from charter.accounts import rules as authority_rules
    from charter.accounts.selectors import authority_settings

    return authority_rules.replacement_reading(
        authority_settings().replacement_within_everyones_authority
    )


def current_policy_versions():
    return PolicyVersion.objects.filter(status=VersionStatus.APPROVED).select_related("policy")


# --- Who must read what --------------------------------------------------------------------


def staff_bound_by(version):
    """The active staff a version binds: everyone for the charter; for a policy, the members
    of its teams (all staff when it names none)."""
    from charter.accounts.models import User

    staff = User.objects.filter(is_active=True).select_related("team")
    if isinstance(version, PolicyVersion):
        team_ids = list(version.policy.teams.values_list("pk", flat=True))
        if team_ids:
            staff = staff.filter(team_id__in=team_ids)
    return staff.order_by("first_name", "last_name", "username")


def _current_documents():
    """The current charter and every policy's current version, with the teams each binds."""
    documents = []
    charter = current_version()
    if charter:
        documents.append((charter, None))
    versions = current_policy_versions().prefetch_related("policy__teams")
    for version in versions.order_by("policy__title"):
        documents.append((version, {t.pk for t in version.policy.teams.all()} or None))
    return documents


@dataclass(frozen=True)
class Outstanding:
    """A current document a member of staff has not acknowledged yet."""

    version: object

    @property
    def title(self) -> str:
        if isinstance(self.version, CharterVersion):
            return f"Customer service charter, version {self.version.number}"
        return f"{self.version.policy.title}, version {self.version.number}"

    @property
    def url(self) -> str:
        from django.urls import reverse

        if isinstance(self.version, CharterVersion):
            return reverse("standards:charter-version", args=[self.version.number])
        return reverse(
            "standards:policy-version", args=[self.version.policy.slug, self.version.number]
        )


def outstanding_for(user) -> list[Outstanding]:
    """What ``user`` still has to read and acknowledge, in a fixed number of queries."""
    documents = _current_documents()
    done = Acknowledgement.objects.filter(user=user)
    charter_done = set(done.values_list("charter_version_id", flat=True))
    policy_done = set(done.values_list("policy_version_id", flat=True))
    result = []
    for version, teams in documents:
        if teams is not None and user.team_id not in teams:
            continue
        acknowledged = charter_done if isinstance(version, CharterVersion) else policy_done
        if version.pk not in acknowledged:
            result.append(Outstanding(version))
    return result


@dataclass
class TeamAcknowledgements:
    team: object
    done: list
    missing: list

    @property
    def total(self) -> int:
        return len(self.done) + len(self.missing)


@dataclass
class DocumentAcknowledgements:
    document: Outstanding
    teams: list[TeamAcknowledgements]

    @property
    def missing_count(self) -> int:
        return sum(len(t.missing) for t in self.teams)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.teams)


def acknowledgement_report(*, teams=None) -> list[DocumentAcknowledgements]:
    """For each current document, per team: who has acknowledged it and who has not.
    ``teams`` narrows it to some teams (a manager's own). Five queries whatever the size."""
    from charter.accounts.models import User

    documents = _current_documents()
    staff = list(
        User.objects.filter(is_active=True)
        .select_related("team")
        .order_by("team__name", "first_name", "last_name", "username")
    )
    if teams is not None:
        wanted = {t.pk for t in teams}
        staff = [u for u in staff if u.team_id in wanted]
    acknowledged = set(
        Acknowledgement.objects.filter(
            Q(charter_version__status=VersionStatus.APPROVED)
            | Q(policy_version__status=VersionStatus.APPROVED)
        ).values_list("charter_version_id", "policy_version_id", "user_id")
    )
    report = []
    for version, bound_teams in documents:
        key = (version.pk, None) if isinstance(version, CharterVersion) else (None, version.pk)
        per_team: dict = {}
        for person in staff:
            if bound_teams is not None and person.team_id not in bound_teams:
                continue
            entry = per_team.setdefault(person.team_id, TeamAcknowledgements(person.team, [], []))
            (entry.done if (*key, person.pk) in acknowledged else entry.missing).append(person)
        report.append(DocumentAcknowledgements(Outstanding(version), list(per_team.values())))
    return report


# --- Comparing versions ---------------------------------------------------------------------


def _scope_key(promise) -> str:
    return f"{promise.get_event_display()} ({promise.scope_label})"


def charter_snapshot(version: CharterVersion) -> dict:
    """A version as plain data for ``rules.compare``: promises keyed by event and scope, needs
    by customer type, channels by channel. ``version`` should come from ``charter_versions``."""
    return {
        "texts": {
            "Vision": version.vision,
            "Mission": version.mission,
            "Welcome": version.welcome,
            "External dispute body": version.external_dispute_body,
        },
        "sections": {
            "Promises": {
                _scope_key(p): {
                    "Target": p.target_label,
                    "Wording": p.wording,
                    "Measure": p.measure,
                }
                for p in version.promises.all()
            },
            "Customer needs": {
                str(n.customer_type): {"Needs": n.needs, "Communication": n.communication}
                for n in version.needs.all()
            },
            "Channels": {
                c.get_channel_display(): {
                    "Opening hours": c.opening_hours_text,
                    "Note on the hours": c.hours,
                    "Suited to": c.suited_to,
                }
                for c in version.channels.all()
            },
        },
    }


def policy_snapshot(version: PolicyVersion) -> dict:
    """A policy version as plain data: its template fields and steps keyed by procedure and
    number. ``version`` should come from ``policy_version``."""
    return {
        "texts": {
            "Purpose": version.purpose,
            "Scope": version.scope,
            "Resources": version.resources,
            "Responsibility": version.responsibility,
            "Legislation": version.legislation,
        },
        "sections": {
            "Steps": {
                f"{s.procedure}, step {s.number}": {
                    "Text": s.text,
                    "Authority limit": str(s.authority_limit or ""),
                    "Refer to": str(s.refer_to_role or ""),
                    "Form": s.form_name,
                }
                for s in version.steps.all()
            }
        },
    }


def promises(*, version_number: int | None = None):
    """The current charter's promises, or a given version's."""
    found = ServicePromise.objects.select_related("customer_type", "segment", "version")
    if version_number is not None:
        return found.filter(version__number=version_number)
    return found.filter(version__status=VersionStatus.APPROVED)
