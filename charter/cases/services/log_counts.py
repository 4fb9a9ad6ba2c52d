"""Keeping the complaints log's monthly counts (``CaseMonthCount``) up to date.

A month is recounted whole from its cases, so a refresh is exact whatever changed: the months
recounted are those of cases changed (``updated_at``) or added since the last refresh, found
by a query, so a worker that was down misses nothing. The overlap covers transactions that
committed after the last refresh read but stamped an earlier time. A case is never deleted,
but the daily full recount would put that right too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from ..log_periods import midnight, month_of, months_between, next_month
from ..models import Case, CaseKind, CaseMonthCount, CaseMonthCountsState

OVERLAP = timedelta(minutes=5)
DIMENSIONS = ("kind", "category_id", "channel", "complainant_type", "directed_at", "status")


def _recount(month: date, zone, newest: int) -> None:
    """Replace ``month``'s counts with the counts of its cases now, in one statement that the
    database runs from the log's index (no row passes through Python)."""
    CaseMonthCount.objects.filter(month=month).delete()
    groups = (
        # Every kind named so that the log's index (which leads with the kind) is read.
        Case.objects.filter(
            kind__in=CaseKind.values,
            opened_at__gte=midnight(month, zone),
            opened_at__lt=midnight(next_month(month), zone),
            # Those opened later are read with the counts (``selectors.log_counts``).
            pk__lte=newest,
        )
        .values(*DIMENSIONS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    select, params = groups.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(CaseMonthCount._meta.get_field(name).column)
        for name in (*DIMENSIONS, "cases", "month")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CaseMonthCount._meta.db_table)} ({columns}) "
            f"SELECT grouped.*, %s FROM ({select}) grouped",
            [month, *params],
        )


def _local_month(moment: datetime, zone) -> date:
    return month_of(timezone.localtime(moment, zone).date())


def log_counts_refresh(*, full: bool = False, now: datetime | None = None) -> int:
    """Recount the months whose cases changed since the last refresh (every month when
    ``full``, on the first run, or when the zone changed). Returns how many were recounted."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        state = CaseMonthCountsState.objects.select_for_update().order_by("pk").first()
        newest = Case.objects.aggregate(m=Max("pk"))["m"] or 0
        if full or state is None or state.time_zone != str(zone):
            span = Case.objects.aggregate(first=Min("opened_at"), last=Max("opened_at"))
            CaseMonthCount.objects.all().delete()
            months = set()
            if span["first"] is not None:
                last = _local_month(span["last"], zone)
                months = set(months_between(_local_month(span["first"], zone), next_month(last)))
        else:
            changed = Case.objects.filter(
                Q(updated_at__gte=state.counted_at - OVERLAP) | Q(pk__gt=state.last_case_id)
            ).values_list("opened_at", flat=True)
            months = {_local_month(moment, zone) for moment in changed.iterator()}
        for month in sorted(months):
            _recount(month, zone, newest)
        if state is None:
            state = CaseMonthCountsState()
        state.counted_at, state.last_case_id, state.time_zone = now, newest, str(zone)
        state.save()
    return len(months)
