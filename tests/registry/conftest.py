"""Fixtures: every API test runs on DuckDB (a temporary file) and on PostgreSQL (a schema of its
own, dropped after), with Redis on (a key prefix of its own) or off, through a real HTTP server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from registry_support import (
    GOOD_ACCOUNT,
    PG_BASE,
    REDIS_URL,
    Api,
    FakeVerifier,
    LiveServer,
    pg_admin,
    schema_url,
    unique,
)

from cws_jupyter.core.registry import CommunityRegistry, TokenCreated

#: DuckDB alone (its in-process cache), PostgreSQL with Redis; ``test_registry_cache`` adds the
#: other pairings.
BACKENDS = ("duckdb", "postgres+redis")


def _service_missing(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable ({exc}); the registry tests need it"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    """The test database answers, and has pg_trgm in ``public`` (made once, before any schema)."""
    try:
        import psycopg

        with psycopg.connect(PG_BASE, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT pg_advisory_lock(42424242)")
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            finally:
                conn.execute("SELECT pg_advisory_unlock(42424242)")
    except Exception as exc:  # noqa: BLE001
        _service_missing(f"PostgreSQL at {PG_BASE}", exc)
    return PG_BASE


@pytest.fixture(scope="session")
def redis_ready() -> str:
    """Redis answers."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        _service_missing(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL


@pytest.fixture
def pg_url(postgres_ready: str) -> Iterator[str]:
    """A PostgreSQL URL of a fresh schema, dropped after the test."""
    schema = unique("cwsreg")
    pg_admin(f'CREATE SCHEMA "{schema}"')
    yield schema_url(schema)
    pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def redis_prefix(redis_ready: str) -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are deleted after."""
    import redis

    prefix = unique("cwsreg") + ":"
    yield prefix
    client = redis.Redis.from_url(redis_ready)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def db_url_for(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], str]:
    """``db_url_for(kind)``: a fresh database URL of that kind for this test."""

    def make(kind: str) -> str:
        if kind == "duckdb":
            return f"duckdb://{tmp_path / unique('registry')}.duckdb"
        return request.getfixturevalue("pg_url")

    return make


@pytest.fixture
def verifier() -> FakeVerifier:
    """The fake image checker (verified for GOOD_ACCOUNT only)."""
    return FakeVerifier()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn."""
    return str(request.param)


@pytest.fixture
def open_registry(
    backend: str, db_url_for: Callable[[str], str], request: pytest.FixtureRequest
) -> Iterator[Callable[..., CommunityRegistry]]:
    """``open_registry(**kwargs)``: a registry on this test's backend (closed after)."""
    opened: list[CommunityRegistry] = []
    kind = "duckdb" if backend.startswith("duckdb") else "postgres"
    url = db_url_for(kind)
    cache = None
    prefix = "unused:"
    if backend.endswith("+redis"):
        cache = request.getfixturevalue("redis_ready")
        prefix = request.getfixturevalue("redis_prefix")

    def make(**kwargs: Any) -> CommunityRegistry:
        kwargs.setdefault("cache_prefix", prefix)
        registry = CommunityRegistry.open(url, cache, **kwargs)
        opened.append(registry)
        return registry

    make.url = url  # type: ignore[attr-defined]
    make.cache = cache  # type: ignore[attr-defined]
    make.prefix = prefix  # type: ignore[attr-defined]
    yield make
    for registry in opened:
        registry.close()


@pytest.fixture
def registry(
    open_registry: Callable[..., CommunityRegistry], verifier: FakeVerifier
) -> CommunityRegistry:
    """A registry on this test's backend, with the fake verifier."""
    return open_registry(verifier=verifier)


@pytest.fixture
def server(registry: CommunityRegistry) -> Iterator[LiveServer]:
    """The registry's HTTP server in this process."""
    with LiveServer(registry) as live:
        yield live


@pytest.fixture
def api(server: LiveServer) -> Api:
    """A client of the server."""
    return Api(server.url)


class Users:
    """Tokens of the test's users: ``alice`` (bound to GOOD_ACCOUNT), ``bob``, ``carol``..."""

    def __init__(self, registry: CommunityRegistry) -> None:
        self.registry = registry
        self._made: dict[str, TokenCreated] = {}

    def token(self, name: str, account: str | None = None) -> str:
        """The token of ``name`` (made on first use)."""
        if name not in self._made:
            if name == "alice" and account is None:
                account = GOOD_ACCOUNT
            self._made[name] = self.registry.create_token(name, account)
        return self._made[name].token

    def __getitem__(self, name: str) -> str:
        return self.token(name)


@pytest.fixture
def users(registry: CommunityRegistry) -> Users:
    """Tokens of the test's users."""
    return Users(registry)
