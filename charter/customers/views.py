"""Placeholder while the pages are written."""

from django.http import HttpResponse


def customer_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_search(request, *args, **kwargs):
    return HttpResponse(status=501)


def my_customers(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_new(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_types(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_type_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def segments(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def segments_evaluate(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_evaluate(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_inform(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def contact_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def contact_remove(request, *args, **kwargs):
    return HttpResponse(status=501)


def address_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def address_remove(request, *args, **kwargs):
    return HttpResponse(status=501)


def consent_record(request, *args, **kwargs):
    return HttpResponse(status=501)


def manager_assign(request, *args, **kwargs):
    return HttpResponse(status=501)


def holding_add(request, *args, **kwargs):
    return HttpResponse(status=501)


def holding_end(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_notice_record(request, *args, **kwargs):
    return HttpResponse(status=501)


def segment_feedback_record(request, *args, **kwargs):
    return HttpResponse(status=501)


def access_request(request, *args, **kwargs):
    return HttpResponse(status=501)


def customer_erase(request, *args, **kwargs):
    return HttpResponse(status=501)
