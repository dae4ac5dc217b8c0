"""Fixtures for the updater's REST routes: an in-process Jupyter server (pytest-jupyter) with
the cws extension on this process's sandbox (the parent folder's CWS_HOME and template path)."""

from __future__ import annotations

from typing import Any

import pytest
from cws_testing.rest import Api, JobWaiter, api_caller, job_waiter
from jupyter_server.serverapp import ServerApp

# pytest-jupyter's server plugin, for this folder only (as tests/server does).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config


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
    return api_caller(jp_fetch)


@pytest.fixture
def wait_job(api: Api) -> JobWaiter:
    """``await wait_job(url)``: poll a job URL (as a 202 gave it) until it stops running."""
    return job_waiter(api, timeout=120.0)
