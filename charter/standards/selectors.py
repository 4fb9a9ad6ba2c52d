"""Reads of the charter. ``promise_for`` and ``deadline_for`` are the one door through which
cases, orders and KPIs learn what the organisation promised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from charter.core.errors import DomainError
from charter.core.selectors import business_calendar

from . import rules
from .models import CharterVersion, PromiseEvent, ServicePromise, VersionStatus


class NoPromise(DomainError):
    """The charter makes no promise for this event and customer: a gap to fix in the charter,
    never a silent default."""


def current_version() -> CharterVersion | None:
    return CharterVersion.objects.filter(status=VersionStatus.APPROVED).first()


def promise_for(customer, event: str) -> ServicePromise:
    """The current charter's promise for ``event`` that applies to ``customer``: a segment's
    over a customer type's over everyone's."""
    version = current_version()
    if version is None:
        raise NoPromise("There is no approved charter yet, so nothing has been promised.")
    promises = list(
        ServicePromise.objects.filter(version=version, event=event).select_related(
            "segment", "customer_type"
        )
    )
    segment_ids = set(
        customer.segment_memberships.filter(left_at__isnull=True).values_list(
            "segment_id", flat=True
        )
    )
    chosen = rules.most_specific(
        promises, customer_type_id=customer.customer_type_id, segment_ids=segment_ids
    )
    if chosen is None:
        label = PromiseEvent(event).label.lower() if event in PromiseEvent.values else event
        raise NoPromise(
            f"Charter version {version.number} makes no promise to {label} for this customer's "
            "type or segments: add one to the charter."
        )
    return chosen


@dataclass(frozen=True)
class Deadline:
    promise: ServicePromise
    due: datetime


def deadline_for(customer, event: str, moment: datetime) -> Deadline:
    """Which promise applies and when it falls due, counted from ``moment`` on the
    organisation's business calendar."""
    promise = promise_for(customer, event)
    due = rules.deadline(
        business_calendar(), unit=promise.unit, target=promise.target, moment=moment
    )
    return Deadline(promise=promise, due=due)


def public_promises(version: CharterVersion) -> list[ServicePromise]:
    """The promises customers read, in a fixed order, with their scope joined."""
    return list(version.promises.select_related("customer_type", "segment").order_by("event", "pk"))


def charter_versions():
    """Every version, newest first, with its promises and their scope joined."""
    return CharterVersion.objects.select_related("approved_by").prefetch_related(
        "promises__customer_type", "promises__segment"
    )


def promises(*, version_number: int | None = None):
    """The current charter's promises, or a given version's."""
    found = ServicePromise.objects.select_related("customer_type", "segment", "version")
    if version_number is not None:
        return found.filter(version__number=version_number)
    return found.filter(version__status=VersionStatus.APPROVED)
