"""Fixtures for the updater's tests: one private sandbox per test process (per xdist worker),
shared by its tests; templates of the tests' own in a folder on the template path (each test
makes its own, with a unique slug, so no test sees another's builds).

Regions (a test compares a whole region before and after only in its own):

    outdated by SSM ............ eu-west-1        rebuild ............... us-west-2
    outdated by search ......... eu-central-1     rebuild faults ........ ap-southeast-2
    template changed ........... us-east-2        rebuild (CLI) ......... ap-northeast-1
    copies ..................... ap-northeast-1 -> ca-central-1
    lineage (old, layered) ..... us-west-2        REST .................. eu-central-1
    direct mappings ............ us-east-1
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate, sandbox_settings
from updates_helpers import Cleanup

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session")
def up_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CWS_HOME of this test process; its sandbox is stopped when the session ends."""
    home = tmp_path_factory.mktemp("updates-home")
    yield home
    stop(home / "state")


@pytest.fixture(scope="session")
def template_dir(up_home: Path) -> Path:
    """Where the tests write their templates (on the template path of every front door)."""
    folder = up_home / "lab-templates"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, up_home: Path, template_dir: Path) -> None:
    """No developer AWS or cws settings; CWS_HOME is the private one, the tests' templates on
    the path (for the CLI's processes and the Jupyter server)."""
    isolate(monkeypatch, up_home)
    monkeypatch.setenv("CWS_TEMPLATE_PATH", str(template_dir))


@pytest.fixture(scope="session")
def service(up_home: Path, template_dir: Path) -> CwsService:
    """One service on the sandbox for the session."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, up_home)
        svc = CwsService(sandbox_settings(up_home, template_path=[template_dir]))
        svc.sandbox_start()
    return svc


@pytest.fixture
def fresh(up_home: Path, template_dir: Path, service: CwsService):  # noqa: ANN201 - a factory
    """Another service on the same sandbox and state (as another process would have): its own
    AWS clients, so a fault injected into them stays in the test."""

    def build(**settings: object) -> CwsService:
        return CwsService(sandbox_settings(up_home, template_path=[template_dir], **settings))

    return build


@pytest.fixture
def cleanup(service: CwsService) -> Iterator[Cleanup]:
    """Terminates the workstations and deletes the images a test registered, at its end."""
    tracker = Cleanup(service)
    yield tracker
    tracker.run()
