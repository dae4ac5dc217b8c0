"""The lookup cache every process of the user shares: one row per key in SQLite (WAL).

A write touches one row, so the cache costs the same with ten entries or ten thousand, and a
process killed mid-write leaves the previous state (SQLite's transactions are atomic). The cache
is disposable: a damaged database is set aside and a new one started, and a folder that cannot
be written means caching in memory only. Either way one warning, and only speed is lost.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

from .folders import folder_fix, folder_problem

#: The cache file in the cache folder (a new schema gets a new name, never a migration).
CACHE_FILE = "lookups-v1.sqlite3"
#: Files of the JSON cache this one replaces, removed when the new one opens.
LEGACY_FILES = ("ami-lookups.json", "ami-lookups.json.lock")
LEGACY_TEMP_GLOB = ".cache-*.tmp"
#: A busy cache is skipped rather than waited for: it is only a cache.
BUSY_TIMEOUT_S = 2.0
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries ("
    " key TEXT PRIMARY KEY, expires REAL NOT NULL, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS entries_by_expiry ON entries (expires)",
)
#: SQLite's words for a file that is not (or no longer) a sound cache database.
DAMAGE_WORDS = (
    "not a database",
    "malformed",
    "encrypted",
    "corrupt",
    "no such column",
    "has no column",
    "no such table",
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def warn_once(path: Path, kind: str, message: str) -> None:
    """Log ``message`` once per process for this cache file and kind of trouble."""
    with _warned_lock:
        if (str(path), kind) in _warned:
            return
        _warned.add((str(path), kind))
    log.warning("warning: %s", message)


class SqliteCache:
    """A shared, per-key lookup cache in ``path``; it never raises for its own troubles."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        """A cache in ``path`` (made, with its folder, on first use)."""
        self.path = Path(path)
        self._clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._memory_only = False
        self._purged = False
        #: Bumped when the file is set aside: every thread then reopens.
        self._epoch = 0

    # -- the LookupCache protocol --------------------------------------------------------------
    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent, expired or unreadable."""
        row = self._run(
            lambda db: db.execute(
                "SELECT value FROM entries WHERE key = ? AND expires >= ?", (key, self._clock())
            ).fetchone(),
            None,
        )
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:  # one damaged entry is a miss, and is dropped
            self._run(lambda db: db.execute("DELETE FROM entries WHERE key = ?", (key,)), None)
            return None

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store a value for ``ttl`` seconds (one row written)."""
        try:
            text = json.dumps(value, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            log.debug("not caching %s: not JSON", key)
            return
        self._run(
            lambda db: db.execute(
                "INSERT INTO entries (key, expires, value) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET expires = excluded.expires, value = excluded.value",
                (key, self._clock() + ttl, text),
            ),
            None,
        )

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``; returns how many were dropped."""
        return self._run(
            lambda db: (
                db.execute("DELETE FROM entries WHERE instr(value, ?) > 0", (ami_id,)).rowcount
            ),
            0,
        )

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix`` (everything by default)."""
        self._run(
            lambda db: db.execute(
                "DELETE FROM entries WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            ),
            None,
        )

    # -- the database ----------------------------------------------------------------------------
    def _run(self, action: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``action`` on this thread's connection; any trouble costs this answer, never a failure."""
        for _ in range(2):  # a damaged file is set aside, then the action is tried once more
            db = self._connection()
            if db is None:
                return default
            try:
                return action(db)
            except sqlite3.Error as exc:
                if not self._trouble(exc):
                    return default
        return default

    def _connection(self) -> sqlite3.Connection | None:
        """This thread's connection (opened on first use, again after a fork or a set-aside)."""
        if self._memory_only:
            return None
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and self._local.key == (os.getpid(), self._epoch):
            return db
        self._forget_connection()
        for _ in range(2):  # a damaged file found on opening is set aside, then opened anew
            try:
                db = self._open()
            except sqlite3.Error as exc:
                if self._trouble(exc):
                    continue
                return None
            except OSError as exc:
                self._give_up(str(exc))
                return None
            if db is not None:
                self._local.db, self._local.key = db, (os.getpid(), self._epoch)
            return db
        return None

    def _open(self) -> sqlite3.Connection | None:
        """Open (and create) the database; None when its folder cannot hold it."""
        problem = folder_problem(self.path.parent)
        if problem:
            self._give_up(problem)
            return None
        if self.path.is_symlink() and not self.path.exists():
            self._set_aside("it is a symbolic link to nothing")
        elif self.path.exists() and not stat.S_ISREG(self.path.stat().st_mode):
            self._set_aside("it is not a regular file")
        db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            for statement in SCHEMA:
                db.execute(statement)
            with self._lock:
                purge, self._purged = not self._purged, True
            if purge:  # once per process: expired entries go, and the old JSON cache with them
                db.execute("DELETE FROM entries WHERE expires < ?", (self._clock(),))
                self._remove_legacy()
        except BaseException:
            db.close()
            raise
        return db

    def _trouble(self, exc: sqlite3.Error) -> bool:
        """Deal with a database error; True when the action is worth trying again."""
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return False  # another process holds it for long: skip this one answer
        self._forget_connection()
        if any(word in text for word in DAMAGE_WORDS):
            self._set_aside(str(exc))
            return True
        self._give_up(str(exc))
        return False

    def _set_aside(self, why: str) -> None:
        """Move a damaged cache file out of the way (a new one is made on the next open)."""
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            if aside.is_dir() and not aside.is_symlink():
                shutil.rmtree(aside)
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        except OSError as exc:
            self._give_up(f"it is damaged ({why}) and cannot be moved aside ({exc})")
            return
        with self._lock:
            self._epoch += 1
        warn_once(
            self.path,
            "damaged",
            f"the lookup cache {self.path} was damaged ({why}); it was moved to {aside.name} "
            "and a new one started (cached AWS lookups are asked again)",
        )

    def _give_up(self, why: str) -> None:
        """Cache in memory only from now on (this process), with one warning."""
        self._memory_only = True
        self._forget_connection()
        warn_once(
            self.path,
            "unusable",
            f"the lookup cache {self.path} cannot be used ({why}); AWS lookups are cached in "
            f"memory only, so each new process asks AWS again. {folder_fix('cache')}",
        )

    def _forget_connection(self) -> None:
        """Close and drop this thread's connection."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            with suppress(sqlite3.Error):
                db.close()

    def _remove_legacy(self) -> None:
        """Remove the JSON lookup cache this one replaced, and temp files its killed writers left."""
        folder = self.path.parent
        for name in LEGACY_FILES:
            with suppress(OSError):
                (folder / name).unlink(missing_ok=True)
        for leftover in folder.glob(LEGACY_TEMP_GLOB):
            with suppress(OSError):
                leftover.unlink()
