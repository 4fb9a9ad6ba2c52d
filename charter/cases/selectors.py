"""Reads about contacts and cases: the queue, the case page, the log and its analysis, and the
deadline queries the periodic check runs. Each returns only what the user may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from charter.customers.models import CustomerKind
from charter.orders.models import Order

from . import rules
from .models import (
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Contact,
    Direction,
    Email,
    EscalationLevel,
    MailStatus,
    Resolution,
)

OPEN = Q(closed_at__isnull=True)


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
            "contacts", queryset=Contact.objects.select_related("staff").order_by("at", "pk")
        ),
        "resolutions": Prefetch(
            "resolutions", queryset=Resolution.objects.select_related("by", "order", "approval")
        ),
        "orders": Prefetch("orders", queryset=Order.objects.prefetch_related("lines__product")),
        "returns": "returns",
        "warranties": "warranties__product",
        "emails": "emails",
    }
    held = [Prefetch("events", queryset=CaseEvent.objects.select_related("by"))]
    for relation, lookup in lookups.items():
        if getattr(case, f"has_{relation}"):
            held.append(lookup)
        else:
            _known(case, relation, [])
    prefetch_related_objects([case], *held)
    return case


def opened_case(case: Case, *, orders=(), contact: Contact | None = None) -> Case:
    """A case its opener has just saved, ready to show as ``case_detail`` would: its story read
    back in one query. What else it has is what opening it was given (its orders, the contact
    it came from): a case just opened has no other contacts and no resolutions yet."""
    _known(case, "events", CaseEvent.objects.filter(case=case).select_related("by"))
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
    """Cases opened in a period (``end`` included), filtered as the log's form asks."""
    found = cases_visible_to(user)
    if kind:
        found = found.filter(kind=kind)
    if start:
        found = found.filter(opened_at__date__gte=start)
    if end:
        found = found.filter(opened_at__date__lte=end)
    if category:
        found = found.filter(category__slug=category)
    for field, value in (
        ("channel", channel),
        ("complainant_type", complainant_type),
        ("directed_at", directed_at),
    ):
        if value:
            found = found.filter(**{field: value})
    if status == "open":
        found = found.filter(OPEN)
    elif status:
        found = found.filter(status=status)
    return _listed(found).order_by("-opened_at", "-pk")


def log_counts_by_month(cases: QuerySet[Case]) -> list[dict]:
    """Counts per month of the filtered log, for its chart."""
    return list(
        cases.order_by()
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )


def log_counts_by(cases: QuerySet[Case], field: str) -> list[dict]:
    return list(cases.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field))


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
