"""The write side of usage analytics: events buffered in memory, appended to a per-process spool.

Recording is on the hot path of every resolve, so ``SpoolWriter.add`` only appends a tuple to a
``deque`` (thread-safe, no lock) and wakes a daemon thread; that thread turns the events into
JSON lines and appends them to this process's own spool file, about once a ``FLUSH_SECONDS``,
and again at interpreter exit. No DuckDB, no fsync and no waiting on another process happen on
the caller's thread.

The file protocol lets an ingester (any process) take a spool file away while its writer keeps
going, losing nothing:

- the writer opens its file by name for every flush (``O_APPEND``), takes an exclusive
  ``flock`` on it, checks the name still leads to the file it opened, and writes whole lines
  in one ``write``; a failed write is cut back off (``ftruncate``), so a file only ever holds
  whole lines (unless the process dies inside the ``write``);
- the ingester claims the file by renaming it, then takes and drops the same ``flock`` once:
  a write that had started has finished, and a writer that opened the old name before the
  rename sees that the name now leads elsewhere and starts a new file.

Where ``fcntl`` does not exist (Windows), renaming a file another process holds open fails, so
the ingester just leaves that file for a later ingest.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SPOOL_SUFFIX = ".jsonl"
#: How long events wait in memory before a flush (a batch per flush, not a write per event).
FLUSH_SECONDS = 0.5
#: Events kept in memory at most while writes fail (the oldest are dropped beyond this).
MAX_PENDING = 100_000
#: Tries to find the live spool file when ingesters keep claiming it (each try is one open).
OPEN_TRIES = 5
WRITE_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)

_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_once(key: str, message: str) -> None:
    """Log ``message`` as a warning the first time ``key`` comes up in this process."""
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    log.warning("warning: %s", message)


def _state_folder_unusable(spool: Path) -> bool:
    """True when the state folder holding the spool (``<state>/analytics/spool``) is itself
    unusable, which the rest of cws-jupyter reports."""
    from ..folders import folder_problem

    return folder_problem(spool.parents[1]) is not None


def encode(stamp: float, kind: str, fields: dict[str, Any]) -> str:
    """One spool line: the time, the kind, the fields (values JSON cannot hold become text)."""
    return json.dumps({"t": stamp, "kind": kind, **fields}, separators=(",", ":"), default=str)


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _same_file(fd: int, path: Path) -> bool:
    """True when ``path`` still names the file open as ``fd`` (no ingester renamed it away)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def append_lines(path: Path, data: bytes) -> None:
    """Append ``data`` (whole lines) to the spool file ``path``, following the protocol above.

    Raises ``OSError`` when the file cannot be written; nothing of ``data`` is left in it then.
    """
    for _ in range(OPEN_TRIES):
        fd = os.open(path, WRITE_FLAGS, 0o600)
        try:
            _lock(fd)
            if not _same_file(fd, path):
                continue  # claimed between our open and our lock: write to a new file
            start = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
            return
        finally:
            os.close(fd)  # releases the flock
    raise OSError(f"{path} was claimed {OPEN_TRIES} times in a row while writing to it")


def wait_for_writers(fd: int) -> None:
    """Take and drop the spool lock of a claimed file: a write in progress has finished."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fcntl.flock(fd, fcntl.LOCK_UN)


class SpoolWriter:
    """This process's events for one spool folder: buffered, then appended to its spool file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pending: deque[tuple[float, str, dict[str, Any]]] = deque(maxlen=MAX_PENDING)
        self._wake = threading.Event()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.path = self._new_path()

    def _new_path(self) -> Path:
        """A spool file name of this process (the random part survives pid reuse)."""
        return self.folder / f"{os.getpid()}-{secrets.token_hex(4)}{SPOOL_SUFFIX}"

    def add(self, kind: str, fields: dict[str, Any]) -> None:
        """Queue one event (the hot path: an append and, when idle, a wake-up)."""
        self._pending.append((time.time(), kind, fields))
        if not self._wake.is_set():
            self._wake.set()
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="cws-analytics-spool", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        """The flusher: wait for events, let a batch gather, write it; forever (a daemon)."""
        while True:
            self._wake.wait()
            time.sleep(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        """Write every queued event now (on the caller's thread); how many were written.

        Never raises: a folder or disk that refuses the write is warned about once, and the
        events are dropped (recording must never break what it records).
        """
        with self._write_lock:
            lines = []
            while self._pending:
                try:
                    stamp, kind, fields = self._pending.popleft()
                except IndexError:
                    break
                try:
                    lines.append(encode(stamp, kind, fields))
                except (TypeError, ValueError) as exc:
                    warn_once(f"encode:{kind}", f"a {kind} event could not be recorded ({exc})")
            if not lines:
                return 0
            data = ("\n".join(lines) + "\n").encode()
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                append_lines(self.path, data)
            except OSError as exc:
                if _state_folder_unusable(self.folder):
                    # The state store and the lookup cache already say so, once; a second
                    # warning about the same folder would only repeat it.
                    log.debug("usage events dropped: %s", exc)
                    return 0
                warn_once(
                    f"write:{self.folder}",
                    f"usage events cannot be written to {self.folder} ({exc.strerror or exc}); "
                    "they are dropped until it is writable. Set CWS_ANALYTICS=0 to stop "
                    "recording, or point CWS_HOME at a writable folder",
                )
                return 0
            return len(lines)

    def reset_after_fork(self) -> None:
        """In a forked child: forget the parent's queue, thread and file (they are not ours)."""
        self._pending = deque(maxlen=MAX_PENDING)
        self._wake = threading.Event()
        self._write_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread = None
        self.path = self._new_path()


#: One writer per spool folder in this process, shared by every ``Analytics`` using that folder.
_writers: dict[Path, SpoolWriter] = {}
_writers_lock = threading.Lock()


def writer_for(folder: Path) -> SpoolWriter:
    """This process's writer for ``folder`` (made on first use)."""
    writer = _writers.get(folder)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(folder)
            if writer is None:
                writer = _writers[folder] = SpoolWriter(folder)
    return writer


def existing_writer(folder: Path) -> SpoolWriter | None:
    """This process's writer for ``folder``, if it recorded anything there."""
    return _writers.get(folder)


def flush_all() -> None:
    """Write every writer's queued events (at interpreter exit)."""
    for writer in list(_writers.values()):
        writer.flush()


def _after_fork_in_child() -> None:
    global _writers_lock
    _writers_lock = threading.Lock()
    for writer in _writers.values():
        writer.reset_after_fork()


atexit.register(flush_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
