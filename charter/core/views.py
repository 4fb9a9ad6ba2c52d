from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import csvsafe
from .forms import AuditFilterForm
from .models import AuditEntry
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
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


def _audit_csv(entries) -> StreamingHttpResponse:
    writer = csvsafe.writer(_Echo())  # sources and changes hold what users typed
    header = ["timestamp", "actor", "interface", "source", "action", "record", "id", "changes"]

    # Labels looked up once: get_action_display() rebuilds lazy translations on every row.
    actions = {value: str(label) for value, label in AuditEntry.Action.choices}
    entries = entries.only(
        "timestamp",
        "interface",
        "source",
        "action",
        "object_pk",
        "changes",
        "actor__username",
        "content_type__app_label",
        "content_type__model",
    )

    def rows():
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.timestamp.isoformat(),
                    entry.actor.username if entry.actor else "",
                    entry.interface,
                    entry.source,
                    actions.get(entry.action, entry.action),
                    f"{entry.content_type.app_label}.{entry.content_type.model}",
                    entry.object_pk,
                    entry.changes or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
