"""Fixtures for the usage analytics: a private state folder per test (the spool and DuckDB file
live there), stand-in sources for recommendations and region advice, and one private sandbox
per test process for the tests that go through the real service and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from analytics_support import FakeSources
from cws_testing import isolate, sandbox_settings

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.config import Settings
from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's CWS_HOME, with no developer AWS or cws settings."""
    isolate(monkeypatch, tmp_path)
    return tmp_path


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings rooted at the test's home (analytics on)."""
    return Settings(state_dir=home / "state", cache_dir=home / "cache")


@pytest.fixture
def sources() -> FakeSources:
    """Templates, resolutions, builds, community records and availability made up in memory."""
    return FakeSources()


@pytest.fixture
def analytics(settings: Settings, sources: FakeSources) -> Analytics:
    """Analytics over the test's folder, advised by the stand-in sources."""
    return Analytics(settings, sources)


@pytest.fixture(scope="session")
def sandbox_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CWS_HOME of this test process's sandbox; stopped when the session ends."""
    home = tmp_path_factory.mktemp("analytics-sandbox")
    yield home
    stop(home / "state")


@pytest.fixture(scope="session")
def service(sandbox_home: Path) -> CwsService:
    """One service on the sandbox for the session (started here)."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, sandbox_home)
        svc = CwsService(sandbox_settings(sandbox_home))
        svc.sandbox_start()
    return svc
