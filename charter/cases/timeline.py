"""Cases and contacts on a customer's timeline, and in access reports."""

from __future__ import annotations

from django.urls import reverse

from charter.core.timeline import TimelineEvent

from .models import Case, Contact


def customer_events(customer_id: int, limit: int) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            case.opened_at,
            case.get_kind_display(),
            f"{case.reference}: {case.subject}",
            f"{case.get_status_display()}; {case.get_severity_display().lower()} severity",
            reverse("cases:detail", args=[case.pk]),
        )
        for case in Case.objects.filter(customer_id=customer_id).order_by("-opened_at")[:limit]
    ]
    contacts = (
        Contact.objects.filter(customer_id=customer_id, case__isnull=True)
        .select_related("staff")
        .order_by("-at")[:limit]
    )
    events += [
        TimelineEvent(
            c.at,
            "Contact",
            f"{c.get_channel_display()}, {c.get_direction_display().lower()}",
            c.summary[:200],
        )
        for c in contacts
    ]
    return events


def access_cases(customer) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "kind": c.kind,
            "opened_at": c.opened_at,
            "subject": c.subject,
            "description": c.description,
            "desired_outcome": c.desired_outcome,
            "status": c.status,
            "outcome": c.outcome,
        }
        for c in Case.objects.filter(customer=customer)
    ]


def access_contacts(customer) -> list[dict]:
    return [
        {"at": c.at, "channel": c.channel, "direction": c.direction, "summary": c.summary}
        for c in Contact.objects.filter(customer=customer)
    ]
