"""Fixtures: a service over a private sandbox (its own state folder), shared by the widget tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from widget_helpers import make_settings

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(autouse=True)
def _no_user_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's AWS profile, endpoints and proxies out of the sandbox's clients."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "CWS_")) or name.lower() in ("http_proxy", "https_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def widget_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private home whose sandbox is stopped at the end of the session."""
    home = tmp_path_factory.mktemp("widgets-cws-home")
    yield home
    stop(home / "state")


@pytest.fixture(scope="session")
def service(widget_home: Path) -> CwsService:
    """One service for all widget tests (the sandbox starts on the first resolve)."""
    return CwsService(make_settings(widget_home))


@pytest.fixture(scope="session")
def lifecycle_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home of its own for tests that launch workstations (launching teaching-lab copies its
    image into eu-west-1, which would change what the shared sandbox resolves)."""
    home = tmp_path_factory.mktemp("widgets-lifecycle-home")
    yield home
    stop(home / "state")


@pytest.fixture(scope="session")
def lifecycle_service(lifecycle_home: Path) -> CwsService:
    """A service over that home's own sandbox."""
    return CwsService(make_settings(lifecycle_home))
