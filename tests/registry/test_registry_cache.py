"""The read caches: hits after a first read, abandoned on every write, harmless when Redis fails;
with the catalog (the default) answers are kept per catalog version, without it in Redis (with
an in-process copy checked against Redis's generation) or in the one DuckDB process."""

from __future__ import annotations

import time

import pytest
from registry_support import GOOD_ACCOUNT, submission

from cws_jupyter.core.registry import CommunityRegistry
from cws_jupyter.core.registry.cache import MemoryCache, NoCache, RedisCache, redis_client
from cws_jupyter.core.registry.catalog import CatalogCache


@pytest.fixture(params=["duckdb", "duckdb+redis", "postgres", "postgres+redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Every pairing of database and cache."""
    return str(request.param)


@pytest.mark.parametrize("catalog", [True, False], ids=["catalog", "sql"])
def test_reads_are_cached_and_writes_invalidate(
    open_registry, verifier, backend: str, catalog: bool
) -> None:
    registry = open_registry(verifier=verifier, catalog=catalog)
    expected = (
        CatalogCache
        if catalog
        else {"duckdb": MemoryCache, "postgres": NoCache}.get(backend, RedisCache)
    )
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
    for catalog in (True, False):
        registry = CommunityRegistry.open(
            db_url_for("duckdb"),
            "redis://127.0.0.1:1/0",
            cache_prefix=redis_prefix,
            catalog=catalog,
        )
        try:
            registry.create_token("alice", GOOD_ACCOUNT)
            registry.submit("alice", submission(1))  # invalidation fails quietly
            assert registry.browse().total == 1
            assert registry.browse().total == 1
            health = registry.health()
            assert health["ok"] is False and health["redis"]["ok"] is False
            assert health["database"]["ok"] is True
            # the write limit falls back to counting in this process
            who = registry.authenticate(registry.create_token("bob").token)
            registry.admit_write(who)
        finally:
            registry.close()


def _caches(url: str, prefix: str, staleness: float) -> tuple[RedisCache, RedisCache]:
    """Two processes' caches on one Redis prefix."""
    return (
        RedisCache(redis_client(url), prefix, url=url, max_staleness=staleness),
        RedisCache(redis_client(url), prefix, url=url, max_staleness=staleness),
    )


@pytest.mark.parametrize("staleness", [3600, 0.2])
def test_the_local_copy_is_at_most_max_staleness_behind_another_process(
    redis_ready: str, redis_prefix: str, staleness: float
) -> None:
    one, two = _caches(redis_ready, redis_prefix, staleness)
    stamp, found = two.lookup("page")
    assert found is None
    two.store(stamp, "page", b"old")
    if staleness > 1:
        assert two.lookup("page")[1] == b"old"  # from the local copy
    one.invalidate()  # a write through the other process
    if staleness > 1:  # within the bound the local copy may still answer
        assert two.lookup("page")[1] == b"old"
    else:  # past it the new generation is seen, and the copy is gone
        time.sleep(staleness * 1.5)
        assert two.lookup("page")[1] is None


def test_own_writes_drop_the_local_copy_at_once(redis_ready: str, redis_prefix: str) -> None:
    one, _ = _caches(redis_ready, redis_prefix, staleness=3600)
    stamp, _ = one.lookup("page")
    one.store(stamp, "page", b"old")
    assert one.lookup("page")[1] == b"old"
    one.invalidate()
    assert one.lookup("page")[1] is None


def test_zero_staleness_checks_the_generation_on_every_lookup(
    redis_ready: str, redis_prefix: str
) -> None:
    one, two = _caches(redis_ready, redis_prefix, staleness=0)
    stamp, _ = two.lookup("page")
    two.store(stamp, "page", b"old")
    assert two.lookup("page")[1] == b"old"
    one.invalidate()
    assert two.lookup("page")[1] is None


def test_an_answer_computed_before_a_write_is_not_kept_after_it(
    redis_ready: str, redis_prefix: str
) -> None:
    one, _ = _caches(redis_ready, redis_prefix, staleness=3600)
    stamp, _ = one.lookup("page")
    one.invalidate()  # a write lands while the answer is being computed
    one.store(stamp, "page", b"computed before the write")
    assert one.lookup("page")[1] is None


def test_a_catalog_answer_computed_across_a_write_is_not_kept(open_registry, verifier) -> None:
    registry = open_registry(verifier=verifier)
    assert isinstance(registry.cache, CatalogCache)
    stamp, _ = registry.cache.lookup("page")
    registry.cache.invalidate()  # a write of this process lands while the answer is computed
    registry.cache.store(stamp, "page", b"computed before the write")
    assert registry.cache.lookup("page")[1] is None
    stamp, _ = registry.cache.lookup("page")
    registry.cache.store(stamp, "page", b"computed after it")
    assert registry.cache.lookup("page")[1] == b"computed after it"
