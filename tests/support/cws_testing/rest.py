"""Calling the cws REST API of an in-process Jupyter server (pytest-jupyter's ``jp_fetch``), for
the test folders that start one."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from cws_jupyter.server import NAMESPACE

#: ``await api(path, method=, body=, params=, headers=)`` -> (status, body, response).
Api = Callable[..., Awaitable[tuple[int, Any, Any]]]
JobWaiter = Callable[..., Awaitable[dict[str, Any]]]


def api_caller(jp_fetch: Any) -> Api:
    """``api``: never raises on HTTP errors; ``body`` (not bytes/str) is sent as JSON; the answer
    is parsed JSON (the text itself for a ``text/plain`` answer: the metrics route)."""

    async def call(
        path: str, method: str = "GET", body: Any = None, **kwargs: Any
    ) -> tuple[int, Any, Any]:
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        response = await jp_fetch(
            NAMESPACE,
            *path.split("/"),
            method=method,
            body=body,
            raise_error=False,
            allow_nonstandard_methods=True,
            **kwargs,
        )
        text = response.body.decode() if response.body else ""
        if response.headers.get("Content-Type", "").startswith("text/plain"):
            return response.code, text, response
        return response.code, json.loads(text) if text else None, response

    return call


def job_waiter(api: Api, timeout: float) -> JobWaiter:
    """``await wait(url)``: poll a job URL (as a 202 gave it) until it stops running (or
    ``timeout`` seconds pass), and return the job."""

    async def wait(url: str, timeout: float = timeout) -> dict[str, Any]:
        path = url.split(f"/{NAMESPACE}/", 1)[1]
        deadline = time.monotonic() + timeout
        while True:
            status, job, _ = await api(path)
            assert status == 200, job
            if job["status"] != "running" or time.monotonic() > deadline:
                return job  # type: ignore[no-any-return]
            await asyncio.sleep(0.05)

    return wait
