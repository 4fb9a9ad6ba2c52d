from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import csvsafe
from .audit_display import describe_entries
from .forms import AuditFilterForm
from .selectors import audit_entries


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class _Echo:
    def write(self, value):
        return value


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries(**form.selector_kwargs()) if form.is_valid() else audit_entries()
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    if request.GET.get("format") == "csv":
        return _audit_csv(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_audit_rows.html" if request.htmx else "core/audit_trail.html"
    context = {
        "form": form,
        "page": page,
        "rows": describe_entries(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, template, context)


CSV_HEADER = [
    "When",
    "Who",
    "Username",
    "Through",
    "Source",
    "What",
    "Kind of record",
    "Record id",
    "Record",
    "Changes",
]
# Entries are described a chunk at a time: a fixed number of queries per chunk.
CSV_CHUNK = 500


def _audit_csv(entries) -> StreamingHttpResponse:
    """Every entry the filters match (not only the page shown), in the page's words."""
    writer = csvsafe.writer(_Echo())  # sources and changes hold what users typed

    def rows():
        yield writer.writerow(CSV_HEADER)
        chunk = []
        for entry in entries.iterator(chunk_size=CSV_CHUNK):
            chunk.append(entry)
            if len(chunk) == CSV_CHUNK:
                yield from _csv_lines(writer, chunk)
                chunk = []
        yield from _csv_lines(writer, chunk)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


def _csv_lines(writer, chunk):
    for row in describe_entries(chunk):
        cells = [
            row.when_text,
            row.who,
            row.username,
            row.interface,
            row.source,
            row.action,
            row.kind,
            row.record_id,
            row.record,
            row.changes_text,
        ]
        yield writer.writerow(cells)
