"""Private survey links. A token is an HMAC of the invitation's id and a random nonce under the
site's secret key, so a reminder can carry the same link again, while the database stores only
the token's SHA-256 digest: a copy of the database alone opens no survey."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(secret: str, invitation_pk: int, nonce: str) -> str:
    mac = hmac.new(secret.encode(), f"invitation:{invitation_pk}:{nonce}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """A quick shape check before any query (43 URL-safe characters)."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
