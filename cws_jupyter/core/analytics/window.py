"""``--since 7d``: the period a report or an export covers, read the same by every front door."""

from __future__ import annotations

import re
from datetime import timedelta

from ..errors import BadInput

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
PATTERN = re.compile(r"^\s*(\d{1,6}(?:\.\d{1,3})?)\s*([smhdw])\s*$", re.IGNORECASE)
#: The longest period accepted (about 100 years): beyond it, say "all" by leaving it out.
MAX_SECONDS = 36_500 * 86400


def parse_since(text: str | None, field: str = "since") -> timedelta | None:
    """``7d``, ``24h``, ``30m``, ``90s``, ``2w`` as a ``timedelta``; None or empty: no limit."""
    if text is None or not text.strip():
        return None
    match = PATTERN.match(text)
    if match is None:
        raise BadInput(
            f"{field} must be a number and a unit, like 7d, 24h, 30m or 2w (got {text[:40]!r})",
            field=field,
        )
    seconds = float(match.group(1)) * UNITS[match.group(2).lower()]
    if not 0 < seconds <= MAX_SECONDS:
        raise BadInput(f"{field} must be more than 0 and at most 36500d", field=field)
    return timedelta(seconds=seconds)


def describe(since: timedelta | None) -> str:
    """``the last 7 days`` (or ``all events kept``), for headings."""
    if since is None:
        return "all events kept"
    seconds = since.total_seconds()
    for unit, size in (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"the last {count} {unit}{'s' if count != 1 else ''}"
    return f"the last {seconds:g} seconds"
