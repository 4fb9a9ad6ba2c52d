"""A registry of what appears on a customer's timeline. Each app adds its own events.

The customer page asks every registered source for the customer's latest events, so later apps
(contacts, cases, orders, surveys, loyalty) appear there without the customer page knowing them.
A source is called once per page with the customer's id and must read in fixed queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a short label, e.g. "Consent", "Segment", "Complaint"
    title: str
    detail: str = ""
    url: str = ""


_sources: dict[str, Callable[[int, int], list[TimelineEvent]]] = {}


def register_timeline_source(key: str, source: Callable[[int, int], list[TimelineEvent]]):
    """``source(customer_id, limit)`` returns up to ``limit`` of the customer's latest events."""
    _sources[key] = source


def timeline_for(customer_id: int, *, limit: int = 30) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for source in _sources.values():
        events.extend(source(customer_id, limit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
