"""A concurrent stand-in for AWS: recorded answers served at a fixed latency, many at once.

Why: the sandbox's moto server answers one request at a time, so a process sending 68 requests
at once through the latency proxy waits mostly on moto's queue, and the measurement says more
about moto than about the process (a boto3 script with 34 threads came out slower than `cws`).
Real AWS answers each region's requests independently: they overlap.

How: every AWS request a scenario makes is first sent once, untimed, through a latency proxy in
front of moto, which hands each (request, answer) pair to a ``Recording``. The ``StandIn`` then
serves those answers from a threaded HTTP server: each request, on its own thread, waits the
latency and gets the recorded answer of the same request, so parallel requests really overlap.
The measured process is the same, unmodified one as against real AWS (``AWS_ENDPOINT_URL`` is the
stand-in, credentials from the environment, SigV4-signed requests).

A request is matched on what it asks, not on how it was signed: the region and service of the
signature's credential scope, the method and path, the JSON target, and the parameters (the
form body of query APIs such as EC2, the JSON body of JSON APIs such as SSM, the query string),
sorted, without the volatile ones (signatures, dates, tokens). A request that was not recorded is
answered with an AWS-shaped 400 error and listed in ``StandIn.misses``: the benchmark refuses a
run with any miss, so the stand-in never silently answers something else than moto would.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

#: Parameters that differ between two sends of the same request (signature, clock, session).
VOLATILE = frozenset(
    {
        "x-amz-signature",
        "x-amz-date",
        "x-amz-credential",
        "x-amz-security-token",
        "x-amz-signedheaders",
        "x-amz-algorithm",
        "x-amz-expires",
        "signature",
        "timestamp",
        "expires",
    }
)
#: Headers not replayed: the server sets its own framing.
FRAMING = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "date"})
SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")

#: (region, service, method, path, target, parameters): what a request asks for.
Key = tuple[str, str, str, str, str, str]


def request_key(method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> Key:
    """What a signed AWS request asks, independent of when and how it was signed."""
    scope = SCOPE.search(headers.get("Authorization") or "")
    region, service = scope.groups() if scope else ("", "")
    parts = urlsplit(path)
    query = _params(parse_qsl(parts.query, keep_blank_values=True))
    kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    payload = body or b""
    if kind == "application/x-www-form-urlencoded":
        params = _params(parse_qsl(payload.decode(), keep_blank_values=True))
    elif kind.startswith("application/x-amz-json") or kind == "application/json":
        params = json.dumps(json.loads(payload or b"{}"), sort_keys=True, separators=(",", ":"))
    else:
        params = payload.decode("latin-1")
    target = headers.get("X-Amz-Target") or ""
    return (region, service, method, parts.path, target, f"{query}|{params}")


def _params(pairs: list[tuple[str, str]]) -> str:
    """Query or form parameters, sorted, without the volatile ones, as one string."""
    kept = sorted((k, v) for k, v in pairs if k.lower() not in VOLATILE)
    return "&".join(f"{k}={v}" for k, v in kept)


@dataclass(frozen=True)
class Reply:
    """One recorded answer."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class Recording:
    """Answers by request, filled by a recording proxy (``LatencyProxy(recorder=...)``).

    Thread-safe: the proxy records from its handler threads. A request sent twice keeps its first
    answer (the calls measured read the world, they do not change it)."""

    replies: dict[Key, Reply] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None,
        answer: tuple[int, list[tuple[str, str]], bytes],
    ) -> None:
        """Keep ``answer`` (status, headers, data) as the answer to this request (the first one
        recorded wins)."""
        key = request_key(method, path, headers, body)
        status, reply_headers, data = answer
        reply = Reply(status, tuple(reply_headers), data)
        with self._lock:
            self.replies.setdefault(key, reply)

    def __len__(self) -> int:
        return len(self.replies)


class StandIn:
    """A threaded HTTP server answering recorded AWS requests after ``latency_ms``, each on its
    own thread (requests sent at once wait at once, as on a network to AWS).

    ``requests`` counts the AWS requests answered (as ``LatencyProxy.requests`` does, so the
    harness's ``run_proc`` reads either); ``misses`` lists the requests it had no answer for."""

    def __init__(self, recording: Recording, latency_ms: float) -> None:
        self.recording = recording
        self.latency_s = latency_ms / 1000
        self.requests = 0
        self.misses: list[Key] = []
        #: Most requests being waited on at the same moment (shows that they overlapped).
        self.peak_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                key = request_key(self.command, self.path, self.headers, body)
                reply = stand_in._wait_then_find(key)
                if reply is None:
                    reply = _miss(key)
                self.send_response(reply.status)
                for name, value in reply.headers:
                    if name.lower() not in FRAMING:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that went away is not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _wait_then_find(self, key: Key) -> Reply | None:
        """Count the request, wait the latency (alongside every other request in flight), and
        find its recorded answer."""
        with self._lock:
            self.requests += 1
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            time.sleep(self.latency_s)
        finally:
            with self._lock:
                self._in_flight -= 1
        reply = self.recording.replies.get(key)
        if reply is None:
            with self._lock:
                self.misses.append(key)
        return reply

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _miss(key: Key) -> Reply:
    """An AWS-shaped client error (not retried by botocore) naming the unrecorded request."""
    from xml.sax.saxutils import escape

    message = escape(f"the stand-in has no recorded answer for {key[1]} {key[4] or key[5][:120]}")
    body = (
        "<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error>"
        f"<Code>StandInMiss</Code><Message>{message}</Message></Error></Errors>"
        "<RequestID>stand-in</RequestID></Response>"
    ).encode()
    return Reply(400, (("Content-Type", "text/xml"),), body)
