"""The lookup cache on Redis (CWS_CACHE_URL): the cache protocol, eviction by image, prefixes,
a Redis that is away, and lookups shared between two users' services (one JupyterHub)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from community_helpers import fresh

from cws_jupyter.core import cache_redis
from cws_jupyter.core.cache import LayeredCache
from cws_jupyter.core.cache_redis import RedisCache
from cws_jupyter.core.service import CwsService

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")


@pytest.fixture
def prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A key prefix of this test's own (so parallel tests never see each other's keys)."""
    redis_or_skip()
    own = f"cws:test:{uuid.uuid4().hex[:8]}:"
    monkeypatch.setattr(cache_redis, "PREFIX", own)
    monkeypatch.setattr(cache_redis, "IMAGE_SETS", own + "image:")
    yield own
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    names = list(client.scan_iter(match=own + "*"))
    if names:
        client.delete(*names)


def test_set_get_and_expiry(prefix: str) -> None:
    cache = RedisCache.from_url(REDIS_URL)
    cache.set("sandbox@x|eu-west-1|search|q", {"images": [["ami-0123456789abcdef0"]]}, ttl=60)
    assert cache.get("sandbox@x|eu-west-1|search|q") == {"images": [["ami-0123456789abcdef0"]]}
    assert cache.get("never-set") is None
    ttl = cache.client.ttl(prefix + "sandbox@x|eu-west-1|search|q")
    assert 0 < ttl <= 60


def test_evict_image_drops_exactly_the_entries_naming_it(prefix: str) -> None:
    cache = RedisCache.from_url(REDIS_URL)
    cache.set("a", {"ids": ["ami-0000000000000000a"]}, ttl=60)
    cache.set("b", {"ids": ["ami-0000000000000000a", "ami-0000000000000000b"]}, ttl=60)
    cache.set("c", {"ids": ["ami-0000000000000000b"]}, ttl=60)
    assert cache.evict_image("ami-0000000000000000a") == 2
    assert cache.get("a") is None and cache.get("b") is None
    assert cache.get("c") == {"ids": ["ami-0000000000000000b"]}
    assert cache.evict_image("ami-0000000000000000a") == 0


def test_clear_by_prefix_treats_glob_characters_literally(prefix: str) -> None:
    cache = RedisCache.from_url(REDIS_URL)
    cache.set("sandbox@http://h:1|x", 1, ttl=60)
    cache.set("sandbox@http://h:1*|y", 2, ttl=60)
    cache.set("aws:default|z", 3, ttl=60)
    cache.clear("sandbox@http://h:1*")
    assert cache.get("sandbox@http://h:1|x") == 1  # `*` is not a wildcard
    assert cache.get("sandbox@http://h:1*|y") is None
    cache.clear("sandbox@")
    assert cache.get("sandbox@http://h:1|x") is None and cache.get("aws:default|z") == 3
    cache.clear()
    assert cache.get("aws:default|z") is None


def test_redis_away_is_a_miss_with_one_warning(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache = RedisCache.from_url("redis://127.0.0.1:9/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="cws_jupyter.core.cache_redis"):
        cache.set("k", 1, ttl=60)
        assert cache.get("k") is None
        assert cache.evict_image("ami-0000000000000000a") == 0
        cache.clear()
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "CWS_CACHE_URL" in warnings[0] and "127.0.0.1:9" in warnings[0]


def test_password_is_kept_out_of_messages() -> None:
    assert cache_redis.redacted("redis://cws:s3cret@cache:6379/0") == "redis://cws:***@cache:6379/0"


def test_two_users_servers_share_lookups(prefix: str, service: CwsService) -> None:
    # One user's service resolves (asking AWS); another's, with its own disk cache folder and
    # nothing in memory, answers the same question from Redis without asking AWS.
    first = fresh(service, cache_url=REDIS_URL)
    assert isinstance(first.lookup_cache, LayeredCache)
    assert isinstance(first.lookup_cache.layers[1], RedisCache)
    answer = first.resolve("ubuntu-24-server", region="us-east-2")
    assert answer.aws_calls > 0
    other_folder = service.settings.cache_dir.parent / f"other-cache-{uuid.uuid4().hex[:6]}"
    second = fresh(service, cache_url=REDIS_URL, cache_dir=other_folder)
    again = second.resolve("ubuntu-24-server", region="us-east-2")
    assert again.aws_calls == 0 and again.ami_id == answer.ami_id
    assert not (other_folder / "lookups-v1.sqlite3").exists()  # nothing went to disk


def test_bad_cache_url_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from cws_jupyter.core.config import Settings
    from cws_jupyter.core.errors import BadInput

    monkeypatch.setenv("CWS_CACHE_URL", "memcached://cache:11211")
    with pytest.raises(BadInput) as caught:
        Settings.from_env()
    assert caught.value.field == "cache_url" and "CWS_CACHE_URL" in caught.value.message
