"""``cws analytics export``: the events of a period, as Parquet, CSV or a JSON array, for tools
that are not cws (pandas, DuckDB, a spreadsheet). The file appears complete or not at all."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from ..errors import BadInput
from .report import EPOCH

FORMATS = ("parquet", "csv", "json")
#: DuckDB's COPY options per format (JSON: one array, so any JSON reader can load the file).
OPTIONS = {
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "csv": "FORMAT csv, HEADER true",
    "json": "FORMAT json, ARRAY true",
}


def check_format(fmt: str) -> str:
    """``fmt`` when it is an export format; BadInput naming the field otherwise."""
    if fmt not in FORMATS:
        raise BadInput(
            f"unknown export format {fmt[:40]!r} (use one of: {', '.join(FORMATS)})",
            field="format",
        )
    return fmt


def check_target(path: Path) -> Path:
    """The absolute file to write: never a folder, in a folder that exists."""
    target = Path(os.path.expanduser(path)).absolute()
    if target.is_dir():
        raise BadInput(f"{target} is a folder: name the file to write", field="path")
    if not target.parent.is_dir():
        raise BadInput(
            f"the folder {target.parent} does not exist: create it, or name a file elsewhere",
            field="path",
        )
    return target


def export_events(conn: Any, target: Path, fmt: str, cutoff: dt.datetime | None) -> int:
    """Write the events at or after ``cutoff`` to ``target`` (replaced whole); the row count."""
    import duckdb

    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    quoted = str(partial).replace("'", "''")
    sql = (
        "COPY (SELECT * FROM events WHERE ts >= ? ORDER BY ts) "
        f"TO '{quoted}' ({OPTIONS[check_format(fmt)]})"
    )
    try:
        rows = int(conn.execute(sql, [cutoff or EPOCH]).fetchone()[0])
        os.replace(partial, target)
    except (OSError, duckdb.IOException) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise BadInput(
            f"{target} cannot be written ({reason}): name a writable file",
            field="path",
        ) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return rows
