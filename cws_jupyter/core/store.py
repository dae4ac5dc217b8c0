"""The state every process of a user shares (instances, jobs, counters): one SQLite file in WAL mode.

CLI runs, notebook kernels and the Jupyter server read and write it at the same time. SQLite's
write-ahead log lets readers go on while one writer commits; every write is one short
``BEGIN IMMEDIATE`` transaction, so a read-modify-write never loses a concurrent update, and a
process killed mid-write leaves the previous state in place.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .errors import BadInput, Conflict
from .folders import folder_fix, require_folder

DB_FILE = "cws.sqlite3"
BUSY_TIMEOUT_S = 30.0

#: Schema versions, applied in order; ``PRAGMA user_version`` records the last one applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE jobs (
        job_id     TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        namespace  TEXT NOT NULL,
        status     TEXT NOT NULL,
        owner      TEXT NOT NULL,
        created    REAL NOT NULL,
        updated    REAL NOT NULL,
        finished   REAL,
        body       TEXT NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs (namespace, created);
    CREATE TABLE instances (
        key        TEXT PRIMARY KEY,
        namespace  TEXT NOT NULL,
        name       TEXT NOT NULL,
        state      TEXT NOT NULL,
        updated    REAL NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE UNIQUE INDEX instances_live_name ON instances (namespace, name)
        WHERE state != 'terminated';
    """,
)


class StateStore:
    """The user's shared state database; a connection per thread, opened on first use."""

    def __init__(self, path: Path) -> None:
        """A store at ``path`` (created, with its folder, on first use)."""
        self.path = Path(path)
        self._local = threading.local()
        self._ready = False
        self._ready_lock = threading.Lock()

    @classmethod
    def in_folder(cls, state_dir: Path) -> StateStore:
        """The store of a state folder (``CWS_HOME/state`` or the platform's state dir)."""
        return cls(Path(state_dir) / DB_FILE)

    # -- connections ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """This thread's connection (a new one after a fork: SQLite connections do not survive it)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        require_folder(self.path.parent, "state")
        if self.path.exists() and not self.path.is_file():  # a FIFO would block the open
            raise BadInput(
                f"the state database {self.path} is not a regular file: move it aside and "
                "cws-jupyter starts a new one",
                field="CWS_HOME",
            )
        conn = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if not self._ready:
                self._migrate(conn)
        except (OSError, sqlite3.Error, BadInput) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, BadInput):
                raise
            if isinstance(exc, sqlite3.Error):
                raise self._unusable(exc) from None
            raise BadInput(
                f"cannot open the state database {self.path}: {exc}. {folder_fix('state')}",
                field="CWS_HOME",
            ) from None
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date (once per process; safe when processes race)."""
        with self._ready_lock:
            if self._ready:
                return
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < len(MIGRATIONS):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                        for statement in filter(str.strip, script.split(";")):
                            conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {number}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            elif version > len(MIGRATIONS):
                raise BadInput(
                    f"the state database {self.path} was written by a newer cws-jupyter "
                    f"(schema {version}); upgrade cws-jupyter",
                    field="CWS_HOME",
                )
            self._ready = True

    def _unusable(self, exc: sqlite3.Error) -> BadInput | Conflict:
        """The clear error for a state database SQLite cannot use (never a raw sqlite3 error)."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            return Conflict(
                f"the state database {self.path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_S:g} s; try again in a moment"
            )
        if "not a database" in text or "malformed" in text:
            return BadInput(
                f"the state database {self.path} is damaged ({text}): move it aside and "
                "cws-jupyter starts a new, empty one (the old one held your workstations' "
                "records and the jobs)",
                field="CWS_HOME",
            )
        return BadInput(
            f"cannot use the state database {self.path} ({text}). {folder_fix('state')}",
            field="CWS_HOME",
        )

    # -- reading and writing -------------------------------------------------------------------
    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of one read (a consistent snapshot, never blocked by a writer)."""
        conn = self._connect()
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise self._unusable(exc) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (``BEGIN IMMEDIATE``), committed, or rolled back.

        A database that cannot be written (a read-only folder, a full disk, a lock held too
        long) is a clear core error; a constraint the caller broke stays an IntegrityError.
        """
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._unusable(exc) from None
        try:
            yield conn
        except BaseException as exc:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._unusable(exc) from None
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise self._unusable(exc) from None

    # -- small shared values -------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        """A value of the ``meta`` table (JSON), or ``default``."""
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else default

    def bump(self, key: str) -> int:
        """Increment a counter of the ``meta`` table; returns the new value."""
        with self.write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            value = (json.loads(row["value"]) if row else 0) + 1
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        return int(value)

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def now() -> float:
    """Unix time, for the store's timestamps."""
    return time.time()
