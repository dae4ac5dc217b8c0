"""Fixtures for the robustness tests: a private CWS_HOME, and an in-process Jupyter server
(pytest-jupyter) whose environment each test breaks in its own way before the server starts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cws_testing import isolate
from cws_testing.rest import Api, api_caller

# pytest-jupyter's server fixtures (jp_fetch, ...), for this folder only (see tests/server).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from robust_support import cws_server_config
from traitlets.config import Config


@pytest.fixture(scope="session")
def sandbox_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A CWS_HOME whose sandbox is started at most once for the session, stopped at the end."""
    home = tmp_path_factory.mktemp("robust-home")
    yield home
    from cws_jupyter.core.sandbox import stop

    stop(home / "state")


@pytest.fixture
def cws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own CWS_HOME, with the developer's AWS settings kept out."""
    home = tmp_path / "cws-home"
    isolate(monkeypatch, home)
    return home


@pytest.fixture
def jp_server_config() -> Config:
    """Real AWS (no sandbox) unless a test overrides it."""
    return cws_server_config(sandbox=False)


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api(path, method=, body=, headers=)`` -> (status, json (text for a text/plain
    answer), response); never raises."""
    return api_caller(jp_fetch)
