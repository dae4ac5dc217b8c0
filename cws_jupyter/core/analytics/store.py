"""The events database: one DuckDB file, opened briefly by whichever process wants to read.

DuckDB lets one process at a time open a database file for writing, and a reader here always
writes first (it ingests the spool). So every process opens the file only inside ``session``,
holding a file lock (``analytics.lock``) for the length of one report, export or
recommendation, and closes it after. Writers of events never take that lock: they append to
their spool files whatever the readers are doing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import Conflict
from ..folders import require_folder
from .events import table_sql
from .ingest import ingest

DB_FILE = "events.duckdb"
LOCK_FILE = "analytics.lock"
SPOOL_DIR = "spool"
SCHEMA_VERSION = "1"
#: How long a reader waits for another process's session (a long export) before giving up.
LOCK_TIMEOUT = 60.0
#: Retention is applied at most this often (seconds), by whichever session comes first.
PRUNE_EVERY = 6 * 3600

SCHEMA = (
    table_sql(),
    "CREATE TABLE IF NOT EXISTS spool_progress (file VARCHAR PRIMARY KEY, done BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
)


class EventStore:
    """The analytics folder: the spool every process appends to, and the DuckDB file."""

    def __init__(self, folder: Path, retention_days: int) -> None:
        self.folder = folder
        self.spool = folder / SPOOL_DIR
        self.db_path = folder / DB_FILE
        self.retention_days = retention_days
        self._local = threading.Lock()  # threads of this process take turns too

    def exists(self) -> bool:
        """True when events were ever ingested or are waiting in the spool."""
        return self.db_path.exists() or any(self.spool.glob("*"))

    @contextmanager
    def session(self, *, ingest_spool: bool = True) -> Iterator[Any]:
        """A DuckDB connection to the events, the spool ingested first; closed on exit."""
        require_folder(self.folder, "state")
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.folder / LOCK_FILE))
        with self._local:
            try:
                lock.acquire(timeout=LOCK_TIMEOUT)
            except Timeout:
                raise Conflict(
                    f"the usage analytics in {self.folder} are busy: another cws process has "
                    f"held them for {LOCK_TIMEOUT:.0f} s (a long export?). Try again when it ends"
                ) from None
            try:
                conn = self._connect()
                try:
                    _ensure_schema(conn)
                    if ingest_spool:
                        ingest(conn, self.spool)
                        self._prune_if_due(conn)
                    yield conn
                finally:
                    conn.close()
            finally:
                lock.release()

    def _connect(self) -> Any:
        import duckdb

        try:
            return duckdb.connect(str(self.db_path))
        except duckdb.Error as exc:
            raise Conflict(
                f"the usage analytics database {self.db_path} cannot be opened ({exc}). Move it "
                "away to start a new one (events waiting in the spool folder are kept)",
                field="analytics",
            ) from None

    def prune(self, conn: Any) -> int:
        """Delete events older than the retention period; how many were deleted."""
        cutoff = _utc_now_naive(-self.retention_days * 86400)
        deleted = int(conn.execute("DELETE FROM events WHERE ts < ?", [cutoff]).fetchone()[0])
        _set_meta(conn, "pruned_at", str(time.time()))
        return deleted

    def _prune_if_due(self, conn: Any) -> None:
        last = _get_meta(conn, "pruned_at")
        if last is None or time.time() - float(last) > PRUNE_EVERY:
            self.prune(conn)


def _ensure_schema(conn: Any) -> None:
    """Create the tables on first use; refuse a database of a newer schema."""
    for statement in SCHEMA:
        conn.execute(statement)
    version = _get_meta(conn, "schema_version")
    if version is None:
        _set_meta(conn, "schema_version", SCHEMA_VERSION)
    elif version != SCHEMA_VERSION:
        raise Conflict(
            f"the usage analytics database has schema version {version}; this cws-jupyter "
            f"reads version {SCHEMA_VERSION}. Upgrade cws-jupyter, or move the database away",
            field="analytics",
        )


def _get_meta(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def _set_meta(conn: Any, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _utc_now_naive(offset_seconds: float = 0.0) -> Any:
    """Now (plus an offset) as a naive UTC datetime: how the events table stores times."""
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return now + dt.timedelta(seconds=offset_seconds)


def utc_cutoff(since_seconds: float | None) -> Any:
    """The earliest event time a window of ``since_seconds`` keeps (None: no window)."""
    return None if since_seconds is None else _utc_now_naive(-since_seconds)
