"""Customers to CSV: the columns an import reads, so an export can be corrected and imported
again, plus the current segments for people to read (an import ignores them).

The caller checks the permission (``customers.export_customer``) and filters the customers.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from charter.core import csvsafe
from charter.core.csvsafe import guard  # noqa: F401 (callers' name for it)

from .imports import COLUMNS
from .models import Customer, Holding, HoldingStatus, SegmentMembership

HEADER = (*COLUMNS, "segments")


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def customer_row(customer: Customer) -> list[str]:
    """One customer's row, in the order of ``HEADER``; the writer guards every cell.

    Expects ``held_products`` and ``current_segments`` prefetched (see ``customers_for_export``).
    """
    values = {
        "reference": customer.reference,
        "kind": customer.kind,
        "type": customer.customer_type.slug,
        "name": customer.name,
        "given_name": customer.given_name,
        "family_name": customer.family_name,
        "email": customer.email,
        "phone": customer.phone,
        "preferred_channel": customer.preferred_channel,
        "customer_since": customer.customer_since.isoformat() if customer.customer_since else "",
        "annual_value": f"{customer.annual_value:.2f}",
        "balance": f"{customer.balance:.2f}",
        "last_activity_on": (
            customer.last_activity_on.isoformat() if customer.last_activity_on else ""
        ),
        "account_manager": customer.account_manager.username if customer.account_manager else "",
        "consent_service": yes_no(customer.consent_service),
        "consent_surveys": yes_no(customer.consent_surveys),
        "consent_marketing": yes_no(customer.consent_marketing),
        "products": ";".join(h.offering.code for h in customer.held_products),
        "segments": "; ".join(m.segment.name for m in customer.current_segments),
    }
    return [values[name] for name in HEADER]


def customers_for_export(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """The customers with what a row shows: a fixed number of queries per 2,000 customers."""
    return (
        queryset.prefetch_related(None)  # the caller's prefetches are for its own page
        .select_related("customer_type", "account_manager")
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=Holding.objects.filter(status=HoldingStatus.HELD)
                .select_related("offering")
                .order_by("offering__code"),
                to_attr="held_products",
            ),
            Prefetch(
                "segment_memberships",
                queryset=SegmentMembership.objects.filter(left_at__isnull=True)
                .select_related("segment")
                .order_by("segment__position", "segment__name"),
                to_attr="current_segments",
            ),
        )
    )


def customers_csv_response(queryset: QuerySet[Customer]) -> StreamingHttpResponse:
    """Stream the customers as a CSV download (UTF-8 with a byte order mark, for Excel)."""
    # Every cell guarded, the reference too: an import of the file takes the apostrophes off.
    writer = csvsafe.writer(_Echo())
    customers = customers_for_export(queryset)

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(HEADER)
        for customer in customers.iterator(chunk_size=2000):
            yield writer.writerow(customer_row(customer))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"customers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
