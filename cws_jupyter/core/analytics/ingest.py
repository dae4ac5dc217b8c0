"""The read side's first step: move spooled events into DuckDB, exactly once, crash or not.

Run by a reader, under the analytics lock (one ingester at a time across processes):

1. **claim**: every spool file is renamed to a name of this ingest (``….jsonl.claimed-<id>``),
   then its writers are waited out (``spool.wait_for_writers``); files claimed by an ingest
   that died are taken over as they are;
2. **read**: each claimed file is read from where an earlier ingest stopped (its row in
   ``spool_progress``) up to its last newline: a half-written last line is left for later;
3. **commit**: the rows and each file's new offset are written in one transaction;
4. **clean up**: files read to the end are deleted, then their progress rows.

A crash before 3 leaves the claimed files for the next ingest; a crash after 3 leaves offsets
that say they were read. So no event is lost or counted twice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .events import COLUMNS, KINDS
from .spool import SPOOL_SUFFIX, wait_for_writers, warn_once

CLAIM_MARK = ".claimed-"
#: The part of a claimed file an ingest reads, when not the whole file (deleted after).
SLICE_PREFIX, SLICE_SUFFIX = "slice-", ".ndjson"
#: A claimed file whose last line stays unfinished this long is given up on: the process
#: writing it died in the middle of the line.
STALE_TAIL_SECONDS = 3600
#: Files read by one INSERT at most.
BATCH_FILES = 256

_JSON_COLUMNS = ", ".join(
    f"{name}: '{kind}'" for name, kind in {"t": "DOUBLE", "kind": "VARCHAR", **COLUMNS}.items()
)
_KINDS = ", ".join(f"'{kind}'" for kind in sorted(KINDS))
INSERT_SQL = (
    f"INSERT INTO events (ts, kind, {', '.join(COLUMNS)}) "
    f"SELECT make_timestamp(CAST(round(t * 1000000) AS BIGINT)), kind, {', '.join(COLUMNS)} "
    f"FROM read_json(?, format = 'newline_delimited', columns = {{{_JSON_COLUMNS}}}, "
    "ignore_errors = true) "
    f"WHERE t IS NOT NULL AND kind IN ({_KINDS})"
)


@dataclass
class Ingested:
    """What one ingest did."""

    rows: int = 0
    files: int = 0
    #: Files kept for later (their last line is unfinished).
    kept: list[str] = field(default_factory=list)


def claim(folder: Path) -> list[Path]:
    """Take every spool file of ``folder`` for this ingest; the claimed paths, oldest claims first."""
    if not folder.is_dir():
        return []
    for piece in folder.glob(f"{SLICE_PREFIX}*{SLICE_SUFFIX}"):  # left by an ingest that died
        with contextlib.suppress(OSError):
            piece.unlink()
    claimed = sorted(folder.glob(f"*{SPOOL_SUFFIX}{CLAIM_MARK}*"))  # an earlier ingest's
    mark = f"{CLAIM_MARK}{int(time.time())}-{secrets.token_hex(3)}"
    fresh = []
    for path in sorted(folder.glob(f"*{SPOOL_SUFFIX}")):
        target = path.with_name(path.name + mark)
        try:
            os.rename(path, target)
        except FileNotFoundError:
            continue
        except PermissionError:  # Windows: its writer has it open right now; next time
            continue
        fresh.append(target)
    for path in fresh:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            wait_for_writers(fd)
        finally:
            os.close(fd)
    return claimed + fresh


def ingest(conn: Any, folder: Path) -> Ingested:
    """Move the spooled events of ``folder`` into the ``events`` table of ``conn``."""
    files = claim(folder)
    result = Ingested()
    if not files:
        return result
    done: dict[str, int] = dict(conn.execute("SELECT file, done FROM spool_progress").fetchall())
    sources: list[Path] = []
    slices: list[Path] = []
    offsets: dict[str, int] = {}
    finished: list[Path] = []
    try:
        for path in files:
            start = done.get(path.name, 0)
            data = _read_from(path, start)
            complete = data.rfind(b"\n") + 1
            if complete == len(data):
                finished.append(path)
            elif _stale(path):  # its writer died inside the line: the rest never comes
                warn_once(
                    f"tail:{path.name}",
                    f"an unfinished usage event in {path.name} was dropped (the process "
                    "writing it stopped in the middle of the line)",
                )
                finished.append(path)
            else:
                result.kept.append(path.name)
            if complete:
                offsets[path.name] = start + complete
            if not data[:complete].strip():
                continue
            if start == 0 and complete == len(data):
                sources.append(path)  # the whole file: DuckDB reads it where it is
            else:
                piece = folder / f"{SLICE_PREFIX}{secrets.token_hex(4)}{SLICE_SUFFIX}"
                piece.write_bytes(data[:complete])
                slices.append(piece)
                sources.append(piece)
        if offsets:
            result.rows = _commit(conn, sources, offsets)
    finally:
        for piece in slices:
            with contextlib.suppress(OSError):
                piece.unlink()
    for path in finished:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    _forget_gone(conn, folder)
    result.files = len(files)
    return result


def _read_from(path: Path, start: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read()


def _stale(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > STALE_TAIL_SECONDS
    except OSError:
        return False


def _commit(conn: Any, sources: list[Path], offsets: dict[str, int]) -> int:
    """Insert the rows of ``sources`` and record ``offsets``, in one transaction."""
    rows = 0
    conn.execute("BEGIN TRANSACTION")
    try:
        for first in range(0, len(sources), BATCH_FILES):
            batch = [str(p) for p in sources[first : first + BATCH_FILES]]
            rows += int(conn.execute(INSERT_SQL, [batch]).fetchone()[0])
        conn.executemany(
            "INSERT INTO spool_progress (file, done) VALUES (?, ?) "
            "ON CONFLICT (file) DO UPDATE SET done = excluded.done",
            list(offsets.items()),
        )
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    return rows


def _forget_gone(conn: Any, folder: Path) -> None:
    """Drop the progress rows of claimed files that no longer exist (read to the end)."""
    names = [row[0] for row in conn.execute("SELECT file FROM spool_progress").fetchall()]
    gone = [(name,) for name in names if not (folder / name).exists()]
    if gone:
        conn.executemany("DELETE FROM spool_progress WHERE file = ?", gone)
