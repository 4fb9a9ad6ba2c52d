"""Charter pages. The public charter needs no sign-in and shows only the approved version."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from charter.core.selectors import organisation_current

from . import selectors


def public_charter(request: HttpRequest) -> HttpResponse:
    version = selectors.current_version()
    return render(
        request,
        "standards/public_charter.html",
        {
            "organisation": organisation_current(),
            "version": version,
            "promises": selectors.public_promises(version) if version else [],
        },
        status=200 if version else 404,
    )
