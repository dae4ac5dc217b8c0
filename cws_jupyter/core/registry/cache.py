"""Caches of hot reads (browse pages, details), invalidated on every write.

Keys carry a generation number; a write bumps the generation, so every cached answer is
abandoned at once. With Redis the generation lives in Redis, so a write through one registry
process invalidates the answers cached by all of them: a look-up that misses locally reads the
generation and the entry in one round trip (a small Lua script), and each process keeps the
answers it used in memory too, checking the generation at most every ``max_staleness`` seconds
(see ``RedisCache``). Without Redis, an embedded DuckDB registry (one process owns the file)
keeps an in-process cache; a PostgreSQL registry without Redis caches nothing, since other
processes' writes could not invalidate it.

A cache that fails (Redis down) is a miss, never an error: answers come from the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

from .limits import CACHE_TTL_SECONDS, MAX_STALENESS_SECONDS

log = logging.getLogger("cws_registry")

#: Read the generation and the entry of that generation in one round trip.
_LOOKUP = """
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2])}
"""


class ReadCache(Protocol):
    """Cached answers by key; ``lookup`` gives a stamp that ``store`` must be given back."""

    name: str

    def lookup(self, key: str) -> tuple[Any, bytes | None]: ...
    async def alookup(self, key: str) -> tuple[Any, bytes | None]: ...
    def store(self, stamp: Any, key: str, value: bytes) -> None: ...
    def invalidate(self) -> None: ...
    def ping(self) -> None: ...
    def close(self) -> None: ...
    async def aclose(self) -> None: ...


class _LocalAsync:
    """``alookup`` and ``aclose`` of a cache that never waits (in-process, or nothing)."""

    def lookup(self, key: str) -> tuple[Any, bytes | None]:
        raise NotImplementedError

    async def alookup(self, key: str) -> tuple[Any, bytes | None]:
        """As ``lookup``: it takes microseconds, so it runs on the event loop."""
        return self.lookup(key)

    async def aclose(self) -> None:
        """Nothing to close on the event loop."""


class NoCache(_LocalAsync):
    """Caches nothing."""

    name = "none"

    def lookup(self, key: str) -> tuple[Any, bytes | None]:
        """Always a miss."""
        return None, None

    def store(self, stamp: Any, key: str, value: bytes) -> None:
        """Keeps nothing."""

    def invalidate(self) -> None:
        """Nothing to drop."""

    def ping(self) -> None:
        """Always fine."""

    def close(self) -> None:
        """Nothing to close."""


class Lru:
    """A bounded, thread-safe map of answers, oldest use dropped first, each for ``ttl`` s."""

    def __init__(self, max_entries: int, ttl: float) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """The entry, or None (absent or expired)."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: str, value: bytes) -> None:
        """Keep ``value`` (dropping the least recently used entry when full)."""
        with self._lock:
            self._entries[key] = (time.monotonic() + self._ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()


class MemoryCache(_LocalAsync):
    """A bounded in-process LRU of answers with a TTL (for a single-process registry)."""

    name = "memory"

    def __init__(self, max_entries: int = 4096, ttl: float = CACHE_TTL_SECONDS) -> None:
        self._entries = Lru(max_entries, ttl)
        self._generation = 0
        self._lock = threading.Lock()

    def lookup(self, key: str) -> tuple[Any, bytes | None]:
        """(generation, the entry or None)."""
        with self._lock:
            return self._generation, self._entries.get(key)

    def store(self, stamp: Any, key: str, value: bytes) -> None:
        """Keep ``value`` unless a write happened since ``stamp`` was read."""
        with self._lock:
            if stamp == self._generation:
                self._entries.put(key, value)

    def invalidate(self) -> None:
        """Drop everything."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def ping(self) -> None:
        """Always fine."""

    def close(self) -> None:
        """Drop everything."""
        self.invalidate()


class RedisCache:
    """Answers in Redis under ``{prefix}c:{generation}:{key}``, shared by every process, with an
    in-process copy of the answers this process used in front.

    A local hit costs a dictionary look-up instead of a Redis round trip (what bounded a
    PostgreSQL registry's cached reads). Local entries belong to the generation this process
    last saw; it reads the generation again when that sight is older than ``max_staleness``
    seconds (and on every local miss, which asks Redis anyway), and a new generation drops every
    local entry. So an answer is at most ``max_staleness`` behind a write made through another
    process, and this process's own writes (which bump the generation here) show at once.
    ``max_staleness=0`` reads the generation on every look-up.
    """

    name = "redis"

    def __init__(
        self,
        client: Any,
        prefix: str,
        ttl: int = CACHE_TTL_SECONDS,
        url: str | None = None,
        max_staleness: float = MAX_STALENESS_SECONDS,
        local_entries: int = 4096,
    ) -> None:
        self._client = client
        self._url = url
        #: An asyncio client per event loop (redis.asyncio connections belong to one loop).
        self._async: dict[int, tuple[Any, Any]] = {}
        self._prefix = prefix
        self._gen_key = f"{prefix}generation"
        self._ttl = ttl
        self._lookup = client.register_script(_LOOKUP)
        self._warned = 0.0
        self._local = Lru(local_entries, ttl)
        self._max_staleness = max_staleness
        self._seen: bytes | None = None  # the generation the local entries belong to
        self._seen_at = 0.0
        self._seen_lock = threading.Lock()

    def _failed(self, doing: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned > 30:  # one line per 30 s, not one per request
            self._warned = now
            log.warning("redis cache %s failed (answering from the database): %s", doing, exc)

    # -- the local copy -------------------------------------------------------------------
    def _recent(self) -> bytes | None:
        """The generation seen within ``max_staleness`` (None: look again)."""
        with self._seen_lock:
            if self._seen is not None and time.monotonic() - self._seen_at < self._max_staleness:
                return self._seen
            return None

    def _saw(self, generation: Any) -> bytes:
        """Note a generation just read from Redis; a newer one drops the local entries. An
        older one (a read that raced with a write) changes nothing: generations only grow."""
        gen = _as_bytes(generation)
        with self._seen_lock:
            if self._seen is None or int(gen) > int(self._seen):
                self._local.clear()
                self._seen = gen
            if gen == self._seen:
                self._seen_at = time.monotonic()
        return gen

    def _forget(self) -> None:
        """Redis failed: nothing local can be vouched for."""
        with self._seen_lock:
            self._seen = None
            self._local.clear()

    def _local_hit(self, gen: bytes, key: str) -> tuple[Any, bytes | None]:
        with self._seen_lock:
            current = gen == self._seen
        found = self._local.get(key) if current else None
        return (gen, found) if found is not None else (None, None)

    def _remember(self, gen: bytes, key: str, value: bytes | None) -> None:
        if value is not None:
            with self._seen_lock:
                if gen == self._seen:
                    self._local.put(key, value)

    # -- look-ups ---------------------------------------------------------------------------
    def lookup(self, key: str) -> tuple[Any, bytes | None]:
        """(generation, the entry or None); a Redis failure is a miss that stores nothing."""
        try:
            gen = self._recent() or self._saw(self._client.get(self._gen_key))
            stamp, found = self._local_hit(gen, key)
            if found is not None:
                return stamp, found
            gen, value = self._lookup(keys=[self._gen_key], args=[f"{self._prefix}c:", key])
        except Exception as exc:  # noqa: BLE001 - redis-py raises many kinds; all mean "miss"
            self._failed("read", exc)
            self._forget()
            return None, None
        gen = self._saw(gen)
        self._remember(gen, key, value)
        return gen, value

    async def alookup(self, key: str) -> tuple[Any, bytes | None]:
        """``lookup`` through an asyncio client (the event loop is not held up meanwhile); a
        local hit within ``max_staleness`` asks Redis nothing."""
        import asyncio

        gen = self._recent()
        if gen is not None:
            stamp, found = self._local_hit(gen, key)
            if found is not None:
                return stamp, found
        if self._url is None:
            return self.lookup(key)
        loop_id = id(asyncio.get_running_loop())
        pair = self._async.get(loop_id)
        if pair is None:
            import redis.asyncio

            client = redis.asyncio.Redis.from_url(
                self._url, socket_timeout=1.0, socket_connect_timeout=1.0
            )
            pair = self._async[loop_id] = (client, client.register_script(_LOOKUP))
        try:
            if gen is None:
                gen = self._saw(await pair[0].get(self._gen_key))
                stamp, found = self._local_hit(gen, key)
                if found is not None:
                    return stamp, found
            gen, value = await pair[1](keys=[self._gen_key], args=[f"{self._prefix}c:", key])
        except Exception as exc:  # noqa: BLE001 - any failure is a miss
            self._failed("read", exc)
            self._forget()
            return None, None
        gen = self._saw(gen)
        self._remember(gen, key, value)
        return gen, value

    async def aclose(self) -> None:
        """Close the asyncio client of the running loop."""
        import asyncio

        pair = self._async.pop(id(asyncio.get_running_loop()), None)
        if pair is not None:
            await pair[0].aclose()

    def store(self, stamp: Any, key: str, value: bytes) -> None:
        """Keep ``value`` under the generation it was read at (a later write makes it unreachable)."""
        if stamp is None:
            return
        gen = _as_bytes(stamp)
        self._remember(gen, key, value)
        try:
            self._client.set(f"{self._prefix}c:{gen.decode()}:{key}", value, ex=self._ttl)
        except Exception as exc:  # noqa: BLE001
            self._failed("write", exc)

    def invalidate(self) -> None:
        """Bump the shared generation: every process's cached answers are abandoned (this
        process's local copies at once, the others' within ``max_staleness``)."""
        try:
            self._saw(self._client.incr(self._gen_key))
        except Exception as exc:  # noqa: BLE001
            self._failed("invalidation", exc)
            self._forget()

    def ping(self) -> None:
        """Raise if Redis does not answer."""
        self._client.ping()

    def close(self) -> None:
        """Drop the local copies (the client belongs to the registry, which closes it)."""
        self._local.clear()


def _as_bytes(generation: Any) -> bytes:
    """A generation as Redis spells it (absent is ``0``)."""
    if generation is None:
        return b"0"
    if isinstance(generation, bytes):
        return generation
    return str(generation).encode()


def redis_client(url: str) -> Any:
    """A redis-py client for ``url`` with short timeouts (a slow cache must not slow answers)."""
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=1.0, socket_connect_timeout=1.0, health_check_interval=30
    )
