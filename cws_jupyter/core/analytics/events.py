"""What a usage event is: its kinds, the fields each kind carries, and the one table they land in.

An event travels as one JSON line in a spool file (``t`` is its Unix time, ``kind`` its kind,
the rest its fields) and ends up as one row of the ``events`` table. The table has a column
for every field of every kind; a kind leaves the others NULL. Columnar storage makes the empty
columns nearly free and keeps every query a plain scan of the few columns it reads.
"""

from __future__ import annotations

from typing import Literal

EventKind = Literal["resolution", "launch", "build", "copy", "saving"]

#: The fields each kind of event carries (what ``Analytics.record(kind, **fields)`` takes).
FIELDS: dict[str, tuple[str, ...]] = {
    "resolution": (
        "template",
        "region",
        "method",
        "duration_ms",
        "aws_calls",
        "cached",
        "pinned",
        "ami_id",
        "architecture",
    ),
    "launch": (
        "template",
        "region",
        "ami_id",
        "result",
        "seconds_to_ready",
        "instance_type",
        "hourly_usd",
        "method",
    ),
    "build": ("template", "region", "ami_id", "result", "seconds"),
    "copy": ("ami_id", "from_region", "to_region", "result", "seconds"),
    "saving": ("template", "usd", "minutes"),
}
KINDS: frozenset[str] = frozenset(FIELDS)

#: Every column of the ``events`` table but the time and the kind, with its DuckDB type. The
#: spool's JSON keys are these names; a value of the wrong type makes its row unreadable, and
#: the row is skipped at ingest (a JSON number where text is expected is read as text).
COLUMNS: dict[str, str] = {
    "template": "VARCHAR",
    "region": "VARCHAR",
    "method": "VARCHAR",
    "ami_id": "VARCHAR",
    "architecture": "VARCHAR",
    "result": "VARCHAR",
    "instance_type": "VARCHAR",
    "from_region": "VARCHAR",
    "to_region": "VARCHAR",
    "duration_ms": "DOUBLE",
    "aws_calls": "INTEGER",
    "cached": "BOOLEAN",
    "pinned": "BOOLEAN",
    "seconds_to_ready": "DOUBLE",
    "hourly_usd": "DOUBLE",
    "seconds": "DOUBLE",
    "usd": "DOUBLE",
    "minutes": "DOUBLE",
}

#: Launch, build and copy results.
OK, FAILED = "ok", "failed"


def table_sql() -> str:
    """``CREATE TABLE events``: the time (UTC), the kind, then every field column."""
    columns = ",\n  ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    return (
        "CREATE TABLE IF NOT EXISTS events (\n"
        f"  ts TIMESTAMP NOT NULL,\n  kind VARCHAR NOT NULL,\n  {columns}\n)"
    )


def unknown_fields(kind: str, fields: dict[str, object]) -> list[str]:
    """The names in ``fields`` that events of ``kind`` do not carry (they are not stored)."""
    known = FIELDS.get(kind, ())
    return sorted(name for name in fields if name not in known)
