"""What a person meets when a request goes wrong: a page in Charter's style that says what
happened and where to go next. The API answers the same errors in JSON, as its views do.

Django calls these (``handler400`` ... in the root URL configuration, ``CSRF_FAILURE_VIEW``)
only with DEBUG off; ``make run`` serves with DEBUG off so the demo shows them too.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)

# Said to API clients; a page says it at more length.
API_DETAIL = {
    400: "The request could not be read.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    429: "Too many requests: wait a minute and try again.",
    500: "Charter could not finish this request; the error was recorded. Try again later.",
}
# When even the 500 page cannot be drawn (no templates, no static manifest), this is sent.
PLAIN_500 = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Server error · Charter"
    "</title></head><body><h1>Something went wrong on our side</h1><p>Charter could not finish "
    "this request. The error was recorded. Try again in a moment, or go to "
    "<a href='/'>the home page</a>.</p></body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail or API_DETAIL[status]}, status=status)


def _our_message(exception) -> str:
    """The sentence our code gave the refusal, if it gave one for people to read. Django's own
    lookups say "No Customer matches the given query." and the resolver gives a dict: neither."""
    message = exception.args[0] if exception is not None and exception.args else ""
    if not isinstance(message, str) or "matches the given query" in message:
        return ""
    return message


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api(400)
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if isinstance(exception, Ratelimited):
        return too_many_requests(request, exception)
    if _is_api(request):
        return _api(403, _our_message(exception))
    return render(request, "403.html", {"message": _our_message(exception)}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api(404, _our_message(exception))
    context = {"message": _our_message(exception), "request_path": request.path}
    return render(request, "404.html", context, status=404)


@requires_csrf_token
def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api(429)
    return render(request, "429.html", status=429)


def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn without the request's context: no database, no user, no context processors, any of
    which may be what failed."""
    if _is_api(request):
        return _api(500)
    try:
        html = loader.get_template("500.html").render({})
    except Exception:
        logger.exception("The server error page could not be drawn; sent the plain one")
        html = PLAIN_500
    return HttpResponse(html, status=500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form Charter did not send (or sent too long ago) was refused (CSRF_FAILURE_VIEW)."""
    if _is_api(request):
        return _api(403, "The form's security token was missing or out of date.")
    no_cookie = "cookie" in reason.lower()
    return render(request, "403_csrf.html", {"no_cookie": no_cookie}, status=403)
