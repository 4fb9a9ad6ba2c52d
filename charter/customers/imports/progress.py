"""Reading imports: the recent ones with their counts, one import's progress, and the help on
the columns (which names the customer types as the database has them)."""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, IntegerField, QuerySet
from django.utils import timezone

from ..models import CustomerImport, CustomerType, ImportStatus
from .reading import COLUMN_HELP


def recent_imports(limit: int = 20) -> QuerySet[CustomerImport]:
    """The latest imports with their counts, without the files' content."""
    return (
        CustomerImport.objects.defer("content", "bad_rows")
        .select_related("uploaded_by")
        .annotate(
            bad_count_so_far=ExpressionWrapper(
                F("processed_rows")
                - F("created_count")
                - F("updated_count")
                - F("unchanged_count"),
                output_field=IntegerField(),
            )
        )[:limit]
    )


def import_for_progress(pk: int) -> CustomerImport:
    return (
        CustomerImport.objects.defer("content", "earlier__content", "earlier__bad_rows")
        .select_related("uploaded_by", "earlier")
        .get(pk=pk)
    )


def bad_row_count(job: CustomerImport) -> int:
    """Rows read but neither created, updated nor unchanged: known while the import runs."""
    return job.processed_rows - job.created_count - job.updated_count - job.unchanged_count


def is_finished(job: CustomerImport) -> bool:
    return job.status in (ImportStatus.DONE, ImportStatus.FAILED)


def earlier_run_note(job: CustomerImport) -> str:
    """What an earlier import of the same file, which stopped part-way, had already done."""
    earlier = job.earlier
    if earlier is None:
        return ""
    when = timezone.localtime(earlier.started_at or earlier.created_at)
    return (
        f"This file was imported before (import {earlier.pk}, {when.day} {when:%b %Y at %H:%M}), "
        "and "
        f"that import stopped after {earlier.processed_rows:,} of {earlier.total_rows:,} rows, "
        f"having created {earlier.created_count:,} customers and updated "
        f"{earlier.updated_count:,}. Those changes were kept: this import counts their rows as "
        "unchanged, and added nobody twice."
    )


def column_help() -> list[tuple[str, str]]:
    """What to put in each column, with the customer types as a row must name them."""
    types = list(
        CustomerType.objects.filter(is_active=True).order_by("name").values_list("slug", "name")
    )
    if types:
        named = "; ".join(f"{slug} (or {name})" for slug, name in types)
        words = (
            "The customer type, by its short name or its full name, in upper or lower case. "
            f"The types are: {named}."
        )
    else:
        words = "No customer types are set up yet: add them under Customer types first."
    return [(name, words if name == "type" else meaning) for name, meaning in COLUMN_HELP]
