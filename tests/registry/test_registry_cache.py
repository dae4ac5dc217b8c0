"""The read cache: hits after a first read, abandoned on every write, harmless when Redis fails."""

from __future__ import annotations

import pytest
from registry_support import GOOD_ACCOUNT, submission

from cws_jupyter.core.registry import CommunityRegistry
from cws_jupyter.core.registry.cache import MemoryCache, NoCache, RedisCache


@pytest.fixture(params=["duckdb", "duckdb+redis", "postgres", "postgres+redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Every pairing of database and cache."""
    return str(request.param)


def test_reads_are_cached_and_writes_invalidate(registry: CommunityRegistry, backend: str) -> None:
    expected = {"duckdb": MemoryCache, "postgres": NoCache}.get(backend, RedisCache)
    assert isinstance(registry.cache, expected)
    registry.create_token("alice", GOOD_ACCOUNT)
    record = registry.submit("alice", submission(1))
    assert registry.browse().total == 1
    hits = registry.cache_hits
    assert registry.browse().total == 1
    assert registry.details(record.ami_id).rating is None
    assert registry.details(record.ami_id).rating is None
    if expected is not NoCache:
        assert registry.cache_hits == hits + 2
    registry.rate("bob", record.ami_id, 4)
    assert registry.details(record.ami_id).rating == 4.0  # not the cached None
    registry.use(record.ami_id)
    assert registry.browse().items[0].download_count == 1
    registry.submit("alice", submission(2))
    assert registry.browse().total == 2


def test_a_failing_redis_is_a_miss_not_an_error(db_url_for, redis_prefix: str) -> None:
    registry = CommunityRegistry.open(
        db_url_for("duckdb"), "redis://127.0.0.1:1/0", cache_prefix=redis_prefix
    )
    try:
        registry.create_token("alice", GOOD_ACCOUNT)
        registry.submit("alice", submission(1))  # invalidation fails quietly
        assert registry.browse().total == 1
        health = registry.health()
        assert health["ok"] is False and health["cache"]["ok"] is False
        assert health["database"]["ok"] is True
        # the write limit falls back to counting in this process
        who = registry.authenticate(registry.create_token("bob").token)
        registry.admit_write(who)
    finally:
        registry.close()
