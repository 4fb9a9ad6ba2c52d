"""Charter's URLs plus addresses that fail on purpose, for the tests of the error pages."""

from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from charter.urls import handler400, handler403, handler404, handler500  # noqa: F401
from charter.urls import urlpatterns as charter_urlpatterns


def fail(request):
    raise RuntimeError("a bug in a view")


def too_often(request):
    raise Ratelimited()


urlpatterns = [
    path("fails/", fail),
    path("api/v1/fails/", fail),
    path("too-often/", too_often),
    *charter_urlpatterns,
]
