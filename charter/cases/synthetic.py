"""Synthetic cases in volume, for benchmarks: ``make_cases(1_000_000)``.

Cases are spread over the past three years across the existing customers and the officers,
with the charter's promise for complaints on the business calendar (worked out once per
opening day), and the complaint procedure's outcome: most are closed, some met late; the last
fortnight's stay open, a share of them past due. Each case has its opening event. Rows are
written with ``core.bulk.insert_rows`` (COPY on PostgreSQL) in batches; nothing is audited.
References are ``SYN-CASE-0000001``... after any existing ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from charter.accounts.models import RoleCode, User
from charter.core.bulk import insert_rows
from charter.core.selectors import business_calendar
from charter.customers.models import Customer
from charter.standards import rules as standards_rules
from charter.standards.selectors import current_version

from .models import Case, CaseEvent, Category

PREFIX = "SYN-CASE-"
DIGITS = 7
CHUNK = 10_000
YEARS = 3
CASE_COLUMNS = (
    "reference",
    "kind",
    "status",
    "subject",
    "description",
    "customer",
    "public_name",
    "public_email",
    "public_phone",
    "complainant_type",
    "directed_at",
    "directed_at_detail",
    "category",
    "topic",
    "severity",
    "desired_outcome",
    "channel",
    "involves_injury",
    "property_damage",
    "not_covered",
    "legal_threat",
    "competitor_threat",
    "significant_customer",
    "complex",
    "routing",
    "insurance_claim",
    "system_action",
    "customer_action",
    "opened_by",
    "owner",
    "escalation",
    "referred_to",
    "opened_at",
    "acknowledge_due",
    "acknowledged_at",
    "resolve_due",
    "notified_at",
    "followed_up_at",
    "closed_at",
    "outcome",
    "pause_reason",
    "updated_at",
)
EVENT_COLUMNS = ("case", "kind", "from_status", "to_status", "text", "by", "at")
KINDS = (("complaint", 60), ("enquiry", 32), ("compliment", 5), ("suggestion", 3))
# Who complains and about what, as a log's analysis would find it (the public leave no
# customer record).
MADE_BY = (("customer", 88), ("corporate_agency", 9), ("public", 3))
DIRECTED_AT = (
    ("product", 40),
    ("delivery", 25),
    ("service", 15),
    ("salesperson", 8),
    ("distributor", 7),
    ("colleague", 3),
    ("other", 2),
)
CHANNELS = ("telephone", "email", "web_form", "face_to_face", "letter", "social", "video")
SUBJECTS = {
    "complaint": (
        "Order arrived late",
        "Wrong size delivered",
        "Widget cracked in use",
        "Kept on hold too long",
        "Invoice charged twice",
    ),
    "enquiry": ("Price of 8 mm widgets", "Delivery time to Perth", "Test certificates"),
    "compliment": ("Thanks for the quick replacement",),
    "suggestion": ("Track orders by text message",),
}


def _last_number() -> int:
    last = Case.objects.filter(reference__startswith=PREFIX).aggregate(m=Max("reference"))["m"]
    return int(last.removeprefix(PREFIX)) if last else 0


def make_cases(
    n: int,
    *,
    seed: int = 1,
    batch_size: int = CHUNK,
    now: datetime | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    if n <= 0:
        return 0
    now = now or timezone.now()
    start = _last_number()
    rng = random.Random(f"{seed}:{start}")
    customers = list(Customer.objects.filter(erased_at__isnull=True).values_list("pk", flat=True))
    officers = sorted(
        User.objects.filter(
            is_active=True, groups__role__code=RoleCode.CUSTOMER_SERVICE_OFFICER
        ).values_list("pk", flat=True)
    )
    if not customers or not officers:
        raise ValueError("Synthetic cases need customers and officers: load the demo first.")
    categories = list(Category.objects.values_list("pk", flat=True)) or [None]
    version = current_version()
    promises = {
        p.event: p
        for p in (
            version.promises.filter(customer_type=None, segment=None, topic="") if version else []
        )
    }
    calendar = business_calendar()
    due_cache: dict[tuple[str, date], datetime | None] = {}

    def due(event: str, day: date) -> datetime | None:
        key = (event, day)
        if key not in due_cache:
            promise = promises.get(event)
            due_cache[key] = (
                standards_rules.deadline(
                    calendar,
                    unit=promise.unit,
                    target=promise.target,
                    moment=datetime.combine(day, time(12), tzinfo=calendar.zone),
                ).astimezone(UTC)
                if promise and promise.unit != "seconds"
                else None
            )
        return due_cache[key]

    sqlite = connection.vendor == "sqlite"

    def t(moment):
        if moment is None or not sqlite:
            return moment
        return moment.replace(tzinfo=None).isoformat(" ")

    kinds, weights = zip(*KINDS, strict=True)
    made_by, made_by_weights = zip(*MADE_BY, strict=True)
    aimed_at, aimed_at_weights = zip(*DIRECTED_AT, strict=True)
    span = YEARS * 365 * 86_400
    made = 0
    while made < n:
        size = min(batch_size, n - made)
        rows, events = [], []
        for number in range(start + made + 1, start + made + size + 1):
            kind = rng.choices(kinds, weights)[0]
            opened = now - timedelta(seconds=rng.random() * span)
            day = calendar.local(opened).date()
            recent = now - opened < timedelta(days=14)
            event = "complaint_resolve" if kind == "complaint" else "enquiry_reply"
            resolve_due = due(event, day)
            ack_due = due("complaint_acknowledge", day) if kind == "complaint" else None
            owner = rng.choice(officers)
            answered = opened + timedelta(hours=rng.uniform(2, 400))
            closed = not recent and answered < now
            status = "closed" if closed else rng.choice(("received", "investigating", "committed"))
            complaint = kind == "complaint"
            who = rng.choices(made_by, made_by_weights)[0] if complaint else "customer"
            public = who == "public"
            rows.append(
                (
                    f"{PREFIX}{number:0{DIGITS}d}",
                    kind,
                    status,
                    rng.choice(SUBJECTS[kind]),
                    "",
                    None if public else rng.choice(customers),
                    "Member of the public" if public else "",
                    "",
                    "",
                    who,
                    rng.choices(aimed_at, aimed_at_weights)[0] if complaint else "",
                    "",
                    rng.choice(categories) if kind == "complaint" else None,
                    "",
                    rng.choice((1, 2, 2, 2, 3)),
                    "",
                    rng.choice(CHANNELS),
                    False,
                    False,
                    False,
                    False,
                    False,
                    False,
                    False,
                    "[]",
                    "",
                    "",
                    "",
                    owner,
                    owner,
                    "",
                    "",
                    t(opened),
                    t(ack_due),
                    t(opened + timedelta(hours=2)),
                    t(resolve_due),
                    t(answered if closed else None),
                    t(min(answered + timedelta(days=5), now) if closed else None),
                    t(min(answered + timedelta(days=6), now) if closed else None),
                    "Resolved" if closed else "",
                    "",
                    t(opened),
                )
            )
        with transaction.atomic():
            insert_rows(Case, CASE_COLUMNS, rows)
            first, last = rows[0][0], rows[-1][0]
            ids = Case.objects.filter(reference__gte=first, reference__lte=last).values_list(
                "pk", "opened_by_id", "opened_at"
            )
            events = [(pk, "opened", "", "received", "Logged.", by, t(at)) for pk, by, at in ids]
            insert_rows(CaseEvent, EVENT_COLUMNS, events)
        made += size
        if progress is not None:
            progress(made, n)
    return made
