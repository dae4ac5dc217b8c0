"""Fixtures for the community registry's client side: one private sandbox per test process (per
xdist worker), with the registry the sandbox brings, shared by these tests.

Tests share that registry without depending on each other: they compare counts before and after
their own action, and each publishes its own images (``cws-teaching-lab`` images of the sandbox
account, one region per test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate, sandbox_settings

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session")
def cm_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CWS_HOME of this test process; its sandbox is stopped when the session ends."""
    home = tmp_path_factory.mktemp("community-home")
    yield home
    stop(home / "state")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, cm_home: Path) -> None:
    """No developer AWS or cws settings; CWS_HOME is this process's private one."""
    isolate(monkeypatch, cm_home)


@pytest.fixture(scope="session")
def service(cm_home: Path) -> CwsService:
    """One service on the sandbox (and its registry) for the session."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, cm_home)
        svc = CwsService(sandbox_settings(cm_home))
        svc.sandbox_start()
        return svc
