"""One handler turns a domain refusal into a 4xx with the human message, and a request Charter
cannot read (too large, too many fields, numbers or nesting past what Python can hold) into a
400 that says so, never a 500."""

import decimal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import IntegrityError
from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from charter.core.constraints import integrity_refusal
from charter.core.errors import DomainError


def _unreadable(exc) -> str | None:
    """The sentence for a request that could not be read, or None for any other exception."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return f"The request body is larger than the {limit:,} bytes Charter accepts."
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return f"The request has more than the {limit:,} fields Charter accepts."
    if isinstance(exc, RecursionError):
        return "The request nests its values too deeply to read."
    if isinstance(exc, OverflowError | decimal.Overflow | decimal.InvalidOperation):
        return "A number in the request is too large."
    return None


def _names_a_model(exc: Http404) -> bool:
    return any(isinstance(arg, str) and "matches the given query" in arg for arg in exc.args)


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        # A database constraint stopped the write: its sentence, never its name or a 500.
        exc = integrity_refusal(exc)
    if isinstance(exc, DomainError):
        set_rollback()  # a refusal never leaves half a change behind, even with ATOMIC_REQUESTS
        body = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404) and _names_a_model(exc):
        # Django's lookup says "No ApprovalRequest matches the given query.": a class name.
        return Response({"detail": "No such record: check its id."}, status=404)
    message = _unreadable(exc)
    if message is not None:
        set_rollback()
        return Response({"detail": message}, status=400)
    return drf_exception_handler(exc, context)
