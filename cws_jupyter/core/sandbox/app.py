"""The sandbox's WSGI front: moto for AWS calls, plus the server's own info and reset endpoints."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .runtime import INFO_PATH, RESET_PATH

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: moto's own reset endpoint: intercepted so that a reset always re-seeds the world.
MOTO_RESET_PATH = "/moto-api/reset"


class ReadWriteLock:
    """Many readers (AWS calls) or one writer (reset + seed) at a time."""

    def __init__(self) -> None:
        """An unlocked lock."""
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock shared, for the duration of one AWS request."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writer)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock exclusively: no AWS request sees a half-seeded world."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writer)
            self._writer = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class SandboxApp:
    """Routes the sandbox's own endpoints, and every other request to moto under a shared lock."""

    def __init__(self, moto_app: WsgiApp, info: dict[str, Any], reseed: Callable[[], int]) -> None:
        """Wrap ``moto_app``; ``info`` answers INFO_PATH, ``reseed`` wipes and seeds the world."""
        self.moto_app = moto_app
        self.info = info
        self.reseed = reseed
        self.lock = ReadWriteLock()

    def reset(self) -> int:
        """Wipe and re-seed with no AWS request in flight; returns the number of world images."""
        with self.lock.writing():
            return self.reseed()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Serve one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == INFO_PATH:
            return _json(start_response, "200 OK", self.info)
        if path in (RESET_PATH, MOTO_RESET_PATH):
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "POST to reset"})
            images = self.reset()
            return _json(start_response, "200 OK", {"reset": True, "images": images})
        action = _action_of(environ)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None  # moto's apps return their body; they never write()

        with self.lock.reading():
            # Materialise the body while holding the lock, so a reset cannot interleave.
            try:
                result = self.moto_app(environ, capture)
            except NotImplementedError:
                # moto raises this (through Flask) for an action it lacks: left alone, the
                # HTTP server answers an HTML 500 that botocore cannot parse, and retries.
                return _unsupported(start_response, action, json_protocol=_json_protocol(environ))
            try:
                body = list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        if str(captured.get("status", "")).startswith("500"):
            return _unsupported(start_response, action, json_protocol=_json_protocol(environ))
        start_response(captured["status"], captured["headers"])
        return body


def _json(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> list[bytes]:
    """A small JSON response."""
    data = json.dumps(body).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    start_response(status, headers)
    return [data]


def _action_of(environ: dict[str, Any]) -> str:
    """The AWS action a request asks for (JSON protocol target, or the query's ``Action``)."""
    import io
    from urllib.parse import parse_qs

    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return str(target).rsplit(".", 1)[-1]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not length:
        return "this action"
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)  # moto reads it again
    form = parse_qs(raw.decode("utf-8", errors="replace"))
    return form.get("Action", ["this action"])[0]


def _json_protocol(environ: dict[str, Any]) -> bool:
    """Is this a JSON-protocol request (SSM, STS's JSON cousins) rather than EC2's query protocol?"""
    return bool(environ.get("HTTP_X_AMZ_TARGET"))


def _unsupported(
    start_response: Callable[..., Any], action: str, *, json_protocol: bool
) -> list[bytes]:
    """An AWS-shaped 400 ``UnsupportedOperation`` for an action moto cannot simulate.

    moto answers those with an HTML 500, which botocore cannot parse and retries; a real AWS
    error lets the client say clearly that the sandbox lacks the feature.
    """
    from xml.sax.saxutils import escape

    message = (
        f"The sandbox does not simulate {action} (moto lacks it); it works on a real AWS account"
    )
    if json_protocol:
        data = json.dumps({"__type": "UnsupportedOperation", "message": message}).encode()
        content_type = "application/x-amz-json-1.1"
    else:
        data = (
            '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
            f"<Code>UnsupportedOperation</Code><Message>{escape(message)}</Message>"
            "</Error></Errors><RequestID>cws-sandbox</RequestID></Response>"
        ).encode()
        content_type = "text/xml"
    start_response(
        "400 Bad Request", [("Content-Type", content_type), ("Content-Length", str(len(data)))]
    )
    return [data]
