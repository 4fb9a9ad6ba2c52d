from auditlog.middleware import AuditlogMiddleware

from .models import Interface


class AuditContextMiddleware(AuditlogMiddleware):
    """Stamps audit entries of a request with the user, the interface (web or API) and the path."""

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["interface"] = Interface.API if request.path.startswith("/api/") else Interface.WEB
        data["source"] = f"{request.method} {request.path}"[:200]
        return data
