"""The API's router: a detail address whose id is not an id is not an address at all (404)."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.routers import SimpleRouter

ID_PATTERN = r"[0-9]{1,18}"  # longer would overflow the id column


class CharterRouter(SimpleRouter):
    """DRF's router matches any text as an id, so "null,null" reached the database lookup and
    failed there (a 500). Here an id is digits unless a viewset says what else it takes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._default_value_pattern = ID_PATTERN  # DRF's default: "[^/.]+"

    def register(self, prefix, viewset, basename=None):
        lookup = getattr(viewset, "lookup_field", "pk")
        if lookup not in ("pk", "id") and not hasattr(viewset, "lookup_value_regex"):
            raise ImproperlyConfigured(
                f"{viewset.__name__} looks up by {lookup}: give it a lookup_value_regex."
            )
        super().register(prefix, viewset, basename)
