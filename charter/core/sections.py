"""A registry of sections on a record's page that higher apps contribute (the customer page
shows orders, cases, surveys...), so the record's own app never reads theirs.

A section is shown to a reader who holds its permission; ``context(request, obj)`` builds what
it shows and must use selectors (the page asserts its query count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    page: str
    key: str
    template: str
    permission: str | None
    order: int
    context: Callable[[object, object], dict]


_sections: dict[tuple[str, str], Section] = {}


def register_section(
    *,
    page: str,
    key: str,
    template: str,
    context: Callable[[object, object], dict],
    permission: str | None = None,
    order: int = 100,
) -> None:
    _sections[(page, key)] = Section(page, key, template, permission, order, context)


def sections_for(page: str, request, obj) -> list[dict]:
    """The sections of ``page`` the reader may see, each with its template and context."""
    user = request.user
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        if section.page != page:
            continue
        if section.permission and not user.has_perm(section.permission):
            continue
        shown.append({"template": section.template, **section.context(request, obj)})
    return shown
