"""Start-up checks (Django's system checks: run by migrate, runserver, the worker and
``manage.py check --deploy``)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.http.request import validate_host

from .links import site_url_problem

EXAMPLE = "SITE_URL=https://charter.example.com"


@register()
def site_url_check(app_configs, **kwargs) -> list:
    """Links in emails, QR codes and survey invitations start with SITE_URL: in production
    it must be set and well formed, and should be an address this server answers."""
    value = getattr(settings, "SITE_URL", "") or ""
    if not value:
        if settings.DEBUG:
            return []  # links use the local address (charter.core.links)
        return [
            Error(
                "SITE_URL is not set, so links in emails, printed QR codes and survey "
                "invitations would not point at this server.",
                hint="Set SITE_URL in the environment to the address people reach Charter "
                f"at, e.g. {EXAMPLE} (add :port when it is not the usual one).",
                id="charter.E001",
            )
        ]
    problem = site_url_problem(value)
    if problem:
        kind = Warning if settings.DEBUG else Error
        return [
            kind(
                f"SITE_URL {value!r} is not an address links can start with: {problem}.",
                hint=f"Set SITE_URL to the scheme, host and port only, e.g. {EXAMPLE} or "
                "http://127.0.0.1:8080.",
                id="charter.E002" if kind is Error else "charter.W002",
            )
        ]
    parts = urlsplit(value)
    found = []
    host = parts.hostname
    if ":" in host:  # an IPv6 address, written in ALLOWED_HOSTS as in a Host header
        host = f"[{host}]"
    if not validate_host(host, settings.ALLOWED_HOSTS) and not (
        settings.DEBUG and not settings.ALLOWED_HOSTS  # Django's own DEBUG defaults
    ):
        found.append(
            Warning(
                f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS, so links in emails would "
                "be answered 400 Bad Request.",
                hint=f"Add {host} to ALLOWED_HOSTS, or correct SITE_URL.",
                id="charter.W001",
            )
        )
    # A machine's own address is plain HTTP by design (`make run`); any other should be https.
    if (
        parts.scheme == "http"
        and getattr(settings, "SECURE_SSL_REDIRECT", False)
        and not _loopback(parts.hostname)
    ):
        found.append(
            Warning(
                f"SITE_URL {value!r} starts with http:// while SECURE_SSL_REDIRECT sends every "
                "request to https://, so every link in an email would go through a redirect.",
                hint="Write SITE_URL with https://.",
                id="charter.W003",
            )
        )
    return found


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
