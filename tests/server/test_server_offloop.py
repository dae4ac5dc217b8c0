"""Blocking service calls run off the event loop: a slow AWS call never stalls other requests."""

from __future__ import annotations

import asyncio
import time
from typing import Any


def slow(*_: Any, **__: Any) -> dict[str, Any]:
    """A service call stuck for a second (a slow DescribeImages, say)."""
    time.sleep(1.0)
    return {"slow": True}


async def test_a_slow_resolve_does_not_stall_version(api: Any, cws_app: Any) -> None:
    """While a 1 s resolve is in flight, GET version answers in well under a second."""
    cws_app.service.resolve = slow
    started = time.perf_counter()
    pending = asyncio.ensure_future(api("ami/resolve/python-ml", params={"region": "eu-west-1"}))
    await asyncio.sleep(0.1)  # the resolve is now blocked in its worker thread
    before = time.perf_counter()
    status, body, _ = await api("version")
    version_seconds = time.perf_counter() - before
    assert status == 200 and body["api"] == "v1"
    assert version_seconds < 0.25, f"version took {version_seconds:.3f}s while resolve was blocked"
    assert not pending.done()
    status, body, _ = await pending
    assert (status, body) == (200, {"slow": True})
    assert time.perf_counter() - started >= 1.0


async def test_slow_calls_overlap_in_the_pool(api: Any, cws_app: Any) -> None:
    """Four 1 s calls at once finish in about 1 s, not 4 (the pool has 8 threads by default)."""
    cws_app.service.costs = slow
    started = time.perf_counter()
    results = await asyncio.gather(*(api("ami/costs/python-ml") for _ in range(4)))
    elapsed = time.perf_counter() - started
    assert [r[0] for r in results] == [200] * 4
    assert elapsed < 2.0, f"4 overlapping 1 s calls took {elapsed:.2f}s"


async def test_health_builds_no_aws_client(api: Any, cws_app: Any) -> None:
    """Health answers from configuration: no AWS session, no sandbox start."""
    status, body, _ = await api("health")
    assert status == 200 and body["aws"] == "sandbox"
    service = cws_app.serverapp.web_app.settings.get("cws_service")
    assert service is None or "access" not in service.__dict__
