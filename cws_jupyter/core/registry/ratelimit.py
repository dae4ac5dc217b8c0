"""The per-token write limit: ``WRITES_PER_MINUTE`` writes per window, shared by every registry
process through Redis when one is configured, else counted in this process."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Any, Protocol

from .cache import log
from .limits import RATE_WINDOW_SECONDS, WRITES_PER_MINUTE


class RateLimiter(Protocol):
    """``hit(key)``: None when the write may go ahead, else seconds to wait."""

    limit: int

    def hit(self, key: str) -> int | None: ...


class MemoryRateLimiter:
    """A sliding window of write times per key, in this process."""

    def __init__(self, limit: int = WRITES_PER_MINUTE, window: float = RATE_WINDOW_SECONDS):
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        """Count a write by ``key`` unless it is over the limit (then: seconds to wait)."""
        now = time.monotonic()
        with self._lock:
            times = self._hits.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return max(1, math.ceil(times[0] + self.window - now))
            times.append(now)
            if len(self._hits) > 100_000:  # forget idle keys now and then
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - 60}
            return None


class RedisRateLimiter:
    """A fixed window counter per key in Redis (INCR + EXPIRE), shared by every process."""

    def __init__(
        self,
        client: Any,
        prefix: str,
        limit: int = WRITES_PER_MINUTE,
        window: int = RATE_WINDOW_SECONDS,
    ) -> None:
        self.limit = limit
        self.window = window
        self._client = client
        self._prefix = prefix
        self._fallback = MemoryRateLimiter(limit, window)

    def hit(self, key: str) -> int | None:
        """Count a write; over the limit, the seconds until the window ends."""
        now = time.time()
        window_start = int(now // self.window) * self.window
        name = f"{self._prefix}rate:{key}:{window_start}"
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, self.window + 5)
            count, _ = pipe.execute()
        except Exception as exc:  # noqa: BLE001 - Redis down: limit in this process instead
            log.warning("redis rate limit failed (counting in this process): %s", exc)
            return self._fallback.hit(key)
        if int(count) > self.limit:
            return max(1, math.ceil(window_start + self.window - now))
        return None
