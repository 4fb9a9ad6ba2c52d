"""Reads about contacts and cases: the queue, the case page, the log and its analysis, and the
deadline queries the periodic check runs. Each returns only what the user may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Case as Choose
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from charter.customers.models import CustomerKind
from charter.orders.models import Order

from . import rules
from .log_periods import midnight, month_of, months_between, next_month, split_period
from .models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseMonthCount,
    CaseMonthCountsState,
    CaseStatus,
    Category,
    Contact,
    Direction,
    Email,
    EscalationLevel,
    MailStatus,
    Resolution,
)

OPEN = Q(closed_at__isnull=True)
UNTIL = date(9000, 1, 1)  # later than any case is opened


def cases_visible_to(user) -> QuerySet[Case]:
    """Anyone who serves customers sees every case (a colleague may pick up any complaint)."""
    if not user.has_perm("cases.view_case"):
        return Case.objects.none()
    return Case.objects.all()


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("customer", "owner", "category")


def case_queue(user, *, mine: bool = False, kind: str = "") -> QuerySet[Case]:
    """Open cases, what falls due first at the top (no due time last). Reads the open-cases
    index in its own order."""
    found = cases_visible_to(user).filter(OPEN)
    if mine:
        found = found.filter(owner=user)
    if kind:
        found = found.filter(kind=kind)
    return _listed(found).order_by("resolve_due", "pk")


def past_due(now: datetime) -> Q:
    """Open cases past their resolution promise: not answered, and not waiting for the
    customer (their clock is stopped). What ``rules.deadline_state`` calls breached."""
    return Q(resolve_due__lt=now, notified_at__isnull=True, paused_at__isnull=True)


def due_soon(now: datetime, warn: timedelta) -> Q:
    """Open cases whose resolution promise falls due within ``warn`` (a warning, by the rule)."""
    return Q(
        resolve_due__gte=now,
        resolve_due__lte=now + warn,
        notified_at__isnull=True,
        paused_at__isnull=True,
    )


def queue_counts(user, *, now: datetime | None = None, warn: timedelta = timedelta(hours=4)):
    """Open cases, all and the user's own, and of each set how many are past their resolution
    promise and due soon: one pass over the open-cases index (its key holds every column
    these read)."""
    now = now or timezone.now()
    mine = Q(owner=user)
    return (
        cases_visible_to(user)
        .filter(OPEN)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=past_due(now)),
            due_soon=Count("pk", filter=due_soon(now, warn)),
            mine=Count("pk", filter=mine),
            mine_overdue=Count("pk", filter=mine & past_due(now)),
            mine_due_soon=Count("pk", filter=mine & due_soon(now, warn)),
        )
    )


def routed_to(user) -> QuerySet[Case]:
    """Open cases the procedure (or an escalation) sent to this manager and she holds: a
    call-back agreed first, soonest first; then those still to agree, by acknowledgement due."""
    return (
        cases_visible_to(user)
        .filter(OPEN, owner=user, escalation=EscalationLevel.MANAGER)
        .select_related("customer")
        .order_by(
            F("callback_at").asc(nulls_last=True), F("acknowledge_due").asc(nulls_last=True), "pk"
        )
    )


def _held(rows) -> Exists:
    """Whether the case has any of these rows (one indexed lookup)."""
    return Exists(rows.filter(case=OuterRef("pk")))


def case_detail(user, pk: int) -> Case | None:
    """The case with all its page shows. The case's row says (by indexed lookups) which of
    its contacts, resolutions, linked records and emails it has, and only those are read: at
    most one query each, whatever their number."""
    through = Case.orders.through, Case.returns.through, Case.warranties.through
    case = (
        cases_visible_to(user)
        .select_related(
            "customer",
            "customer__account_manager",
            "owner",
            "opened_by",
            "category",
            "acknowledge_promise",
            "resolve_promise",
        )
        .annotate(
            has_contacts=_held(Contact.objects.all()),
            has_resolutions=_held(Resolution.objects.all()),
            has_orders=_held(through[0].objects.all()),
            has_returns=_held(through[1].objects.all()),
            has_warranties=_held(through[2].objects.all()),
            has_emails=_held(Email.objects.all()),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    lookups = {
        "contacts": Prefetch(
            "contacts",
            queryset=Contact.objects.select_related("staff")
            .defer(*_not_in_names("staff"))
            .order_by("at", "pk"),
        ),
        # The page and the API name a resolution's order; its approval is shown by number.
        "resolutions": Prefetch("resolutions", queryset=Resolution.objects.select_related("order")),
        "orders": Prefetch("orders", queryset=Order.objects.prefetch_related("lines__product")),
        "returns": "returns",
        "warranties": "warranties__product",
        "emails": "emails",
    }
    events = CaseEvent.objects.select_related("by").defer(*_not_in_names("by"))
    held = [Prefetch("events", queryset=events)]
    for relation, lookup in lookups.items():
        if getattr(case, f"has_{relation}"):
            held.append(lookup)
        else:
            _known(case, relation, [])
    prefetch_related_objects([case], *held)
    return case


def _not_in_names(relation: str) -> list[str]:
    """The fields of the person in ``relation`` that naming them (``str(user)``) does not read:
    a busy case's story names the same few people dozens of times, and reading their whole
    rows made up much of its page's time."""
    from django.contrib.auth import get_user_model

    named = {"id", "first_name", "last_name", "username"}
    return [
        f"{relation}__{field.name}"
        for field in get_user_model()._meta.concrete_fields
        if field.name not in named
    ]


def opened_case(case: Case, *, orders=(), contact: Contact | None = None) -> Case:
    """A case its opener has just saved, ready to show as ``case_detail`` would, without
    asking the database: its story is what opening it wrote (``case.first_events``, read back
    for a case that does not carry them). What else it has is what opening it was given (its
    orders, the contact it came from): a case just opened has no other contacts and no
    resolutions yet."""
    story = getattr(case, "first_events", None)
    if story is None:
        story = CaseEvent.objects.filter(case=case).select_related("by")
    _known(case, "events", story)
    _known(case, "contacts", [contact] if contact is not None else [])
    _known(case, "resolutions", [])
    _known(case, "orders", [order for order in orders if order is not None])
    return case


def _known(case: Case, relation: str, rows) -> None:
    """Give ``case.<relation>.all()`` these rows without asking the database, as
    ``prefetch_related`` does."""
    found = getattr(case, relation).all()
    found._result_cache = list(rows)
    found._prefetch_done = True
    if not hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache = {}
    case._prefetched_objects_cache[relation] = found


def customer_cases(user, customer, *, limit: int = 10) -> list[Case]:
    return list(
        _listed(cases_visible_to(user).filter(customer=customer)).order_by("-opened_at", "-pk")[
            :limit
        ]
    )


def contacts_visible_to(user) -> QuerySet[Contact]:
    if not user.has_perm("cases.view_contact"):
        return Contact.objects.none()
    return Contact.objects.all()


def recent_contacts(user) -> QuerySet[Contact]:
    return (
        contacts_visible_to(user).select_related("customer", "staff", "case").order_by("-at", "-pk")
    )


# --- The deadline check (by query, so a restart misses none) ----------------------------------


def unacknowledged_breaching(now: datetime) -> QuerySet[Case]:
    return Case.objects.filter(
        OPEN,
        acknowledged_at__isnull=True,
        acknowledge_due__lt=now,
        acknowledge_breached_at__isnull=True,
    )


def breaching(now: datetime) -> QuerySet[Case]:
    """Open cases past their resolution due time, not yet answered, not waiting for the
    customer, and not yet recorded as breached."""
    return Case.objects.filter(
        OPEN,
        notified_at__isnull=True,
        paused_at__isnull=True,
        resolve_due__lt=now,
        resolve_breached_at__isnull=True,
    )


def warning_due(now: datetime, warn: timedelta) -> QuerySet[Case]:
    return Case.objects.filter(
        OPEN,
        notified_at__isnull=True,
        paused_at__isnull=True,
        resolve_due__gte=now,
        resolve_due__lte=now + warn,
        warned_at__isnull=True,
    )


# --- The complaints log and its analysis ------------------------------------------------------


def _log_filters(
    *,
    kind: str,
    category: str,
    channel: str,
    complainant_type: str,
    directed_at: str,
    status: str,
) -> Q:
    """The log's filters other than the period, for cases and their monthly counts alike."""
    found = Q(kind=kind) if kind else Q()
    if category:
        found &= Q(category__slug=category)
    for field, value in (
        ("channel", channel),
        ("complainant_type", complainant_type),
        ("directed_at", directed_at),
    ):
        if value:
            found &= Q(**{field: value})
    if status == "open":
        found &= ~Q(status=CaseStatus.CLOSED)
    elif status:
        found &= Q(status=status)
    return found


def _opened_between(first: date | None, stop: date | None, zone) -> Q:
    """Opened on the days ``[first, stop)`` in ``zone``, as a range the index reads."""
    found = Q()
    if first is not None:
        found &= Q(opened_at__gte=midnight(first, zone))
    if stop is not None:
        found &= Q(opened_at__lt=midnight(stop, zone))
    return found


LOG_COLUMNS = (
    "opened_at",
    "kind",
    "status",
    "subject",
    "outcome",
    "complainant_type",
    "public_name",
    "directed_at",
    "directed_at_detail",
    "category__name",
    "customer__name",
)


def complaints_log(
    user,
    *,
    start: date | None = None,
    end: date | None = None,
    category: str = "",
    channel: str = "",
    complainant_type: str = "",
    directed_at: str = "",
    status: str = "",
    kind: str = CaseKind.COMPLAINT,
) -> QuerySet[Case]:
    """Cases opened in a period (``end`` included), filtered as the log's form asks, newest
    first: with a kind, read from the log's index in its order."""
    zone = timezone.get_current_timezone()
    found = cases_visible_to(user).filter(
        _opened_between(start, end and end + timedelta(days=1), zone),
        _log_filters(
            kind=kind,
            category=category,
            channel=channel,
            complainant_type=complainant_type,
            directed_at=directed_at,
            status=status,
        ),
    )
    # Only what the log shows (a case has some forty columns).
    return (
        found.select_related("customer", "category")
        .only(*LOG_COLUMNS)
        .order_by("-opened_at", "-pk")
    )


@dataclass(frozen=True)
class LogCounts:
    """The analysis of the filtered log: complaints per month and per what, who, at whom."""

    total: int
    months: list[tuple[date, int]]
    by_category: list[tuple[int | None, int]]
    by_made_by: list[tuple[str, int]]
    by_directed_at: list[tuple[str, int]]
    # When the monthly counts used were made (None: all were counted as read), and whether
    # part-months at either end were counted as read.
    as_of: datetime | None = None
    part_months: bool = False


def _ranked(counter: Counter) -> list:
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0] or "")))


def log_counts(
    user,
    *,
    start: date | None = None,
    end: date | None = None,
    kind: str = CaseKind.COMPLAINT,
    category: str = "",
    channel: str = "",
    complainant_type: str = "",
    directed_at: str = "",
    status: str = "",
) -> LogCounts:
    """Count the log as ``complaints_log`` filters it, in at most four queries whatever the
    number of cases: whole months (this one so far included) from the monthly counts
    (``CaseMonthCount``) with the cases opened since they were made, and the part-months at
    either end of the period from the log's index."""
    zone = timezone.get_current_timezone()
    if not user.has_perm("cases.view_case"):
        return LogCounts(0, [], [], [], [])
    asked = {
        "kind": kind,
        "category": category,
        "channel": channel,
        "complainant_type": complainant_type,
        "directed_at": directed_at,
        "status": status,
    }
    filters = _log_filters(**asked)
    if not kind:  # every kind named, so that the log's index (led by the kind) is read
        filters &= Q(kind__in=CaseKind.values)
    state = CaseMonthCountsState.objects.order_by("pk").first()
    ready = state is not None and state.time_zone == str(zone)
    today = timezone.localdate()
    # A period that runs to today (or later) holds all of this month so far.
    stop = end + timedelta(days=1) if end and end < today else None
    ahead = next_month(month_of(today))
    split = split_period(start, stop, counted_before=ahead if ready else None)
    groups: list[tuple[date, int | None, str, str, int]] = []
    keys = ("category_id", "complainant_type", "directed_at")
    if split.whole_months:
        first, before = split.whole_months
        months = CaseMonthCount.objects.filter(filters, month__lt=before)
        if first is not None:
            months = months.filter(month__gte=first)
        parsed: dict = {}  # SQLite answers a date as text: parse each month once
        for row in _plain_rows(months.values("month", *keys).annotate(n=Sum("cases")).order_by()):
            month = row["month"]
            if isinstance(month, str):
                month = parsed.get(month) or parsed.setdefault(month, date.fromisoformat(month))
            groups.append((month, *(row[k] for k in keys), row["n"]))
        groups += _opened_since(state.last_case_id, split.whole_months, zone, **asked)
    if split.live:
        groups += _live_groups(filters, split.live, zone)
    per_month: Counter = Counter()
    per_category: Counter = Counter()
    per_made_by: Counter = Counter()
    per_directed_at: Counter = Counter()
    for month, category_id, made_by, aimed_at, n in groups:
        per_month[month] += n
        per_category[category_id] += n
        per_made_by[made_by] += n
        per_directed_at[aimed_at] += n
    return LogCounts(
        total=sum(per_month.values()),
        months=sorted(per_month.items()),
        by_category=_ranked(per_category),
        by_made_by=_ranked(per_made_by),
        by_directed_at=_ranked(per_directed_at),
        as_of=state.counted_at if split.whole_months else None,
        part_months=any(first is not None and first < ahead for first, _ in split.live),
    )


def _opened_since(after_id: int, whole_months, zone, **asked) -> list[tuple]:
    """The cases the monthly counts do not hold yet (opened since they were made: a minute's
    worth while the worker runs), in the months ``whole_months``. Read by id alone, which
    every database reads from the newest rows, and filtered here: with the log's filters in
    the query, SQLite would read the whole period from the log's index instead."""
    first, before = whole_months
    found = []
    for opened_at, kind, slug, channel, made_by, aimed_at, status, category_id in (
        Case.objects.filter(pk__gt=after_id)
        .values_list(
            "opened_at",
            "kind",
            "category__slug",
            "channel",
            "complainant_type",
            "directed_at",
            "status",
            "category_id",
        )
        .order_by()
    ):
        month = month_of(timezone.localtime(opened_at, zone).date())
        if (first is not None and month < first) or month >= before:
            continue
        if asked["status"] == "open":
            wrong_status = status == CaseStatus.CLOSED
        else:
            wrong_status = bool(asked["status"]) and status != asked["status"]
        if wrong_status or any(
            asked[name] and asked[name] != value
            for name, value in (
                ("kind", kind),
                ("category", slug),
                ("channel", channel),
                ("complainant_type", made_by),
                ("directed_at", aimed_at),
            )
        ):
            continue
        found.append((month, category_id, made_by, aimed_at, 1))
    return found


def _live_groups(filters: Q, ranges, zone) -> list[tuple]:
    """Counts of cases opened on the days ``ranges``, by month and what the analysis shows, in
    one query (each case's month named by comparing its time with the months' first moments,
    which both databases do from the index)."""
    where = Q()
    for first, stop in ranges:
        # Bounded both sides, or SQLite's planner guesses the range is most of the table.
        where |= _opened_between(first, stop or UNTIL, zone)
    found = Case.objects.filter(filters, where)
    lows = [first for first, _ in ranges]
    if None in lows:  # from the first case ever
        oldest = found.aggregate(m=Min("opened_at"))["m"]
        if oldest is None:
            return []
        lows = [timezone.localtime(oldest, zone).date() if d is None else d for d in lows]
    highs = [stop or next_month(month_of(timezone.localdate())) for _, stop in ranges]
    months = sorted(
        {m for low, high in zip(lows, highs, strict=True) for m in months_between(low, high)}
    )
    months = months or [month_of(lows[0])]  # a period wholly after this month
    label = Choose(  # the month's place in ``months``
        *(
            When(opened_at__lt=midnight(next_month(m), zone), then=Value(i))
            for i, m in enumerate(months[:-1])
        ),
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )
    keys = ("category_id", "complainant_type", "directed_at")
    rows = found.annotate(month=label).values("month", *keys).annotate(n=Count("pk")).order_by()
    return [(months[row["month"]], *(row[k] for k in keys), row["n"]) for row in _plain_rows(rows)]


def _plain_rows(query: QuerySet) -> list[dict]:
    """The rows of a grouped query by column name, without a model's per-value conversions
    (thousands of small rows: the conversions cost more than the database)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def quarantined_mail() -> QuerySet[Email]:
    return Email.objects.filter(status=MailStatus.QUARANTINED).defer("raw").order_by("-received_at")


def reply_wording():
    """Every version of the reply wording, newest first within each situation, with who
    approved it: the wording page."""
    from .models import ReplyTemplate

    return ReplyTemplate.objects.select_related("approved_by", "policy_version__policy").order_by(
        "situation", "-version"
    )


def reply_addressee(case: Case):
    """Who a reply on ``case`` greets and goes to (``rules.addressee``): the contact who raised
    it by email, else the organisation's primary contact; a person by their name."""
    customer = case.customer if case.customer_id else None
    if customer is None:
        return rules.addressee(
            customer=None, public=rules.Person(case.public_name, case.public_email)
        )
    organisation = customer.kind == CustomerKind.ORGANISATION
    contacts: tuple = ()
    raised_by = ""
    if organisation:
        contacts = tuple(
            rules.Person(name, email, primary)
            for name, email, primary in customer.contacts.values_list("name", "email", "is_primary")
        )
        if "emails" in getattr(case, "_prefetched_objects_cache", {}):  # the case page's
            inbound = [e for e in case.emails.all() if e.direction == Direction.INBOUND]
            first = min(inbound, key=lambda e: (e.received_at, e.pk), default=None)
            first = first.from_address if first else None
        else:
            first = (
                Email.objects.filter(case=case, direction=Direction.INBOUND)
                .order_by("received_at", "pk")
                .values_list("from_address", flat=True)
                .first()
            )
        raised_by = first or ""
    return rules.addressee(
        customer=rules.Person(customer.name, customer.email),
        organisation=organisation,
        contacts=contacts,
        raised_by=raised_by,
    )
