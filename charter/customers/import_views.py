"""Customer import pages: upload a CSV file, then watch its progress and read its bad rows.

Thin: the import service checks the file and does the work in the background; the progress page
polls itself with HTMX until the import has finished.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from charter.core import csvsafe
from charter.core.errors import DomainError

from . import imports
from .models import CustomerImport

SHOWN_BAD_ROWS = 1000  # on the page; the download has them all


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Customers file (CSV)",
        help_text="UTF-8 CSV, at most 50 MB, with a first line naming the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "Choose a .csv file: in Excel, use Save As and choose 'CSV UTF-8'."
            )
        if upload.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(
                "The file is larger than 50 MB: split it and import each part."
            )
        return upload


@login_required
@permission_required("customers.import_customer", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.customer_import_create(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("customers:import-detail", pk=job.pk)
    imports.customer_imports_fail_stopped()  # a killed run is not listed as "running"
    return render(
        request,
        "customers/import.html",
        {
            "form": form,
            "imports": imports.recent_imports(),
            "columns": imports.column_help(),
        },
    )


@login_required
@permission_required("customers.view_customerimport", raise_exception=True)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imports.customer_imports_fail_stopped()
    try:
        job = imports.import_for_progress(pk)
    except CustomerImport.DoesNotExist as error:
        raise Http404("No such import.") from error
    if request.GET.get("format") == "csv":
        return _bad_rows_csv(job)
    context = {
        "job": job,
        "finished": imports.is_finished(job),
        "bad_count": imports.bad_row_count(job),
        "bad_rows": job.bad_rows[:SHOWN_BAD_ROWS],
        "more_bad_rows": max(0, len(job.bad_rows) - SHOWN_BAD_ROWS),
        "took": took(job),
        "earlier_note": imports.earlier_run_note(job),
    }
    template = "customers/_import_progress.html" if request.htmx else "customers/import_detail.html"
    return render(request, template, context)


def took(job: CustomerImport) -> str:
    """How long the import ran, in words: "12 seconds", "3 minutes"."""
    if not (job.started_at and job.finished_at):
        return ""
    seconds = max(1, round((job.finished_at - job.started_at).total_seconds()))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


def _bad_rows_csv(job: CustomerImport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-bad-rows.csv"'
    response.write("\ufeff")
    writer = csvsafe.writer(response)  # references and reasons quote what was in the file
    writer.writerow(["line", "reference", "reason"])
    for row in job.bad_rows:
        writer.writerow([row.get("line"), row.get("reference"), row.get("reason")])
    return response
