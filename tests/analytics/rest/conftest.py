"""Fixtures: an in-process Jupyter server (pytest-jupyter) with the cws extension, in a private
CWS_HOME (no AWS needed: the analytics routes read the local events only)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cws_testing import isolate
from jupyter_server.serverapp import ServerApp

# pytest-jupyter's server plugin, for this folder only (as tests/server/conftest.py explains).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from cws_jupyter.server import NAMESPACE

Fetch = Callable[..., Awaitable[tuple[int, str, Any]]]
#: Server extensions of the environment other than cws are off (not ours to test).
EXTENSIONS = {"cws_jupyter": True, "jupyter_server_terminals": False, "jupyter_lsp": False}


@pytest.fixture(autouse=True)
def _private_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test's own CWS_HOME, so the server's events are this test's only."""
    isolate(monkeypatch, tmp_path / "cws")
    return tmp_path / "cws"


@pytest.fixture
def jp_server_config() -> Config:
    """The extension on, unauthenticated access refused."""
    server: dict[str, Any] = {"jpserver_extensions": dict(EXTENSIONS)}
    if "allow_unauthenticated_access" in ServerApp.class_trait_names():
        server["allow_unauthenticated_access"] = False
    return Config({"ServerApp": server, "CwsExtensionApp": {"region": "eu-west-1"}})


@pytest.fixture
def fetch(jp_fetch: Any) -> Fetch:
    """``await fetch(path, **kwargs)`` -> (status, body text, response); never raises."""

    async def call(path: str, **kwargs: Any) -> tuple[int, str, Any]:
        response = await jp_fetch(NAMESPACE, *path.split("/"), raise_error=False, **kwargs)
        return response.code, response.body.decode() if response.body else "", response

    return call


@pytest.fixture
def cws_app(jp_serverapp: ServerApp) -> Any:
    """The running CwsExtensionApp."""
    return jp_serverapp.web_app.settings["cws_jupyter"]


def as_json(text: str) -> Any:
    """A body as JSON."""
    return json.loads(text)
