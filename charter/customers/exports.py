"""Placeholder: the CSV export is being written (helper owns this file)."""

from django.http import HttpResponse


def customers_csv_response(queryset):
    return HttpResponse(status=501)
