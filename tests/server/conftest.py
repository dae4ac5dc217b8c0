"""Fixtures: an in-process Jupyter server (pytest-jupyter) with the cws extension on the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cws_server_support import server_config
from cws_testing import isolate
from cws_testing.rest import Api, JobWaiter, api_caller, job_waiter
from jupyter_server.serverapp import ServerApp

# pytest-jupyter's server plugin (jp_fetch, jp_serverapp, ... and its async-test hooks). Not as
# `pytest_plugins = ("pytest_jupyter.jupyter_server",)`: pytest >= 8 refuses that outside the root
# conftest when the whole suite runs, and at the root its autouse fixtures (an event loop and a
# ServerApp cleanup per test) would run for every test of the suite. Imported, it serves this
# folder only.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

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
    """``await api(path, method=, body=, params=, headers=)`` -> (status, json, response)."""
    return api_caller(jp_fetch)


@pytest.fixture
def wait_job(api: Api) -> JobWaiter:
    """``await wait_job(url)``: poll a job URL (as a 202 gave it) until it stops running."""
    return job_waiter(api, timeout=60.0)


@pytest.fixture
def cws_app(jp_serverapp: ServerApp) -> Any:
    """The running CwsExtensionApp."""
    return jp_serverapp.web_app.settings["cws_jupyter"]
