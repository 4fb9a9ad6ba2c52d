"""The checks every service makes before it writes: may this actor do it, and is this text
fit to keep. One helper per idea, so every app refuses in the same words."""

from __future__ import annotations

from .errors import DomainError, NotPermitted


def require(actor, permission: str, doing: str) -> None:
    """Refuse unless ``actor`` holds ``permission``; ``None`` is the system itself.

    ``doing`` completes "Your role does not allow you to ...".
    """
    if actor is not None and not actor.has_perm(permission):
        raise NotPermitted(f"Your role does not allow you to {doing}.")


def clean_text(value, limit: int, label: str, field: str, *, required: bool = False) -> str:
    """``value`` trimmed, refused when required and empty or longer than ``limit``."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{label} is needed.", field=field)
    if len(value) > limit:
        raise DomainError(f"{label} is too long: at most {limit} characters.", field=field)
    return value
