"""Fixtures: an in-process Jupyter server (pytest-jupyter) with the cws extension on the sandbox."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cws_server_support import server_config
from cws_testing import isolate
from jupyter_server.serverapp import ServerApp

# pytest-jupyter's server plugin (jp_fetch, jp_serverapp, ... and its async-test hooks). Not as
# `pytest_plugins = ("pytest_jupyter.jupyter_server",)`: pytest >= 8 refuses that outside the root
# conftest when the whole suite runs, and at the root its autouse fixtures (an event loop and a
# ServerApp cleanup per test) would run for every test of the suite. Imported, it serves this
# folder only.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from cws_jupyter.server import NAMESPACE

Api = Callable[..., Awaitable[tuple[int, Any, Any]]]
AUTH_WARNING = "jupyter_server.utils.JupyterServerAuthWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Here jupyter-server's warning about a handler lacking an auth decorator is an error: the
    extension then fails to load, and every test of this folder with it."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(f"error::{AUTH_WARNING}"))


@pytest.fixture(scope="session")
def cws_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One private CWS_HOME for the session: its sandbox is started once and stopped at the end."""
    home = tmp_path_factory.mktemp("cws-home")
    yield home
    from cws_jupyter.core.sandbox import stop

    stop(home / "state")


@pytest.fixture(autouse=True)
def _cws_environment(monkeypatch: pytest.MonkeyPatch, cws_home: Path) -> None:
    """Point cws at the private home and keep the developer's AWS settings out of the tests."""
    isolate(monkeypatch, cws_home)


@pytest.fixture
def jp_server_config() -> Config:
    """The extension on the sandbox (pytest-jupyter builds the server from this)."""
    return server_config()


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api(path, method=, body=, params=, headers=)`` -> (status, json, response).

    Never raises on HTTP errors; ``body`` (not bytes/str) is sent as JSON.
    """

    async def call(
        path: str, method: str = "GET", body: Any = None, **kwargs: Any
    ) -> tuple[int, Any, Any]:
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        parts = [NAMESPACE, *path.split("/")]
        response = await jp_fetch(
            *parts,
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

    async def wait(url: str, timeout: float = 60.0) -> dict[str, Any]:
        path = url.split(f"/{NAMESPACE}/", 1)[1]
        deadline = time.monotonic() + timeout
        while True:
            status, job, _ = await api(path)
            assert status == 200, job
            if job["status"] != "running" or time.monotonic() > deadline:
                return job  # type: ignore[no-any-return]
            await asyncio.sleep(0.05)

    return wait


@pytest.fixture
def cws_app(jp_serverapp: ServerApp) -> Any:
    """The running CwsExtensionApp."""
    return jp_serverapp.web_app.settings["cws_jupyter"]
