"""Helpers the case services share: the settings, the story's events, choice checks."""

from __future__ import annotations

import copy

from django.utils import timezone

from charter.core import memo
from charter.core.errors import DomainError

from ..models import CaseEvent, CaseSettings

MANAGE_COMPLEX = "cases.manage_complex_case"


def case_settings() -> CaseSettings:
    """The case settings, kept by the process until they change; a copy, so a caller that
    changes it changes nothing another request reads."""
    return copy.copy(memo.remember("case-settings", _read_settings))


def _read_settings() -> CaseSettings:
    found = CaseSettings.objects.order_by("pk").first()
    if found is None:
        with memo.unchanged():  # the defaults, as every reader took them
            found = CaseSettings.objects.create()
    return found


def _event(case, kind, *, by=None, text="", at=None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, by=by, text=text, at=at or timezone.now(), **fields
    )


def _choice(value, choices, label: str, field: str):
    if value not in choices.values:
        options = ", ".join(str(v) for v in choices.labels)
        raise DomainError(f"{label} must be one of: {options}.", field=field)
    return value
