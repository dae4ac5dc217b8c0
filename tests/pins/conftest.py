"""Fixtures for the AMI pins: a private sandbox per test process; each test has its own lock file
and pins its own (template, region), so tests never see each other's pins or images."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate

from cws_jupyter.core.config import Settings
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
        svc = CwsService(
            Settings(
                region="us-east-1",
                sandbox=True,
                state_dir=pin_home / "state",
                cache_dir=pin_home / "cache",
                user_template_dir=pin_home / "templates",
                cache_ttl=0,  # every resolution asks the sandbox: a newer image shows at once
            )
        )
        svc.sandbox_start()
        return svc


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    """This test's lock file (not there yet)."""
    return tmp_path / "cws.lock"
