"""Cached reads, planned first: the request is validated and its cache key made up front, so a
front door can look the answer up (``alookup`` does not block an event loop) and only run the
query, in a worker thread, on a miss."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .cache import ReadCache

#: The JSON answer of a read that found nothing (``find_best_ami`` with no image).
NOTHING = b"null"
#: What a quick query answers when it cannot answer without waiting (use ``compute``).
LATER = object()


class Counters:
    """Cache hits and misses of one registry (for /metrics)."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def count(self, hit: bool) -> None:
        """Count one look-up."""
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1


def cache_key(kind: str, params: Any) -> str:
    """A short key for a read of ``kind`` with ``params`` (any JSON-able value)."""
    raw = json.dumps([kind, params], sort_keys=True, default=str)
    return f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


class PlannedRead:
    """One validated read: its cache key and the query computing its answer (JSON bytes).

    Use once: ``answer()`` (blocking), or ``await alookup()`` then, on a miss,
    ``quick_answer()`` and failing that ``compute()`` in a worker thread. The answer computed is
    cached under the generation seen at look-up, so a write in between leaves it unreachable
    rather than stale.
    """

    def __init__(
        self,
        cache: ReadCache,
        counters: Counters,
        key: str,
        query: Callable[[], BaseModel | bytes | None],
        quick: Callable[[], Any] | None = None,
    ) -> None:
        self.cache = cache
        self.counters = counters
        self.key = key
        self._query = query
        self._quick = quick
        self._stamp: Any = None

    def lookup(self) -> bytes | None:
        """The cached answer, or None (blocking: Redis is a network round trip)."""
        self._stamp, found = self.cache.lookup(self.key)
        self.counters.count(found is not None)
        return found

    async def alookup(self) -> bytes | None:
        """The cached answer, or None, without blocking the event loop."""
        self._stamp, found = await self.cache.alookup(self.key)
        self.counters.count(found is not None)
        return found

    def compute(self) -> bytes:
        """Run the query (blocking) and cache its answer."""
        return self._keep(self._query())

    def quick_answer(self) -> bytes | None:
        """The answer, when it can be computed on the spot from memory without waiting for
        anything (safe on an event loop); None otherwise (then ``compute`` in a thread)."""
        result = LATER if self._quick is None else self._quick()
        return None if result is LATER else self._keep(result)

    def _keep(self, result: BaseModel | bytes | None) -> bytes:
        if isinstance(result, bytes):  # an answer already serialized (the catalog's pages)
            answer = result
        else:
            answer = NOTHING if result is None else result.model_dump_json().encode()
        self.cache.store(self._stamp, self.key, answer)
        return answer

    def store(self, answer: bytes) -> None:
        """Cache an answer computed elsewhere (under the generation seen at look-up)."""
        self.cache.store(self._stamp, self.key, answer)

    def answer(self) -> bytes:
        """The cached answer, else the query's (blocking)."""
        found = self.lookup()
        return found if found is not None else self.compute()
