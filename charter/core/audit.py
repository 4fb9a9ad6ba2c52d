"""Who did it and through what: the context every audit entry is stamped with.

Web requests get it from ``AuditContextMiddleware``; API token logins update it once DRF has
authenticated the caller; commands and tasks open it with ``audit_context``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_extra_data

from .models import Interface


@contextlib.contextmanager
def audit_context(*, interface: str, source: str = "", actor=None) -> Iterator[None]:
    """Stamp every audit entry written inside with ``interface``, ``source`` and ``actor``.

    Nests: the outer context is restored on exit.
    """
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    data = {"actor": actor, "interface": interface, "source": source[:200]}
    with set_extra_data(context_data=data):
        yield
    if outer is not None:
        auditlog_value.set(outer)


def set_audit_actor(user) -> None:
    """Name the actor of the current context (used once a token has been authenticated)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


def set_audit_interface(interface: str) -> None:
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["interface"] = interface


__all__ = ["Interface", "audit_context", "log_views", "set_audit_actor", "set_audit_interface"]


def mask_personal_data(value: str) -> str:
    """Keep a customer's personal data out of the append-only trail (see settings)."""
    return "(personal data)" if value not in ("", "None") else value


def log_views(instances, *, actor) -> int:
    """Log that ``actor`` was shown each record's personal data (a list of whom to call), one
    "Opened" entry per record as opening its page writes, in one INSERT for the whole list."""
    from auditlog.cid import get_cid
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    instances = list(instances)
    if not instances:
        return 0
    try:
        context = dict(auditlog_value.get())
    except LookupError:
        context = {}
    stamp = {
        key: value() if callable(value) else value
        for key, value in context.items()
        if key not in ("actor", "signal_duid") and hasattr(AuditEntry, key)
    }
    stamp.setdefault("interface", Interface.SYSTEM)
    cid = get_cid()
    entries = [
        AuditEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            object_id=instance.pk,
            object_repr=str(instance),
            action=AuditEntry.Action.ACCESS,
            actor=context.get("actor") or actor,
            actor_email=getattr(context.get("actor") or actor, "email", None),
            cid=cid,
            **stamp,
        )
        for instance in instances
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
