"""Charter's URLs plus a small action that asks first and one that offers Undo, for the tests
of ``charter.core.confirm``."""

from django.http import HttpResponse
from django.urls import path

from charter.core.confirm import ask_to_confirm, is_confirmed, offer_undo, take_undo
from charter.core.errors import DomainError
from charter.urls import urlpatterns as charter_urlpatterns

DONE = []


def send_letters(request):
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title="Send 3 letters?",
            consequences=["Three customers get a letter.", "Letters cannot be taken back."],
            confirm_label="Send them",
            cancel_url="/customers/",
        )
    DONE.append(request.POST.getlist("who"))
    return HttpResponse("sent")


def decline(request):
    offer_undo(request, kind="thing", label="Thing declined.", url="/undo-thing/", data={"n": 7})
    return HttpResponse("declined")


def undo(request):
    try:
        data = take_undo(request, kind="thing")
    except DomainError as error:
        return HttpResponse(error.message, status=error.status_code)
    return HttpResponse(f"restored {data['n']}")


urlpatterns = [
    path("send-letters/", send_letters),
    path("decline-thing/", decline),
    path("undo-thing/", undo),
    *charter_urlpatterns,
]
