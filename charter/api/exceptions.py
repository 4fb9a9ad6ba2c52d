"""One handler turns a domain refusal into a 4xx with the human message."""

from django.db import IntegrityError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from charter.core.constraints import integrity_refusal
from charter.core.errors import DomainError


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
    return drf_exception_handler(exc, context)
