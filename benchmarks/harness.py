"""Shared pieces of the whole-process benchmarks: a latency proxy in front of the sandbox's moto
server, an environment in which `cws` and plain boto3 scripts reach AWS through it, and timing of
new processes.

Latency is injected by a small local HTTP proxy, not inside the measured process: the process runs
exactly as a user runs it (nothing imported or registered up front), and each AWS request waits
``latency_ms`` before it is forwarded, so parallel requests overlap as on a network. The child
processes use the real-AWS code path (standard credential chain from environment variables,
``AWS_ENDPOINT_URL`` pointing at the proxy), as a user with an AWS account runs `cws`; the moto
server behind the proxy holds the sandbox's world. Requests to the sandbox's own paths
(``/cws-sandbox/...``) and to moto's (``/moto-api/...``) are forwarded without delay.

Moto answers one request at a time, so where a process sends dozens of requests at once the
proxy's figure is moto's queue; a proxy given a ``recorder`` hands every AWS request and its answer
to ``standin.Recording``, from which ``standin.StandIn`` serves them concurrently.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: The `cws` console script of this environment (what a user runs); ``python -m`` otherwise.
CWS = [str(BIN / "cws")] if (BIN / "cws").exists() else [sys.executable, "-m", "cws_jupyter.cli"]
#: Credentials moto accepts; the AWS files are ignored so nothing on this machine interferes.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_REGION": "us-east-1",
}
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
UNDELAYED = ("/cws-sandbox/", "/moto-api/")
#: Called with each AWS request the proxy forwarded and its answer: (method, path, headers,
#: body, (status, headers, data)); e.g. ``standin.Recording.record``.
Recorder = Callable[
    [str, str, dict[str, str], bytes | None, tuple[int, list[tuple[str, str]], bytes]], None
]


class Counting(Protocol):
    """Anything in front of AWS that counts the AWS requests it answered (the latency proxy, the
    stand-in)."""

    requests: int


class LatencyProxy:
    """A threaded reverse proxy adding a fixed delay to every AWS request it forwards."""

    def __init__(self, upstream: str, latency_ms: float, recorder: Recorder | None = None) -> None:
        """Forward to ``upstream`` after ``latency_ms``; hand every AWS request and its answer to
        ``recorder`` when one is given (to replay them later from a stand-in)."""
        parts = urlsplit(upstream)
        self.recorder = recorder
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.latency_s = latency_ms / 1000
        self.requests = 0
        #: Every delayed request's operation, in order: (operation, region or "").
        self.log: list[tuple[str, str]] = []
        self._count_lock = threading.Lock()
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if not self.path.startswith(UNDELAYED):
                    with proxy._count_lock:
                        proxy.requests += 1
                        proxy.log.append(operation(self.headers, body))
                    time.sleep(proxy.latency_s)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                status, reply_headers, data = proxy._send(self.command, self.path, body, headers)
                if proxy.recorder is not None and not self.path.startswith(UNDELAYED):
                    proxy.recorder(
                        self.command, self.path, headers, body, (status, reply_headers, data)
                    )
                self.send_response(status)
                for key, value in reply_headers:
                    if key.lower() not in HOP_HEADERS and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that went away (a process that gave up) is not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Forward one request upstream on this thread's keep-alive connection."""
        for attempt in (0, 1):
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = http.client.HTTPConnection(*self.upstream, timeout=600)
            try:
                conn.request(method, path, body=body, headers=headers)
                reply = conn.getresponse()
                return reply.status, reply.getheaders(), reply.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def operation(headers: object, body: bytes | None) -> tuple[str, str]:
    """(operation, region) of a signed AWS request: X-Amz-Target (JSON APIs) or Action= (query
    APIs), and the region from the signature's credential scope."""
    target = headers.get("X-Amz-Target") or ""  # type: ignore[attr-defined]
    name = target.rsplit(".", 1)[-1]
    if not name and body:
        found = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
        name = found.group(1).decode() if found else "?"
    scope = re.search(r"Credential=[^/]+/\d+/([^/]+)/", headers.get("Authorization") or "")  # type: ignore[attr-defined]
    return name or "?", scope.group(1) if scope else ""


def aws_env(endpoint: str, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process reaching AWS at ``endpoint`` with a private CWS_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CWS_"))}
    env.update(FAKE_AWS_ENV, AWS_ENDPOINT_URL=endpoint, CWS_HOME=str(home), COLUMNS="120")
    env.update(extra)
    return env


@dataclass
class Proc:
    """A new process to time: its command, environment, and a hook run before each start."""

    name: str
    argv: list[str]
    env: dict[str, str]
    before: object = None  # a callable run (untimed) before each start, e.g. emptying a cache
    samples: list[float] = field(default_factory=list)
    requests: int = 0  # AWS requests the proxy saw in the last run
    stdout: str = ""
    via: Counting | None = None  # what serves its AWS requests, when not the run's proxy

    @property
    def median(self) -> float:
        """Median wall time, ms."""
        return statistics.median(self.samples)


def run_proc(proc: Proc, proxy: Counting | None = None) -> float:
    """Start ``proc`` once, wait for it; its wall time in ms (also appended to its samples)."""
    if callable(proc.before):
        proc.before()
    proxy = proc.via or proxy
    seen = proxy.requests if proxy else 0
    started = time.perf_counter()
    out = subprocess.run(proc.argv, env=proc.env, capture_output=True, text=True, check=False)
    wall = (time.perf_counter() - started) * 1000
    if out.returncode != 0:
        raise SystemExit(f"{proc.name} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    proc.requests = (proxy.requests - seen) if proxy else 0
    proc.stdout = out.stdout
    proc.samples.append(wall)
    return wall


def interleave(procs: list[Proc], runs: int, proxy: Counting | None = None) -> None:
    """One untimed warm-up each (page cache, .pyc), then ``runs`` rounds, the processes interleaved
    so that a noisy machine slows them all alike."""
    for proc in procs:
        run_proc(proc, proxy)
        proc.samples.clear()
    for _ in range(runs):
        for proc in procs:
            run_proc(proc, proxy)


def temp_home(prefix: str) -> Path:
    """A new, empty folder."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def boto3_script(body: str) -> list[str]:
    """``python -c`` running a minimal boto3 program: a session from the environment (as `cws`
    gets one) then ``body``; ``ec2(region)`` and ``ssm(region)`` give clients."""
    prelude = (
        "import os, boto3\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "s = boto3.Session()\n"
        "ep = os.environ['AWS_ENDPOINT_URL']\n"
        "def ec2(r): return s.client('ec2', region_name=r, endpoint_url=ep)\n"
        "def ssm(r): return s.client('ssm', region_name=r, endpoint_url=ep)\n"
    )
    return [sys.executable, "-c", prelude + body]
