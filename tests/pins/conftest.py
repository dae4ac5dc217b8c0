"""Fixtures for the AMI pins: a private sandbox per test process; each test has its own lock file
and pins its own (template, region), so tests never see each other's pins or images."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate, sandbox_settings

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session")
def pin_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("pins-home")
    yield home
    stop(home / "state")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, pin_home: Path) -> None:
    isolate(monkeypatch, pin_home)


@pytest.fixture(scope="session")
def service(pin_home: Path) -> CwsService:
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, pin_home)
        # No cache: every resolution asks the sandbox, so a newer image shows at once.
        svc = CwsService(sandbox_settings(pin_home, cache_ttl=0))
        svc.sandbox_start()
        return svc


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    """This test's lock file (not there yet)."""
    return tmp_path / "cws.lock"
