"""Settings that every complaint reads, read once per process and read again when they change.

Opening a complaint needs the organisation's calendar (hours, closures), the approved charter's
promises, the channels' hours and the case settings: six queries that return the same rows
almost every time. Each process keeps what it read, stamped with the settings generation: one
row whose number is set to a fresh random value by any save or delete of a watched model (the
apps name theirs with ``watch``). Each request reads that number once (one small query) and
uses what it kept while the number is the one it was kept under, so a change made through any
process is seen by the next request of every other one. A random number, not a count, so that
a change rolled back can never be mistaken for a later one.

Outside a request (tasks, commands, tests calling services) the number is read at each use.
What is kept is shared by the threads of a process: keep only values nobody changes (frozen
calendars, tuples), or hand out copies.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_kept: dict[str, tuple[int, object]] = {}
_request = threading.local()  # .generation: None (not read yet this request) or the number
_OUTSIDE = object()  # not in a request: read the number at each use

TABLE = "core_settingsgeneration"


def _read() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def generation() -> int:
    """The settings generation: read once per request, at each use outside one."""
    seen = getattr(_request, "generation", _OUTSIDE)
    if seen is _OUTSIDE:
        return _read()
    if seen is None:
        seen = _request.generation = _read()
    return seen


def remember(key: str, load: Callable[[], T]) -> T:
    """``load()``'s value, kept while the settings generation stays the same."""
    number = generation()
    found = _kept.get(key)
    if found is not None and found[0] == number:
        return found[1]  # type: ignore[return-value]
    value = load()
    _kept[key] = (number, value)
    return value


@contextmanager
def unchanged():
    """Writes that change nothing a reader sees (the first settings row, made with the
    defaults every reader assumed): the generation stays, and what is kept stays valid."""
    _request.quiet = True
    try:
        yield
    finally:
        _request.quiet = False


def changed(**kwargs) -> None:
    """A watched setting changed: a fresh generation for every process (at the commit of this
    transaction), and this request reads it again."""
    from .models import SettingsGeneration

    if getattr(_request, "quiet", False):
        return
    number = secrets.randbits(62)
    if not SettingsGeneration.objects.filter(pk=1).update(number=number):
        SettingsGeneration.objects.update_or_create(pk=1, defaults={"number": number})
    if getattr(_request, "generation", _OUTSIDE) is not _OUTSIDE:
        _request.generation = None


def forget() -> None:
    """Drop everything kept in this process (tests start from nothing)."""
    _kept.clear()
    if getattr(_request, "generation", _OUTSIDE) is not _OUTSIDE:
        _request.generation = None


def watch(*models) -> None:
    """Any save or delete of these models changes the settings generation."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(changed, sender=model, dispatch_uid=f"memo-save-{label}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"memo-delete-{label}")


def request_begins(**kwargs) -> None:
    """From here the settings generation is read once, at its first use."""
    _request.generation = None


def request_ends(**kwargs) -> None:
    _request.generation = _OUTSIDE


request_started.connect(request_begins, dispatch_uid="memo-request-started")
request_finished.connect(request_ends, dispatch_uid="memo-request-finished")
