"""A registry of navigation items. Each app registers its own in ``AppConfig.ready``.

An item is shown to a user who holds its permission: roles map onto permissions, so the
navigation follows the role without this module knowing any role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 100

    @property
    def url(self) -> str:
        return _url(self.url_name, get_script_prefix())


@lru_cache(maxsize=256)
def _url(url_name: str, prefix: str) -> str:
    """Reversed once per name (and prefix, which ``reverse`` reads): every page lists them."""
    return reverse(url_name)


_items: dict[str, NavItem] = {}


def register(*, label: str, url_name: str, permission: str | None = None, order: int = 100):
    _items[url_name] = NavItem(label=label, url_name=url_name, permission=permission, order=order)


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    perms = user.get_all_permissions()
    visible = [
        item
        for item in _items.values()
        if item.permission is None or user.is_superuser or item.permission in perms
    ]
    return sorted(visible, key=lambda item: (item.order, item.label))
