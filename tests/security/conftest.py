"""Fixtures: one private sandbox for the security tests (started once, stopped at the end)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate
from security_helpers import make_settings

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session")
def sec_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CWS_HOME of this test process; its sandbox is stopped when the session ends."""
    home = tmp_path_factory.mktemp("security-home")
    yield home
    stop(home / "state")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, sec_home: Path) -> None:
    """No developer AWS profile, endpoint, proxy or credentials file; CWS_HOME is the private one."""
    isolate(monkeypatch, sec_home)


@pytest.fixture(scope="session")
def service(sec_home: Path) -> CwsService:
    """One sandbox service for the session (the sandbox starts here)."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, sec_home)
        svc = CwsService(make_settings(sec_home))
        svc.sandbox_start()
    return svc
