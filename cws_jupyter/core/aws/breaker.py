"""Endpoints that just ran out of time: further calls to them fail at once for a while.

Without it, a check of 34 regions through an endpoint (or a proxy) that accepts connections and
never answers waits out every call's timeouts in turn, minutes in all. With it, the calls in
flight wait once; the rest fail at once with the same clear error, until the hold is over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

#: Seconds an endpoint that ran out of time is not tried again.
HOLD_SECONDS = 30.0
#: Requests at once to an endpoint that has not answered yet; the rest wait for its first
#: answer (or its first time-out). Real AWS has one endpoint per region, so this only ever holds
#: back requests sent at once through one endpoint (AWS_ENDPOINT_URL, a proxy): a check of every
#: region through an endpoint that never answers waits on this many, not on every region's.
FIRST_CONTACT = 32


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
    import urllib.request  # only once a request is made (botocore imports it anyway)

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
        #: Endpoints that have answered (the first-contact limit no longer applies to them).
        self._proven: set[str] = set()
        #: Requests in flight to each endpoint not yet proven.
        self._unproven: dict[str, int] = {}
        self._changed = threading.Condition(self._lock)
        self._local = threading.local()

    def admit(self, url: str, first_contact: int = FIRST_CONTACT, patience: float = 60.0) -> None:
        """Before sending to ``url``: raise EndpointDown when its endpoint is held down; while it
        has not answered yet, wait until fewer than ``first_contact`` requests are in flight to
        it (at most ``patience`` seconds). Pair with ``settled`` once the attempt is over."""
        self.check(url)
        target = target_of(url)
        if target in self._proven:
            return
        deadline = self._clock() + patience
        with self._changed:
            while (
                target not in self._proven
                and target not in self._down
                and self._unproven.get(target, 0) >= first_contact
                and self._clock() < deadline
            ):
                self._changed.wait(timeout=max(0.0, min(1.0, deadline - self._clock())))
            if target not in self._proven:
                self._unproven[target] = self._unproven.get(target, 0) + 1
                self._local.target = target
        self.check(url)  # tripped while this request waited

    def settled(self, answered: bool, timed_out: BaseException | None = None) -> None:
        """The attempt ``admit`` let through on this thread is over: the endpoint answered, ran
        out of time (``timed_out``: an endpoint that never answered is held down at once, so
        no retry and no waiting request goes there), or failed otherwise."""
        target = getattr(self._local, "target", None)
        self._local.target = None
        if target is None:
            return
        with self._changed:
            left = self._unproven.get(target, 1) - 1
            if left > 0:
                self._unproven[target] = left
            else:
                self._unproven.pop(target, None)
            if answered:
                self._proven.add(target)
                self._down.pop(target, None)
            elif timed_out is not None and target not in self._proven:
                # never answered, and now out of time: hold it down before botocore retries (an
                # endpoint that answered before keeps its retries; see ``tripped``)
                self._down[target] = (self._clock() + self.hold_seconds, timed_out)
            self._changed.notify_all()

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
        with self._changed:
            self._down[target_of(url)] = (self._clock() + self.hold_seconds, exc)
            self._changed.notify_all()

    def answered(self, url: str) -> None:
        """``url``'s endpoint answered: it is up."""
        if self._down:
            with self._lock:
                self._down.pop(target_of(url), None)
