"""A registry of home-page panels. Each app adds the panels its users need on their home page.

A panel is shown when the user holds its permission; ``context`` builds what the panel shows and
must use selectors (no N+1 queries: the home page asserts its query count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    permission: str | None
    order: int
    context: Callable[[object], dict] | None


_panels: dict[str, Panel] = {}


def register_panel(
    *,
    key: str,
    title: str,
    template: str,
    permission: str | None = None,
    order: int = 100,
    context: Callable[[object], dict] | None = None,
) -> None:
    _panels[key] = Panel(key, title, template, permission, order, context)


def panels_for(user) -> list[dict]:
    perms = user.get_all_permissions()
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not (user.is_superuser or panel.permission in perms):
            continue
        shown.append(
            {
                "key": panel.key,
                "title": panel.title,
                "template": panel.template,
                **(panel.context(user) if panel.context else {}),
            }
        )
    return shown
