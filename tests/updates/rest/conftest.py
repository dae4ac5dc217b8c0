"""Fixtures for the updater's REST routes: an in-process Jupyter server (pytest-jupyter) with
the cws extension on this process's sandbox (the parent folder's CWS_HOME and template path)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp

# pytest-jupyter's server plugin, for this folder only (as tests/server does).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from cws_jupyter.server import NAMESPACE

Api = Callable[..., Awaitable[tuple[int, Any, Any]]]


@pytest.fixture
def jp_server_config() -> Config:
    """The extension on the sandbox; other server extensions off; no unauthenticated access."""
    server: dict[str, Any] = {
        "jpserver_extensions": {
            "cws_jupyter": True,
            "jupyter_server_terminals": False,
            "jupyter_lsp": False,
        }
    }
    if "allow_unauthenticated_access" in ServerApp.class_trait_names():
        server["allow_unauthenticated_access"] = False
    cws = {"sandbox": True, "region": "us-east-1"}
    return Config({"ServerApp": server, "CwsExtensionApp": cws})


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api(path, method=, body=, params=)`` -> (status, json, response); never raises."""

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
        return response.code, json.loads(text) if text else None, response

    return call


@pytest.fixture
def wait_job(api: Api) -> Callable[[str], Awaitable[dict[str, Any]]]:
    """``await wait_job(url)``: poll a job URL (as a 202 gave it) until it stops running."""

    async def wait(url: str, timeout: float = 120.0) -> dict[str, Any]:
        path = url.split(f"/{NAMESPACE}/", 1)[1]
        deadline = time.monotonic() + timeout
        while True:
            status, job, _ = await api(path)
            assert status == 200, job
            if job["status"] != "running" or time.monotonic() > deadline:
                return job  # type: ignore[no-any-return]
            await asyncio.sleep(0.05)

    return wait
