from rest_framework.authentication import TokenAuthentication

from charter.core.audit import set_audit_actor


class AuditedTokenAuthentication(TokenAuthentication):
    """Token auth that names the caller in the audit context (the middleware saw no user)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            set_audit_actor(result[0])
        return result
