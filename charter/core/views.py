from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import csvsafe, services
from .audit_display import describe_entries
from .confirm import ask_to_confirm, is_confirmed
from .errors import DomainError, NotPermitted
from .forms import AuditFilterForm, ClosureForm, WeeklyHoursForm
from .models import Closure
from .selectors import audit_entries, business_calendar, closures, organisation_current


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


# --- Service hours and closure days --------------------------------------------------------


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _hours_page(request, *, form=None, closure_form=None, status: int = 200) -> HttpResponse:
    organisation = organisation_current()
    calendar = business_calendar()
    today = timezone.localdate(timezone.now(), calendar.zone)
    return render(
        request,
        "core/service_hours.html",
        {
            "organisation": organisation,
            "hours_text": organisation.weekly_hours.text(),
            "form": form or WeeklyHoursForm(hours=organisation.weekly_hours),
            "closure_form": closure_form or ClosureForm(),
            "closures": closures(),
            "holidays": calendar.holidays_between(today, today + timedelta(days=365)),
            "can_edit": request.user.has_perm("core.change_organisation"),
            "can_close": request.user.has_perm("core.add_closure"),
            "can_open": request.user.has_perm("core.delete_closure"),
        },
        status=status,
    )


@login_required
@permission_required("core.view_organisation", raise_exception=True)
def service_hours(request: HttpRequest) -> HttpResponse:
    """The organisation's service hours and closure days: the days and hours its deadlines
    count, beside the public holidays and each channel's own hours in the charter."""
    if request.method != "POST":
        return _hours_page(request)
    form = WeeklyHoursForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_hours_update(
                actor=request.user, service_hours=form.cleaned_data["service_hours"]
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from None
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Service hours saved. New deadlines count them.")
            return redirect("core:service-hours")
    return _hours_page(request, form=form, status=400)


@login_required
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure = services.closure_create(actor=request.user, **form.cleaned_data)
        except NotPermitted as error:
            raise PermissionDenied(error.message) from None
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Closed: {closure}. New deadlines skip these days.")
            return redirect("core:service-hours")
    return _hours_page(request, closure_form=form, status=400)


@login_required
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk)
    if not request.user.has_perm("core.delete_closure"):
        raise PermissionDenied("Your role does not allow you to remove closure days.")
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title=f"Open again on {closure}?",
            consequences=[
                "Those days count as business days for deadlines set from now on; deadlines "
                "already set stay as they are."
            ],
            confirm_label="Open on those days",
            cancel_url=reverse("core:service-hours"),
        )
    try:
        services.closure_delete(actor=request.user, closure=closure)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, f"Open again: {closure.name} removed.")
    return redirect("core:service-hours")
