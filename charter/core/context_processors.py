from django.utils.functional import SimpleLazyObject

from . import navigation
from .selectors import organisation_current


def charter(request):
    user = getattr(request, "user", None)
    return {
        "organisation": SimpleLazyObject(organisation_current),
        "nav_items": navigation.items_for(user) if user is not None else [],
    }
