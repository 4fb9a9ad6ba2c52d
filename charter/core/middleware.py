from auditlog.middleware import AuditlogMiddleware
from django.db import IntegrityError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .constraints import integrity_refusal
from .models import Interface


class AuditContextMiddleware(AuditlogMiddleware):
    """Stamps audit entries of a request with the user, the interface (web or API) and the path."""

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["interface"] = Interface.API if request.path.startswith("/api/") else Interface.WEB
        data["source"] = f"{request.method} {request.path}"[:200]
        return data


class ConstraintRefusalMiddleware:
    """A page whose write breaks a database constraint answers with its sentence, not a 500.

    Services check first and say why they refuse; this is the last guard (a race, a path that
    skipped a check). The view's transaction has been rolled back by the time it runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        refusal = integrity_refusal(exception)
        return render(
            request,
            "core/refused.html",
            {"message": refusal.message, "back": _same_site_referer(request)},
            status=refusal.status_code,
        )


def _same_site_referer(request) -> str:
    """The page the person came from, when it is on this site (a link back to correct it)."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
