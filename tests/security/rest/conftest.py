"""An in-process Jupyter server (pytest-jupyter) with the cws extension on this folder's sandbox.

pytest-jupyter's fixtures are imported here rather than named in ``pytest_plugins`` (pytest
refuses that outside the root conftest), so they serve this folder only.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from cws_jupyter.server import NAMESPACE

Api = Callable[..., Awaitable[tuple[int, Any, Any]]]
AUTH_WARNING = "jupyter_server.utils.JupyterServerAuthWarning"
#: cws on; other server extensions off (some register handlers without an auth decorator).
EXTENSIONS = {"cws_jupyter": True, "jupyter_server_terminals": False, "jupyter_lsp": False}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A handler without an auth decorator fails these tests (the extension would not load)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(f"error::{AUTH_WARNING}"))


@pytest.fixture
def jp_server_config() -> Config:
    """The extension on the sandbox; unauthenticated access refused."""
    server: dict[str, Any] = {"jpserver_extensions": dict(EXTENSIONS)}
    if "allow_unauthenticated_access" in ServerApp.class_trait_names():
        server["allow_unauthenticated_access"] = False
    return Config(
        {"ServerApp": server, "CwsExtensionApp": {"sandbox": True, "region": "us-east-1"}}
    )


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api(path, params=...)`` -> (status, json, response); never raises on HTTP errors."""

    async def call(path: str, method: str = "GET", **kwargs: Any) -> tuple[int, Any, Any]:
        response = await jp_fetch(
            NAMESPACE, *path.split("/"), method=method, raise_error=False, **kwargs
        )
        text = response.body.decode() if response.body else ""
        return response.code, json.loads(text) if text else None, response

    return call
