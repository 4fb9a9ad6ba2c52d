from functools import cache

from rest_framework.permissions import BasePermission


@cache  # one class per permission: views ask for it on every request
def require_perm(perm: str):
    """A DRF permission class for one Django permission (roles map onto permissions)."""

    class HasPermission(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view):
            return bool(
                request.user and request.user.is_authenticated and request.user.has_perm(perm)
            )

    HasPermission.__name__ = f"Has_{perm.replace('.', '_')}"
    return HasPermission
