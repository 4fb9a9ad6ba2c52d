"""Reading imports: the recent ones with their counts, and one import's progress."""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, IntegerField, QuerySet

from ..models import (
    CustomerImport,
    ImportStatus,
)


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
    return CustomerImport.objects.defer("content").select_related("uploaded_by").get(pk=pk)


def bad_row_count(job: CustomerImport) -> int:
    """Rows read but neither created, updated nor unchanged: known while the import runs."""
    return job.processed_rows - job.created_count - job.updated_count - job.unchanged_count


def is_finished(job: CustomerImport) -> bool:
    return job.status in (ImportStatus.DONE, ImportStatus.FAILED)
