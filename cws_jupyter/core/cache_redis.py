"""The lookup cache shared by many users' Jupyter servers (one JupyterHub): Redis, one key per
entry, expiring by itself.

``CWS_CACHE_URL=redis://host:6379/0`` selects it. Which images an entry mentions is kept in a set
per image, so forgetting an image (it was deleted, deprecated, copied) drops exactly the entries
that name it. A Redis that does not answer costs one warning and then only speed: the resolver
asks AWS instead, and Redis is tried again after a short pause.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import redis

#: Every key of the cache starts with this (several tools can share one Redis).
PREFIX = "cws:lookup:"
#: Sets naming the entries that mention an image: ``PREFIX + "image:" + ami_id``.
IMAGE_SETS = PREFIX + "image:"
#: A cache is only a cache: wait briefly, then go without it.
TIMEOUT_S = 0.5
#: After Redis failed, how long to go without it before trying again (seconds).
PAUSE_AFTER_FAILURE_S = 30.0
IMAGE_ID_RE = re.compile(r"\bami-[0-9a-f]{8,17}\b")
GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")

log = logging.getLogger(__name__)


def redacted(url: str) -> str:
    """The URL without its password (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class RedisCache:
    """``LookupCache`` on Redis; every failure is a miss (warned once), never an error."""

    def __init__(self, client: redis.Redis, label: str = "redis") -> None:
        self.client = client
        self.label = label
        self._down_until = 0.0
        self._warned = False
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> RedisCache:
        """A cache on the Redis at ``url`` (the connection is made on first use)."""
        import redis

        client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        return cls(client, redacted(url))

    # -- LookupCache --------------------------------------------------------------------
    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent, expired, unreadable or Redis is away."""
        raw = self._run(lambda r: r.get(PREFIX + key))
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds, and note which images it mentions."""
        text = json.dumps(value, separators=(",", ":"))
        seconds = max(1, int(ttl))
        images = set(IMAGE_ID_RE.findall(text))

        def store(r: redis.Redis) -> None:
            with r.pipeline(transaction=False) as pipe:
                pipe.set(PREFIX + key, text, ex=seconds)
                for ami_id in images:
                    pipe.sadd(IMAGE_SETS + ami_id, key)
                    # The set outlives no entry it names by much: refreshed by every write.
                    pipe.expire(IMAGE_SETS + ami_id, seconds, gt=True)
                    pipe.expire(IMAGE_SETS + ami_id, seconds, nx=True)
                pipe.execute()

        self._run(store)

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``; how many were dropped."""

        def evict(r: redis.Redis) -> int:
            keys = [k.decode() for k in r.smembers(IMAGE_SETS + ami_id)]
            if not keys:
                return 0
            dropped = int(r.delete(*(PREFIX + k for k in keys)))
            r.delete(IMAGE_SETS + ami_id)
            return dropped

        return self._run(evict) or 0

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix`` (everything by default)."""
        pattern = PREFIX + GLOB_SPECIAL.sub(r"\\\1", prefix) + "*"

        def clear(r: redis.Redis) -> None:
            batch: list[bytes] = []
            for name in r.scan_iter(match=pattern, count=500):
                if name.startswith(IMAGE_SETS.encode()) and not prefix.startswith("image:"):
                    continue
                batch.append(name)
                if len(batch) >= 500:
                    r.delete(*batch)
                    batch.clear()
            if batch:
                r.delete(*batch)

        self._run(clear)

    # -- plumbing -----------------------------------------------------------------------
    def _run(self, action: Any) -> Any:
        if time.monotonic() < self._down_until:
            return None
        import redis

        try:
            return action(self.client)
        except redis.RedisError as exc:
            with self._lock:
                self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE_S
                if not self._warned:
                    self._warned = True
                    log.warning(
                        "warning: the shared lookup cache at %s is not answering (%s); going "
                        "on without it (check CWS_CACHE_URL)",
                        self.label,
                        str(exc)[:160],
                    )
            return None
