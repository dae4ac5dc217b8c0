"""The sandbox runtime file (how every process finds the one server) and liveness checks."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError

#: Credentials every client of the sandbox uses (moto accepts any; these make it explicit).
SANDBOX_CREDENTIALS: dict[str, str] = {
    "aws_access_key_id": "sandbox",
    "aws_secret_access_key": "sandbox",
}
#: The server's own endpoint saying who it is (not an AWS API; moto never sees it).
INFO_PATH = "/cws-sandbox/info"
#: POST here to wipe all state and seed the world again.
RESET_PATH = "/cws-sandbox/reset"
#: Marks a sandbox server process on its command line.
SERVER_MODULE = "cws_jupyter.core.sandbox.server"

#: Exit code of the server process when moto (or its server extra) is missing.
EXIT_NO_MOTO = 3
INSTALL_HINT = "pip install 'cws-jupyter[sandbox]'"

RUNTIME_FILE = "sandbox.json"
#: The most read of the runtime file or of one of the server's own answers.
MAX_REPLY_BYTES = 1_000_000
LOCK_FILE = "sandbox.lock"
LOG_FILE = "sandbox.log"


class SandboxInfo(BaseModel):
    """A running sandbox: where it listens, its process, when it started, what it simulates."""

    endpoint_url: str
    port: int
    pid: int
    started_at: str
    account_id: str
    world: str
    #: The sandbox's own community registry (an embedded ``cws-registry`` on DuckDB).
    registry_url: str | None = None
    #: The sandbox user's token for writes to that registry (never served by the info route).
    registry_token: str | None = Field(None, repr=False)


def write_runtime(path: Path, info: SandboxInfo) -> None:
    """Write the runtime file atomically (temp file + fsync + os.replace)."""
    from ..files import remove_stale_temps

    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent, f".{path.name}.*.tmp")  # left by writers that were killed
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(info.model_dump_json(indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_runtime(path: Path) -> SandboxInfo | None:
    """The runtime file's content, or None when it is missing, unreadable or not a regular file
    (a FIFO would block the read; a huge file is not ours)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as handle:
            raw = handle.read(MAX_REPLY_BYTES + 1)
        if len(raw) > MAX_REPLY_BYTES:
            return None
        return SandboxInfo.model_validate_json(raw)
    except (OSError, ValueError, ValidationError):
        return None


def remove_runtime(path: Path, pid: int | None = None) -> bool:
    """Delete the runtime file (only if it names ``pid`` when given); True if deleted."""
    if pid is not None:
        current = read_runtime(path)
        if current is not None and current.pid != pid:
            return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists and is not a zombie."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        # "pid (comm) state ...": a zombie has exited, it just has not been reaped yet.
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _windows_pid_alive(pid: int) -> bool:
    """Windows liveness check (os.kill(pid, 0) would terminate the process there)."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def looks_like_server(pid: int) -> bool | None:
    """Whether ``pid``'s command line is a sandbox server; None when the OS cannot tell us."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return SERVER_MODULE in cmdline.read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return False if Path("/proc/self").exists() else None
    except OSError:
        return None


def _complete(reply: bytearray) -> bool:
    """Whether ``reply`` holds a whole answer: its head and the Content-Length it announces.

    The server closes its end some milliseconds after answering; reading to the announced
    length instead of to the close saves that wait on every probe.
    """
    head_end = reply.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    for line in bytes(reply[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return len(reply) - head_end - 4 >= int(value.strip())
            except ValueError:
                return False
    return False


def _get_json(url: str, timeout: float) -> Any:
    """GET ``url`` (plain HTTP on loopback, never through a proxy) and parse its JSON body; an
    answer that is not a 200 with a JSON body of bounded size raises ValueError.

    A bare HTTP/1.0 exchange on a socket: every process that looks for the sandbox does this
    once, and urllib's import alone costs more than the whole exchange.
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"not a sandbox address: {url}")
    port = parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {path} HTTP/1.0\r\nHost: {parts.hostname}:{port}\r\nAccept: application/json\r\n\r\n"
    )
    reply = bytearray()
    with socket.create_connection((parts.hostname, port), timeout=timeout) as sock:
        sock.sendall(request.encode("ascii"))
        while not _complete(reply):
            data = sock.recv(65536)
            if not data:
                break
            reply += data
            if len(reply) > MAX_REPLY_BYTES:
                raise ValueError("answer too large")
    head, separator, body = bytes(reply).partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if not separator or len(status) < 2 or status[1] != b"200":
        raise ValueError("not a 200 answer")
    if b"transfer-encoding: chunked" in head.lower():
        raise ValueError("a chunked answer to an HTTP/1.0 request")
    if b"content-length:" in head.lower() and not _complete(reply):
        raise ValueError("the answer ended before the length it announced")
    return json.loads(body.decode("utf-8"))


def probe(info: SandboxInfo, timeout: float = 2.0) -> bool:
    """Whether the endpoint answers as the sandbox named by ``info`` (same pid, not a stranger:
    a port that never answers, closes at once or answers garbage is not the sandbox)."""
    try:
        body = _get_json(info.endpoint_url + INFO_PATH, timeout)
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and body.get("pid") == info.pid


def post(info: SandboxInfo, path: str, timeout: float = 60.0) -> dict[str, object]:
    """POST to one of the sandbox's own endpoints and return its JSON answer (OSError when the
    sandbox does not answer, or answers something else than JSON)."""
    import http.client
    import urllib.request

    #: Loopback needs no proxy, whatever HTTP(S)_PROXY says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(info.endpoint_url + path, data=b"", method="POST")
    try:
        with opener.open(request, timeout=timeout) as resp:
            body = json.loads(resp.read(MAX_REPLY_BYTES).decode("utf-8"))
    except (ValueError, http.client.HTTPException) as exc:
        raise OSError(f"not a sandbox answer ({exc.__class__.__name__})") from None
    return body if isinstance(body, dict) else {}
