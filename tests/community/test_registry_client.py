"""The registry client as every front door uses it: the registry's errors become the core's,
with the registry's message and field; a registry that is away or not a registry is said so."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cws_jupyter.core.errors import BadInput, Conflict, NotFound
from cws_jupyter.core.registry.client import (
    CommunityRegistryClient,
    RegistryRefused,
    RegistryUnavailable,
)


@contextmanager
def registry_answering(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback server giving every request the same answer; yields its URL and the requests."""
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "auth": self.headers.get("Authorization"),
                    "body": self.rfile.read(length) if length else b"",
                }
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def error(code: str, message: str, field: str | None = None) -> bytes:
    return json.dumps({"error": code, "message": message, "field": field}).encode()


@pytest.mark.parametrize(
    "status, kind, code",
    [
        (400, BadInput, "bad_input"),
        (404, NotFound, "not_found"),
        (409, Conflict, "conflict"),
        (401, RegistryRefused, "unauthorized"),
        (403, RegistryRefused, "self_rating"),
    ],
)
def test_registry_errors_keep_their_message_and_field(
    status: int, kind: type[Exception], code: str
) -> None:
    with registry_answering(status, error(code, "rating: must be 1 to 5", "rating")) as (url, _):
        client = CommunityRegistryClient(url, token="t0ken")
        with pytest.raises(kind) as caught:
            client.rate("cami-0123456789abcdef", 5)
    assert caught.value.message.startswith("rating: must be 1 to 5")  # type: ignore[attr-defined]
    assert caught.value.field == "rating"  # type: ignore[attr-defined]
    assert caught.value.http_status == status  # type: ignore[attr-defined]


def test_too_many_writes_says_when_to_retry() -> None:
    body = error("rate_limited", "too many writes")
    with (
        registry_answering(429, body, {"Retry-After": "17"}) as (url, _),
        pytest.raises(RegistryRefused) as caught,
    ):
        CommunityRegistryClient(url, token="t").rate("cami-0123456789abcdef", 4)
    assert caught.value.http_status == 429 and caught.value.retry_after == "17"
    assert "17 s" in caught.value.message


def test_writes_send_the_token_and_reads_do_not_need_one() -> None:
    page = {"items": [], "page": 1, "per_page": 20, "total": 0}
    with registry_answering(200, json.dumps(page).encode()) as (url, seen):
        CommunityRegistryClient(url).browse(template="r-research", sort=None)
        assert seen[-1]["path"] == "/api/v1/community/amis?template=r-research"
        assert seen[-1]["auth"] is None
    with pytest.raises(RegistryRefused) as caught:
        CommunityRegistryClient("http://127.0.0.1:9").rate("cami-0123456789abcdef", 5)
    assert caught.value.field == "registry_token" and "CWS_REGISTRY_TOKEN" in caught.value.message


def test_ids_are_quoted_into_paths() -> None:
    with (
        registry_answering(404, error("not_found", "no such image")) as (url, seen),
        pytest.raises(NotFound),
    ):
        CommunityRegistryClient(url).details("../../health?x=1")
    assert seen[-1]["path"] == "/api/v1/community/amis/..%2F..%2Fhealth%3Fx%3D1"


@pytest.mark.parametrize("body", [b"<html>hello</html>", b"\xff\xfe", b"[1, 2"])
def test_an_answer_that_is_not_json_is_not_a_registry(body: bytes) -> None:
    with registry_answering(200, body) as (url, _), pytest.raises(RegistryUnavailable) as caught:
        CommunityRegistryClient(url).health()
    assert url in caught.value.message and "CWS_REGISTRY_URL" in caught.value.message


def test_an_oversized_answer_is_refused() -> None:
    with (
        registry_answering(200, b" " * (4 * 1024 * 1024 + 10)) as (url, _),
        pytest.raises(RegistryUnavailable) as caught,
    ):
        CommunityRegistryClient(url).health()
    assert "4 MB" in caught.value.message


def test_a_registry_that_is_away_is_asked_once_then_skipped_for_a_while() -> None:
    client = CommunityRegistryClient("http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(RegistryUnavailable) as first:
        client.best("r-research", "eu-west-1")
    assert "Connection refused" in first.value.message
    with pytest.raises(RegistryUnavailable) as second:  # no new attempt: the same message
        client.best("r-research", "eu-west-2")
    assert second.value.message == first.value.message


def test_best_none_is_a_404() -> None:
    with registry_answering(404, error("not_found", "none")) as (url, _):
        assert CommunityRegistryClient(url).best("r-research", "eu-west-1") is None


@pytest.mark.parametrize("url", ["ftp://registry", "registry:8948", "http://"])
def test_a_bad_registry_address_names_the_setting(url: str) -> None:
    with pytest.raises(BadInput) as caught:
        CommunityRegistryClient(url)
    assert caught.value.field == "registry_url"
