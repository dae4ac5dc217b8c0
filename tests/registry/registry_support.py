"""Helpers of the registry tests: databases per test (a DuckDB file, or a PostgreSQL schema of
its own), Redis key prefixes per test, and a registry server running in a thread."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from cws_jupyter.core.registry import CommunityRegistry, Verification
from cws_jupyter.registry_server.app import make_context, make_server

PG_BASE = os.environ.get("CWS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CWS_TEST_REDIS", "redis://127.0.0.1:6379/15")
#: The AWS account the fake verifier accepts.
GOOD_ACCOUNT = "123456789012"


def unique(prefix: str) -> str:
    """A name no other test or xdist worker uses."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"


def schema_url(schema: str) -> str:
    """The PostgreSQL URL whose connections use ``schema`` (then public, for pg_trgm)."""
    sep = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{sep}options={quote(f'-csearch_path={schema},public')}"


def pg_admin(statement: str) -> None:
    """Run one administrative statement (autocommit) on the test database."""
    import psycopg

    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(statement)


class FakeVerifier:
    """Verified when the bound account is ``GOOD_ACCOUNT``; records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str | None, dict[str, str]]] = []

    def verify(self, account_id: str | None, images: Mapping[str, str]) -> Verification:
        """Accept GOOD_ACCOUNT's images."""
        self.calls.append((account_id, dict(images)))
        if account_id == GOOD_ACCOUNT:
            return Verification(verified=True, note=f"verified: owned by account {account_id}")
        return Verification(verified=False, note=f"not verified: account {account_id!r}")


class LiveServer:
    """The registry's tornado server in a thread of this process, on a free port."""

    def __init__(self, registry: CommunityRegistry, threads: int = 8) -> None:
        self.registry = registry
        self.ctx = make_context(registry, threads)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        from tornado.netutil import bind_sockets

        server = make_server(self.ctx)
        sockets = bind_sockets(0, "127.0.0.1")
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        server.stop()
        await server.close_all_connections()
        await self.registry.cache.aclose()

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the registry server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self.ctx.executor.shutdown(wait=True)


class Api:
    """A small HTTP client of one registry server (a requests session per instance)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, **params: Any) -> requests.Response:
        """GET ``path`` with query parameters."""
        return self.http.get(self.base + path, params=params, timeout=30)

    def post(
        self,
        path: str,
        body: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """POST JSON (or ``raw`` bytes) with an optional bearer token."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if raw is not None:
            return self.http.post(self.base + path, data=raw, headers=sent, timeout=30)
        return self.http.post(self.base + path, json=body, headers=sent, timeout=30)

    def fork(self) -> Api:
        """Another client of the same server (sessions are not shared across threads)."""
        return Api(self.base)


def submission(
    n: int = 0, template: str = "python-ml", category: str | None = "machine-learning", **extra: Any
) -> dict[str, Any]:
    """A valid submission body with images unique to ``n``."""
    body: dict[str, Any] = {
        "template": template,
        "name": f"Image {n}",
        "description": f"test image number {n}",
        "version": "1.0",
        "regions": {
            "us-east-1": f"ami-{n:08x}0000000a",
            "eu-west-1": f"ami-{n:08x}0000000b",
        },
    }
    if category is not None:
        body["category"] = category
    body.update(extra)
    return body
