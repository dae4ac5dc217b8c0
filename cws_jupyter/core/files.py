"""Read a user's file safely: regular files only, never blocking, never more than a limit.

A path a user gives (a template, ``CWS_REGION_FALLBACKS``) may name a named pipe (reading it
waits for a writer forever), a device such as ``/dev/zero`` (endless, with ``st_size`` 0), a
socket, a folder, or a file far too big. ``read_regular_file`` refuses all of them with a
``FileRefused`` that says what the path is, and reads at most ``limit`` bytes whatever
``st_size`` claims. The type is checked before opening (so a device is never opened) and again
with ``fstat`` on the open descriptor (so a file swapped for a pipe in between is caught too).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: Open flags: never wait for a pipe's writer, never adopt a terminal, close on exec.
OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
CHUNK = 64 * 1024


class FileRefused(Exception):
    """A path that cannot be read as a regular file of acceptable size, and why."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words ('a named pipe (FIFO)', 'a folder', ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device (like /dev/zero or a terminal)"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "a file of an unusual kind"


def _not_regular(mode: int) -> str:
    return f"is {kind_of(mode)}, not a regular file"


def os_problem(exc: OSError) -> str:
    """An ``OSError`` from opening or reading a path, as a short phrase with the fix."""
    code = exc.errno
    if code == errno.ENOENT:
        return "does not exist (or is a symbolic link to nothing)"
    if code in (errno.EACCES, errno.EPERM):
        return "is not readable (permission denied: check the file's permissions and owner)"
    if code == errno.EISDIR:
        return _not_regular(stat.S_IFDIR)
    if code == errno.ENOTDIR:
        return "does not exist: a part of the path before it is a file, not a folder"
    if code == errno.ELOOP:
        return "is a loop of symbolic links"
    if code == errno.ENXIO:
        return _not_regular(stat.S_IFSOCK)
    if code == errno.ENAMETOOLONG:
        return "is not a usable path: the name is too long"
    return f"gives an error when read ({exc.strerror or exc})"


def regular_file_problem(path: Path | str) -> str | None:
    """Why ``path`` is not a readable regular file (None when it looks like one); never blocks."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return os_problem(exc)
    except ValueError:  # an embedded NUL byte
        return "is not a usable path (it contains a NUL character)"
    return None if stat.S_ISREG(mode) else _not_regular(mode)


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``; ``FileRefused`` for anything else or past ``limit``."""
    problem = regular_file_problem(path)
    if problem:
        raise FileRefused(path, problem)
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise FileRefused(path, os_problem(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # replaced between the check and the open
            raise FileRefused(path, _not_regular(mode))
        return _read_bounded(fd, path, limit)
    except OSError as exc:
        raise FileRefused(path, os_problem(exc)) from None
    finally:
        os.close(fd)


def _read_bounded(fd: int, path: Path | str, limit: int) -> bytes:
    """Read until end of file, refusing as soon as more than ``limit`` bytes have arrived."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise FileRefused(path, f"is larger than {limit:,} bytes")
        chunks.append(chunk)


def read_regular_text(path: Path | str, limit: int) -> str:
    """``read_regular_file`` decoded as UTF-8 (a ``FileRefused`` naming the byte otherwise)."""
    raw = read_regular_file(path, limit)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


#: A temp file this old is a leftover of a writer that was killed (a write takes milliseconds).
STALE_TEMP_S = 600.0


def remove_stale_temps(folder: Path | str, pattern: str, older_than: float = STALE_TEMP_S) -> int:
    """Remove the files matching ``pattern`` in ``folder`` last changed more than ``older_than``
    seconds ago: the temp files of atomic writes whose writer was killed before its rename.
    Never raises; returns how many were removed."""
    import time

    removed = 0
    cutoff = time.time() - older_than
    try:
        leftovers = list(Path(folder).glob(pattern))
    except OSError:
        return 0
    for leftover in leftovers:
        try:
            info = leftover.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                leftover.unlink()
                removed += 1
        except OSError:
            continue
    return removed
