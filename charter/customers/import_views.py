"""Placeholder: the import pages are being written."""

from django.http import HttpResponse


def import_upload(request):
    return HttpResponse(status=501)


def import_detail(request, pk):
    return HttpResponse(status=501)
