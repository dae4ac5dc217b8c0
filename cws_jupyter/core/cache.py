"""Cache of AWS lookups per (region, query): in memory, on disk, or both; Redis can implement it too."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock


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


class MemoryCache:
    """A process-local cache with per-entry expiry."""

    def __init__(self, clock: Any = time.time) -> None:
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent or expired."""
        entry = self._data.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < self._clock():
            with self._lock:
                self._data.pop(key, None)
            return None
        return value

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store a value for ``ttl`` seconds."""
        with self._lock:
            self._data[key] = (self._clock() + ttl, value)

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``."""
        with self._lock:
            doomed = [k for k, (_, v) in self._data.items() if mentions(v, ami_id)]
            for key in doomed:
                del self._data[key]
        return len(doomed)

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix``."""
        with self._lock:
            for key in [k for k in self._data if k.startswith(prefix)]:
                del self._data[key]


class DiskCache:
    """A JSON file shared by every process of the user: file lock for writes, atomic replace."""

    def __init__(self, path: Path, clock: Any = time.time) -> None:
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=10)
        self._clock = clock
        self._snapshot: dict[str, Any] | None = None
        self._mtime: float | None = None

    def _read(self) -> dict[str, Any]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if self._snapshot is not None and mtime == self._mtime:
            return self._snapshot
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            data = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            data = {}  # a damaged cache is only a cache: start afresh
        self._snapshot, self._mtime = data, mtime
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._snapshot, self._mtime = data, self.path.stat().st_mtime

    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent or expired."""
        entry = self._read().get(key)
        if not isinstance(entry, dict) or entry.get("expires", 0) < self._clock():
            return None
        return entry.get("value")

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store a value for ``ttl`` seconds (read-modify-write under the file lock)."""
        self.set_many({key: value}, ttl)

    def set_many(self, items: dict[str, Any], ttl: float) -> None:
        """Store several values in one locked write."""
        with self._lock:
            self._mtime = None  # re-read under the lock
            now = self._clock()
            data = {k: v for k, v in self._read().items() if v.get("expires", 0) >= now}
            for key, value in items.items():
                data[key] = {"expires": now + ttl, "value": value}
            self._write(data)

    def evict_image(self, ami_id: str) -> int:
        """Drop every entry that mentions ``ami_id``."""
        with self._lock:
            self._mtime = None
            data = self._read()
            kept = {k: v for k, v in data.items() if not mentions(v.get("value"), ami_id)}
            if len(kept) != len(data):
                self._write(kept)
            return len(data) - len(kept)

    def clear(self, prefix: str = "") -> None:
        """Drop every entry whose key starts with ``prefix``."""
        with self._lock:
            self._mtime = None
            self._write({k: v for k, v in self._read().items() if not k.startswith(prefix)})


class LayeredCache:
    """Memory in front of a shared cache (disk today, Redis in a shared deployment)."""

    def __init__(self, *layers: LookupCache) -> None:
        self.layers = layers

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
