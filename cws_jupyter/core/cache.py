"""Cache of AWS lookups per (region, query): in memory, shared on disk (``cache_sqlite``), or both;
Redis could implement the same protocol."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Protocol


class LookupCache(Protocol):
    """What the resolver needs from a cache; values are JSON-serialisable."""

    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent or expired."""

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store a value for ``ttl`` seconds."""

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``; returns how many were dropped."""

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix`` (everything by default)."""


def mentions(value: Any, ami_id: str) -> bool:
    """True when a cached value refers to the given AMI id anywhere."""
    return ami_id in json.dumps(value)


class Entry:
    """One entry of the memory cache: its value, when it expires, and what a reader made of it.

    ``derived`` is the value converted by its reader (e.g. ``ImageCatalog``'s images), kept so a
    warm hit converts nothing; it goes with the entry (a new value, an eviction, expiry)."""

    __slots__ = ("derived", "expires", "value")

    def __init__(self, expires: float, value: Any) -> None:
        self.expires = expires
        self.value = value
        self.derived: Any = None


class MemoryCache:
    """A process-local cache with per-entry expiry."""

    def __init__(self, clock: Any = time.time) -> None:
        self._data: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def entry(self, key: str) -> Entry | None:
        """The live entry of ``key`` (its identity changes whenever the value does), or None."""
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry.expires < self._clock():
            with self._lock:
                if self._data.get(key) is entry:
                    del self._data[key]
            return None
        return entry

    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent or expired."""
        entry = self.entry(key)
        return None if entry is None else entry.value

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store a value for ``ttl`` seconds."""
        with self._lock:
            self._data[key] = Entry(self._clock() + ttl, value)

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``."""
        with self._lock:
            doomed = [k for k, e in self._data.items() if mentions(e.value, ami_id)]
            for key in doomed:
                del self._data[key]
        return len(doomed)

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix``."""
        with self._lock:
            for key in [k for k in self._data if k.startswith(prefix)]:
                del self._data[key]


class LayeredCache:
    """Memory in front of a shared cache (SQLite on disk today, Redis in a shared deployment)."""

    def __init__(self, *layers: LookupCache) -> None:
        self.layers = layers
        first = layers[0] if layers else None
        self._memory = first if isinstance(first, MemoryCache) else None

    def entry(self, key: str) -> Entry | None:
        """The memory layer's live entry of ``key`` (None without a memory layer in front)."""
        return self._memory.entry(key) if self._memory is not None else None

    def get(self, key: str) -> Any | None:
        """The first layer's hit, copied into the faster layers."""
        for depth, layer in enumerate(self.layers):
            value = layer.get(key)
            if value is not None:
                for faster in self.layers[:depth]:
                    faster.set(key, value, ttl=60)
                return value
        return None

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store in every layer."""
        for layer in self.layers:
            layer.set(key, value, ttl)

    def evict_image(self, ami_id: str) -> int:
        """Evict from every layer."""
        return sum(layer.evict_image(ami_id) for layer in self.layers)

    def clear(self, prefix: str = "") -> None:
        """Clear every layer."""
        for layer in self.layers:
            layer.clear(prefix)


class NullCache:
    """A cache that keeps nothing (``AMI_CACHE_TTL=0``)."""

    def get(self, key: str) -> Any | None:
        """Always a miss."""
        return None

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Keep nothing."""

    def evict_image(self, ami_id: str) -> int:
        """Nothing to evict."""
        return 0

    def clear(self, prefix: str = "") -> None:
        """Nothing to clear."""
