"""Blocking service calls run off the event loop: a slow AWS call never stalls other requests.

Asserted by order of events, not by a clock: a call held in its worker thread until the test
releases it, and calls that can only finish if they run at the same time.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

#: Patience for a held call (only reached when the behaviour under test is broken).
HOLD_S = 30.0


async def test_a_held_resolve_does_not_stall_version(api: Any, cws_app: Any) -> None:
    """While a resolve is held in its worker thread, GET version answers."""
    release, entered = threading.Event(), threading.Event()

    def held(*_: Any, **__: Any) -> dict[str, Any]:
        entered.set()
        release.wait(HOLD_S)
        return {"slow": True}

    cws_app.service.resolve = held
    pending = asyncio.ensure_future(api("ami/resolve/python-ml", params={"region": "eu-west-1"}))
    while not entered.is_set():  # the resolve is now blocked in its worker thread
        await asyncio.sleep(0.01)
    status, body, _ = await api("version")
    assert status == 200 and body["api"] == "v1"
    assert not release.is_set() and not pending.done()  # version answered while it was held
    release.set()
    status, body, _ = await pending
    assert (status, body) == (200, {"slow": True})


async def test_slow_calls_overlap_in_the_pool(api: Any, cws_app: Any) -> None:
    """Four calls at once run at once (the pool has 8 threads by default): each waits for all
    four to have started, which only happens if none waits for another to finish."""
    together = threading.Barrier(4, timeout=HOLD_S)

    def meet(*_: Any, **__: Any) -> dict[str, Any]:
        together.wait()  # BrokenBarrierError (a 500) if the calls ran one after another
        return {"met": True}

    cws_app.service.costs = meet
    results = await asyncio.gather(*(api("ami/costs/python-ml") for _ in range(4)))
    assert [(r[0], r[1]) for r in results] == [(200, {"met": True})] * 4


async def test_health_builds_no_aws_client(api: Any, cws_app: Any) -> None:
    """Health answers from configuration: no AWS session, no sandbox start."""
    status, body, _ = await api("health")
    assert status == 200 and body["aws"] == "sandbox"
    service = cws_app.serverapp.web_app.settings.get("cws_service")
    assert service is None or "access" not in service.__dict__
