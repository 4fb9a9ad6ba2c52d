"""Every non-trivial read of customers and segments, with the visibility rules for the reader.

Visibility: customer records (personal data) are for roles holding ``customers.view_customer``;
everyone else gets an empty queryset, whatever page or API call asks.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import rules
from .models import (
    CONSENT_FIELDS,
    AccountManagerAssignment,
    Channel,
    Contact,
    Customer,
    CustomerType,
    Holding,
    HoldingStatus,
    NoticeStatus,
    Offering,
    SearchTerm,
    Segment,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)

VIEW_CUSTOMERS = "customers.view_customer"


def account_managers() -> QuerySet:
    """Active staff who may own customers: the permission decides (by role, their own, or as
    superuser), never the role's name."""
    from django.contrib.auth import get_user_model

    return (  # with_perm counts active users only
        get_user_model()
        .objects.with_perm(
            "customers.manage_accounts", backend="charter.accounts.backends.CachedModelBackend"
        )
        .order_by("first_name", "last_name", "pk")
    )


def customer_types_overview() -> QuerySet[CustomerType]:
    """Customer types with how many customers each has, for the types page."""
    return CustomerType.objects.annotate(customer_count=Count("customers"))


def segments_of(customer: Customer) -> QuerySet[Segment]:
    """The segments a customer is or was in (to record a notice or feedback about one)."""
    return Segment.objects.filter(memberships__customer=customer).distinct()


def can_view_customers(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_CUSTOMERS))


def customers_visible_to(user) -> QuerySet[Customer]:
    if not can_view_customers(user):
        return Customer.objects.none()
    return Customer.objects.all()


def customer_named(user, pk) -> Customer | None:
    """The customer whose id a page was given (``?customer=<pk>``), if ``user`` may see them;
    None for a missing, malformed or hidden id."""
    from charter.core.forms import int_or_none

    pk = int_or_none(pk)
    if pk is None:
        return None
    return customers_visible_to(user).select_related("customer_type").filter(pk=pk).first()


def _current_memberships() -> Prefetch:
    return Prefetch(
        "segment_memberships",
        queryset=SegmentMembership.objects.filter(left_at__isnull=True).select_related("segment"),
        to_attr="current_memberships",
    )


def matching_term(prefix: str) -> QuerySet[SearchTerm]:
    """Search terms starting with ``prefix``, by an index range on either database."""
    if connection.vendor == "postgresql":
        # Django gives an indexed CharField a pattern-ops index there: LIKE 'abc%' uses it.
        return SearchTerm.objects.filter(term__startswith=prefix)
    # SQLite's LIKE ignores case and so skips the index; a range on the binary order uses it.
    return SearchTerm.objects.filter(term__gte=prefix, term__lt=rules.prefix_upper_bound(prefix))


RARE_TERM_LIMIT = 2000


def _narrowed_by_rarest_word(customers, parsed):
    """PostgreSQL plans "ORDER BY name LIMIT n" by walking the name index and checking each
    customer's terms, which is slow when a word is rare. When the longest word matches few
    customers, list them first, so the plan starts from them."""
    longest = max(parsed.prefixes, key=len)
    ids = list(matching_term(longest).values_list("customer_id", flat=True)[: RARE_TERM_LIMIT + 1])
    if len(ids) <= RARE_TERM_LIMIT:
        customers = customers.filter(pk__in=ids)
    return customers


def customer_list(
    user,
    *,
    query: str = "",
    customer_type: CustomerType | int | None = None,
    segment: Segment | int | None = None,
    manager=None,
    unmanaged: bool = False,
    internal: bool | None = None,
) -> QuerySet[Customer]:
    """The customers ``user`` may see, filtered, with what a list row shows, in fixed queries."""
    customers = customers_visible_to(user)
    parsed = rules.parse_query(query)
    if query and not parsed:
        return customers.none()
    for prefix in parsed.prefixes:
        customers = customers.filter(pk__in=Subquery(matching_term(prefix).values("customer_id")))
    if customer_type:
        customers = customers.filter(customer_type=customer_type)
    if segment:
        customers = customers.filter(
            Exists(
                SegmentMembership.objects.filter(
                    customer=OuterRef("pk"), segment=segment, left_at__isnull=True
                )
            )
        )
    if manager:
        customers = customers.filter(account_manager=manager)
    if unmanaged:
        customers = customers.filter(account_manager__isnull=True)
    if internal is not None:
        customers = customers.filter(customer_type__internal=internal)
    return customers.select_related("customer_type", "account_manager").prefetch_related(
        _current_memberships()
    )


def customer_search(user, query: str, *, limit: int = 20) -> list[Customer]:
    """The quick search: name words, email, phone or reference; best-known names first."""
    if not rules.parse_query(query):
        return []
    return list(customer_list(user, query=query).order_by("name", "pk")[:limit])


def my_customers(user) -> QuerySet[Customer]:
    return customer_list(user, manager=user)


def customer_detail(user, pk: int) -> Customer:
    """Everything the customer page shows, in a fixed number of queries."""
    return (
        customers_visible_to(user)
        .select_related("customer_type", "account_manager", "team", "erasure__erased_by")
        .prefetch_related(
            "contacts",
            "addresses",
            Prefetch(
                "holdings",
                queryset=Holding.objects.select_related("offering", "segment").order_by(
                    "status", "offering__name"
                ),
            ),
            _current_memberships(),
            Prefetch(
                "manager_assignments",
                queryset=AccountManagerAssignment.objects.select_related("manager", "assigned_by"),
            ),
        )
        .get(pk=pk)
    )


def consent_history(customer: Customer):
    return customer.consents.select_related("recorded_by")


def current_consents(customer: Customer) -> list[tuple[str, str, bool]]:
    """(purpose, label, given) for each purpose, from the customer's current consent."""
    return [
        (purpose.value, purpose.label, getattr(customer, field))
        for purpose, field in CONSENT_FIELDS.items()
    ]


# --- Segments ----------------------------------------------------------------------------------
def segment_choices() -> dict[str, set[str]]:
    """Valid values of the choice attributes, to check a segment's conditions when saved."""
    from .models import CustomerKind, OfferingCategory

    return {
        "customer_type": set(CustomerType.objects.values_list("slug", flat=True)),
        "holds_offering": set(Offering.objects.values_list("code", flat=True)),
        "holds_category": set(OfferingCategory.values),
        "kind": set(CustomerKind.values),
    }


def segment_choice_labels() -> dict[str, str]:
    from .models import CustomerKind, OfferingCategory

    labels = dict(CustomerType.objects.values_list("slug", "name"))
    labels.update(Offering.objects.values_list("code", "name"))
    labels.update(dict(OfferingCategory.choices))
    labels.update(dict(CustomerKind.choices))
    return labels


def segment_matches(conditions: list[rules.Condition], *, today: date | None = None):
    """The customers a segment's conditions select: one query, evaluated by the database.

    Erased and closed customers never match.
    """
    today = today or timezone.localdate()
    customers = Customer.objects.filter(is_active=True, erased_at__isnull=True)
    for condition in conditions:
        name, op, value = condition.attribute, condition.operator, condition.value
        if name in ("annual_value", "balance"):
            customers = customers.filter(**{name if op == "eq" else f"{name}__{op}": value})
        elif name == "tenure_years":
            lookup, cutoff = rules.tenure_bound(today, op, value)
            customers = customers.filter(**{f"customer_since__{lookup}": cutoff})
        elif name == "days_since_activity":
            lookup, cutoff = rules.activity_bound(today, op, value)
            recent = Q(**{f"last_activity_on__{lookup}": cutoff})
            # Never active counts as long ago.
            customers = customers.filter(
                recent | Q(last_activity_on__isnull=True) if op == "gte" else recent
            )
        elif name == "product_count":
            held = Holding.objects.filter(customer=OuterRef("pk"), status=HoldingStatus.HELD)
            count = Subquery(
                held.order_by().values("customer").annotate(n=Count("pk")).values("n")[:1]
            )
            # No holdings gives NULL, which compares as nothing: it counts as zero.
            customers = customers.alias(products_held=Coalesce(count, 0))
            lookup = "products_held" if op == "eq" else f"products_held__{op}"
            customers = customers.filter(**{lookup: value})
        elif name in ("holds_category", "holds_offering"):
            lookup = "category" if name == "holds_category" else "code"
            ids = list(Offering.objects.filter(**{lookup: value[0]}).values_list("pk", flat=True))
            held = Holding.objects.filter(customer=OuterRef("pk"), status=HoldingStatus.HELD)
            # "offering_id + 0" keeps SQLite (which has no statistics until ANALYZE) from using
            # the product's index and reading all its holdings once per customer.
            held = held.alias(product=F("offering_id") + 0).filter(product__in=ids)
            match = Exists(held)
            customers = customers.filter(match if op == "has" else ~match)
        elif name == "customer_type":
            match = Q(customer_type__slug__in=value)
            customers = customers.filter(match if op == "in" else ~match)
        elif name == "kind":
            customers = customers.filter(kind__in=value)
        elif name == "internal":
            customers = customers.filter(customer_type__internal=value)
    return customers


def segment_conditions(segment: Segment) -> list[rules.Condition]:
    return rules.parse_conditions(segment.conditions)


def segments_overview() -> QuerySet[Segment]:
    """Segments with their current member count and feedback, for the segments page."""
    members = (
        SegmentMembership.objects.filter(segment=OuterRef("pk"), left_at__isnull=True)
        .order_by()
        .values("segment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Segment.objects.annotate(
            member_count=Subquery(members[:1]),
            feedback_count=Count("feedback", distinct=True),
            feedback_average=Avg("feedback__rating"),
        )
        .prefetch_related("offerings")
        .order_by("position", "name", "pk")
    )  # grouping drops Meta order


def segment_members(user, segment: Segment) -> QuerySet[Customer]:
    return customer_list(user, segment=segment)


def segment_membership_changes(segment: Segment):
    """Who entered or left the segment, newest first."""
    return segment.memberships.select_related("customer").order_by("-entered_at", "-pk")


def segment_feedback_report(segment: Segment) -> dict:
    """How members rate their segment: count, average, how many gave each rating, comments."""
    feedback = SegmentFeedback.objects.filter(segment=segment)
    by_rating = dict(
        feedback.order_by().values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    total = sum(by_rating.values())
    summary = feedback.aggregate(average=Avg("rating"))
    return {
        "count": total,
        "average": summary["average"],
        "distribution": [
            (rating, by_rating.get(rating, 0), round(100 * by_rating.get(rating, 0) / total))
            if total
            else (rating, 0, 0)
            for rating in range(5, 0, -1)
        ],
        "comments": list(
            feedback.exclude(comment="").select_related("customer", "recorded_by")[:20]
        ),
    }


def members_not_informed(segment: Segment) -> QuerySet[Customer]:
    """Current members who have not been told of this segment since they entered it."""
    told = SegmentNotice.objects.filter(
        segment=segment,
        customer=OuterRef("customer"),
        created_at__gte=OuterRef("entered_at"),
    )
    current = SegmentMembership.objects.filter(segment=segment, left_at__isnull=True).filter(
        ~Exists(told)
    )
    return Customer.objects.filter(pk__in=current.values("customer_id"))


def segment_inform_preview(segment: Segment) -> dict[str, int]:
    """What "tell them on their preferred channel" would do now, counted as ``segment_inform``
    decides it, without doing it: emails, calls, other channels (letter, in person), skipped."""
    able = Q(consent_service=True, erased_at__isnull=True)
    counts = members_not_informed(segment).aggregate(
        total=Count("pk"),
        emailed=Count("pk", filter=able & Q(preferred_channel=Channel.EMAIL) & ~Q(email="")),
        to_call=Count("pk", filter=able & Q(preferred_channel=Channel.TELEPHONE)),
        skipped=Count("pk", filter=~able),
    )
    counts["other"] = counts["total"] - counts["emailed"] - counts["to_call"] - counts["skipped"]
    return counts


def call_notice(user, pk) -> SegmentNotice | None:
    """One notice of the call list, if ``user`` may see it."""
    if not can_view_customers(user):
        return None
    return (
        SegmentNotice.objects.filter(channel=Channel.TELEPHONE, pk=pk)
        .select_related("customer")
        .first()
    )


def customer_segments(customer: Customer):
    return customer.segment_memberships.select_related("segment").order_by("-entered_at")


def call_list(user, *, done: bool = False) -> QuerySet[SegmentNotice]:
    """Segment notices to give by telephone, for the call list: still to make, oldest first, or
    (``done``) made, latest first; with the customer, their contacts and the segment, in fixed
    queries. Nobody without access to customer records sees any."""
    if not can_view_customers(user):
        return SegmentNotice.objects.none()
    notices = SegmentNotice.objects.filter(channel=Channel.TELEPHONE)
    if done:
        notices = notices.filter(done_at__isnull=False).order_by("-done_at", "-pk")
    else:
        notices = notices.filter(
            status=NoticeStatus.TO_MAKE, done_at__isnull=True, customer__erased_at__isnull=True
        ).order_by("created_at", "pk")
    return notices.select_related("customer", "segment", "created_by", "done_by").prefetch_related(
        Prefetch("customer__contacts", queryset=Contact.objects.order_by("-is_primary", "name"))
    )
