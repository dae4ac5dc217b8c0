"""Faults on demand for the robustness tests: misbehaving TCP endpoints (threads), unusable
folders, broken AWS files, and the `cws` command line run as a user would."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cws_testing import isolated_environ
from traitlets.config import Config

CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]
#: Patience for most fault tests: a non-answering endpoint costs 2 x 1 s, not the defaults' 30 s.
FAST_AWS = {
    "CWS_AWS_CONNECT_TIMEOUT": "1",
    "CWS_AWS_READ_TIMEOUT": "1",
    "CWS_AWS_MAX_ATTEMPTS": "2",
}
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAFAULTTEST", "AWS_SECRET_ACCESS_KEY": "fault-test"}
#: What each kind of faulty endpoint does with a connection.
FAULT_KINDS = ("hang", "close", "garbage-http", "not-http")
GARBAGE_HTTP = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 17\r\n\r\n<html>hi</html>\r\n"
)
NOT_HTTP = b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 garbage \xff\xfe"


EXTENSIONS = {"cws_jupyter": True, "jupyter_server_terminals": False}


def cws_server_config(**cws: object) -> Config:
    """jupyter-server config: the extension on (undecorated handlers refused), these cws traits."""
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": dict(EXTENSIONS),
                "allow_unauthenticated_access": False,
            },
            "CwsExtensionApp": {"region": "us-east-1", **cws},
        }
    )


@dataclass
class FaultServer:
    """A local TCP endpoint that accepts connections and then misbehaves (``kind``)."""

    kind: str
    sock: socket.socket = field(default_factory=socket.socket)
    held: list[socket.socket] = field(default_factory=list)
    accepted: int = 0

    @property
    def url(self) -> str:
        """Its address as an endpoint URL."""
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def start(self) -> FaultServer:
        """Listen and serve in a daemon thread."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        threading.Thread(target=self._serve, daemon=True, name=f"fault-{self.kind}").start()
        return self

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.kind == "hang":
                self.held.append(conn)  # accepted, read, never answered
                continue
            with contextlib.suppress(OSError):
                if self.kind != "close":
                    conn.settimeout(2)
                    conn.recv(65536)
                    conn.sendall(GARBAGE_HTTP if self.kind == "garbage-http" else NOT_HTTP)
            conn.close()

    def stop(self) -> None:
        """Close the listening socket and every held connection."""
        for conn in self.held:
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(OSError):
            self.sock.close()


@contextlib.contextmanager
def fault_server(kind: str) -> Iterator[FaultServer]:
    """A running FaultServer of ``kind``, stopped afterwards."""
    server = FaultServer(kind).start()
    try:
        yield server
    finally:
        server.stop()


def refused_url() -> str:
    """An endpoint URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean user environment rooted at ``home`` (no AWS credentials), plus ``extra``."""
    env = {**isolated_environ(home / "cws"), "HOME": str(home)}
    env.update(extra)
    return env


@dataclass
class Run:
    """One finished `cws` process."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def error_line(self) -> str:
        """The single `error: ...` line a failing command prints (asserted to be alone)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        assert "Traceback" not in self.stderr, self.stderr
        assert len(lines) == 1 and lines[0].startswith("error: "), self.stderr
        return lines[0]


def cws(env: dict[str, str], *args: str, timeout: float = 120) -> Run:
    """Run `cws ARGS` as its own process and time it."""
    started = time.monotonic()
    out = subprocess.run(
        [*CWS, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(out.returncode, out.stdout, out.stderr, time.monotonic() - started)


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[Path]:
    """``folder`` made unwritable for this user, root included (chmod, or chattr +i as root)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if (
        chattr is None
        or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode
    ):
        pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def make_fifo(path: Path) -> Path:
    """A named pipe at ``path`` (reading it would wait for a writer forever)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path
