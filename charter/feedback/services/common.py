"""What the feedback services share."""

from __future__ import annotations

MAX_COMMENT = 5_000
