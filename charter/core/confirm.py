"""Asking before a one-click action that cannot be taken back or that tells many people, and
offering to take back one that can.

Confirmation works without JavaScript: a view's first POST (without ``confirmed=1``) answers
with a page saying exactly what will happen, whose Confirm button posts the same fields again
with ``confirmed=1``; an HTMX request gets the same content as a partial to show in place.
Nothing is written and nothing is sent until then.

Undo: the action is done and the actor's session (stored on the server) keeps, for a few
minutes, what to restore; the app's own undo view takes it back through its own service, with
the same permission as the action. An offer is the actor's alone and lapses.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .errors import Conflict

CONFIRMED = "confirmed"
UNDO_MINUTES = 5
_UNDO_KEY = "charter_undo"
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request: HttpRequest) -> bool:
    """True when the person has seen what will happen and pressed Confirm."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def ask_to_confirm(
    request: HttpRequest,
    *,
    title: str,
    consequences: Iterable[str],
    confirm_label: str,
    cancel_url: str,
    danger: bool = False,
) -> HttpResponse:
    """The confirmation page (or partial, for HTMX) for the POST being made: ``title`` asks
    the question, ``consequences`` say what will happen, one sentence each."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in _NOT_REPOSTED
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "consequences": list(consequences),
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "danger": danger,
        "action": request.get_full_path(),
        "fields": fields,
    }
    template = "core/_confirm.html" if getattr(request, "htmx", False) else "core/confirm.html"
    return render(request, template, context)


# --- Undo --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UndoOffer:
    token: str
    kind: str
    label: str
    url: str
    data: dict


def offer_undo(request: HttpRequest, *, kind: str, label: str, url: str, data: dict) -> None:
    """Offer the actor, for ``UNDO_MINUTES``, to take back what was just done: ``url`` is the
    app's undo view, ``data`` (JSON) what it needs to restore. A new offer replaces the last."""
    request.session[_UNDO_KEY] = {
        "token": secrets.token_urlsafe(12),
        "kind": kind,
        "label": label,
        "url": url,
        "data": data,
        "user": request.user.pk,
        "until": (timezone.now() + timedelta(minutes=UNDO_MINUTES)).timestamp(),
    }


def _stored(request: HttpRequest) -> dict | None:
    offer = getattr(request, "session", {}).get(_UNDO_KEY)
    if not offer or offer.get("user") != getattr(request.user, "pk", None):
        return None
    return offer


def current_undo(request: HttpRequest) -> UndoOffer | None:
    """The offer to show the actor now, if one is still open."""
    offer = _stored(request)
    if offer is None or offer["until"] < timezone.now().timestamp():
        return None
    return UndoOffer(
        token=offer["token"],
        kind=offer["kind"],
        label=offer["label"],
        url=offer["url"],
        data=offer["data"],
    )


def take_undo(request: HttpRequest, *, kind: str) -> dict:
    """What to restore for the offer the actor pressed Undo on, once; refused (Conflict) when
    there is no such offer of theirs or it has lapsed."""
    offer = _stored(request)
    token = request.POST.get("undo", "")  # compared as bytes: any text a client sends
    if (
        offer is None
        or offer["kind"] != kind
        or not secrets.compare_digest(offer["token"].encode(), token.encode())
    ):
        raise Conflict("There is nothing of yours to undo here: change it back by hand.")
    del request.session[_UNDO_KEY]
    if offer["until"] < timezone.now().timestamp():
        raise Conflict(
            f"It is too late to undo: that was more than {UNDO_MINUTES} minutes ago. "
            "Change it back by hand."
        )
    return offer["data"]
