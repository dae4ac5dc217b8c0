"""Endpoints that just ran out of time: further calls to them fail at once for a while.

Without it, a check of 34 regions through an endpoint (or a proxy) that accepts connections and
never answers waits out every call's timeouts in turn, minutes in all. With it, the calls in
flight wait once; the rest fail at once with the same clear error, until the hold is over.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

#: Seconds an endpoint that ran out of time is not tried again.
HOLD_SECONDS = 30.0


class EndpointDown(Exception):
    """Raised before sending to an endpoint that ran out of time a moment ago."""

    def __init__(self, original: BaseException, target: str) -> None:
        super().__init__(f"{target} did not answer a moment ago")
        self.original = original
        self.target = target


def target_of(url: str) -> str:
    """Where a request to ``url`` really goes: the proxy that carries it, or its own host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass_environment(host):
        return proxy
    return f"{parts.scheme}://{parts.netloc}"


class Breaker:
    """Which endpoints ran out of time, and until when they are not tried again."""

    def __init__(
        self, hold_seconds: float = HOLD_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """A breaker holding endpoints down for ``hold_seconds``."""
        self.hold_seconds = hold_seconds
        self._clock = clock
        self._down: dict[str, tuple[float, BaseException]] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise EndpointDown when ``url``'s endpoint is held down."""
        if not self._down:
            return
        target = target_of(url)
        with self._lock:
            held = self._down.get(target)
            if held is not None and held[0] <= self._clock():
                del self._down[target]
                held = None
        if held is not None:
            raise EndpointDown(held[1], target)

    def tripped(self, url: str, exc: BaseException) -> None:
        """``url``'s endpoint ran out of time (after every attempt): hold it down."""
        with self._lock:
            self._down[target_of(url)] = (self._clock() + self.hold_seconds, exc)

    def answered(self, url: str) -> None:
        """``url``'s endpoint answered: it is up."""
        if self._down:
            with self._lock:
                self._down.pop(target_of(url), None)
