"""Fixtures for the AMI lifecycle tests: one private sandbox per test process (per xdist worker),
shared by its tests, stopped at the end of the session.

Tests share the sandbox without interfering: each uses its own workstation names, and its own
(template, region) pair for whatever it builds, so one test's images never change what another
resolves; each removes what it made (``cleanup``), even when it fails.

    build tags ........... ubuntu-24-server   us-east-2
    own build resolves ... python-ml          ap-southeast-2
    stale build .......... teaching-lab       us-west-2
    share ................ ubuntu-24-desktop  us-west-2
    copy ................. amazon-linux-2023  ap-northeast-1 -> us-west-1, ca-central-1,
                                              eu-north-1, sa-east-1
    list/info/delete ..... deep-learning-gpu  eu-central-1 -> eu-west-3
    launch ............... python-ml, ubuntu-24-server in eu-west-1 (no builds)
    jobs ................. ubuntu-24-server   ap-northeast-1 -> eu-south-2
    faults ............... ubuntu-24-server   us-east-1 -> eu-west-2, ap-south-1,
                                              ap-northeast-2, me-central-1, il-central-1
    end to end ........... r-research         eu-central-1
    cross-region ......... r-research         us-east-1 -> eu-west-1 (fallback override)
    CLI .................. ubuntu-24-server   ap-southeast-2 -> eu-west-3, eu-south-1

Tests that compare a whole region before and after (``account_state``) rely on tests of one
process running one at a time (pytest-xdist gives each worker process its own sandbox).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate
from lifecycle_helpers import Cleanup, make_settings

from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session")
def lc_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CWS_HOME of this test process; its sandbox is stopped when the session ends."""
    home = tmp_path_factory.mktemp("lifecycle-home")
    yield home
    stop(home / "state")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, lc_home: Path) -> None:
    """No developer AWS profile, endpoint, proxy or credentials file; CWS_HOME is the private one."""
    isolate(monkeypatch, lc_home)


@pytest.fixture(scope="session")
def service(lc_home: Path) -> CwsService:
    """One service for the session; the sandbox starts here, with the user's settings kept out."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, lc_home)
        svc = CwsService(make_settings(lc_home))
        svc.sandbox_start()
    return svc


@pytest.fixture
def fresh(lc_home: Path, service: CwsService):  # noqa: ANN201 - a factory
    """Another service on the same sandbox and state (as another process would have)."""

    def build(**settings: object) -> CwsService:
        return CwsService(make_settings(lc_home, **settings))

    return build


@pytest.fixture
def cleanup(service: CwsService) -> Iterator[Cleanup]:
    """Terminates the workstations and deletes the images a test registered, at its end."""
    tracker = Cleanup(service)
    yield tracker
    tracker.run()
