"""A page and an API view whose writes break a database constraint, for test_constraints."""

from datetime import date

from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from charter.catalog.models import Product, ProductPrice


@transaction.atomic  # as a service's write is
def _break(kind: str) -> None:
    product = Product.objects.get(sku="widget-7mm")
    if kind == "check":
        ProductPrice.objects.create(product=product, price=-1)
    else:
        ProductPrice.objects.create(product=product, price=1, effective_from=date(2025, 1, 1))
        ProductPrice.objects.create(product=product, price=2, effective_from=date(2025, 1, 1))


def page(request, kind):
    _break(kind)
    return HttpResponse("saved")


@api_view(["POST"])
def api(request, kind):
    _break(kind)
    return Response({"saved": True})


urlpatterns = [
    path("test/page/<str:kind>/", page),
    path("test/api/<str:kind>/", api),
    path("", include("charter.urls")),  # the pages' links
]
