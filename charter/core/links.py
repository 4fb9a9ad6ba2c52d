"""Absolute links: the address people reach Charter at, for links that leave the site.

Links in emails, printed QR codes and survey invitations are read away from any request (a
task run by the worker has none), so they start with ``settings.SITE_URL``, never with a
request's host. ``charter.core.checks`` refuses to start in production without a good one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

# Where `python manage.py runserver` listens when nothing says otherwise (DEBUG only: the
# start-up check insists on SITE_URL in production).
LOCAL_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The scheme, host and port people reach Charter at, without a trailing slash."""
    return (getattr(settings, "SITE_URL", "") or LOCAL_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (e.g. from ``reverse``) as a link that works from an email or a printed page."""
    if not path.startswith("/"):
        path = "/" + path
    return site_url() + path


def site_url_problem(value: str) -> str:
    """Why ``value`` is not an address links can start with, or "" when it is one."""
    if any(c.isspace() for c in value):
        return "it contains spaces"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as error:
        return f"it cannot be read as an address ({error})"
    if parts.scheme not in ("http", "https"):
        return "it must start with https:// (or http://)"
    if not parts.hostname:
        return "it names no host"
    if parts.username or parts.password:
        return "it must not carry a user name or password"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "it must be only the scheme, host and port, with no path, query or #fragment"
    return ""
