"""Fixtures: a real IPython shell with `%load_ext cws_jupyter` over a private sandbox."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import cws_magics, sandbox_environ, use_home

from cws_jupyter.core.sandbox import ensure_running, stop


@pytest.fixture(scope="session")
def cws_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CWS_HOME for the session; its sandbox (state in CWS_HOME/state) is stopped at the end."""
    home = tmp_path_factory.mktemp("magics-cws-home")
    # Started up front: the tests that expect it running (`sandbox status`, `sandbox stop`) must
    # not depend on which tests pytest-xdist happened to run before them on this worker.
    with pytest.MonkeyPatch.context() as patch:
        sandbox_environ(patch, home)
        ensure_running(home / "state")
    yield home
    stop(home / "state")


@pytest.fixture(autouse=True)
def sandbox_env(cws_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CWS_SANDBOX=1 and CWS_HOME for each test; no AWS credentials, profile, region or endpoint."""
    sandbox_environ(monkeypatch, cws_home)
    return cws_home


@pytest.fixture(scope="session")
def _loaded_shell() -> InteractiveShell:
    """The process's IPython shell with the extension loaded once."""
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cws_jupyter")
    return shell


@pytest.fixture
def shell(_loaded_shell: InteractiveShell, sandbox_env: Path) -> Iterator[InteractiveShell]:
    """The shell; settings a test changes with %config are put back afterwards."""
    section = "CwsMagics"
    config = _loaded_shell.config
    saved_section = copy.deepcopy(config[section]) if section in config else None
    saved = {name: getattr(cws_magics(_loaded_shell), name) for name in ("region", "sandbox")}
    cws_magics(_loaded_shell).recent_template = None  # each test is a fresh notebook
    yield _loaded_shell
    if saved_section is None:
        config.pop(section, None)  # %config also records the value for configurables made later
    else:
        config[section] = saved_section
    magics = cws_magics(_loaded_shell)  # a test may have reloaded the extension
    for name, value in saved.items():
        setattr(magics, name, value)


@pytest.fixture(scope="session")
def lifecycle_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A CWS_HOME of its own for tests that launch workstations and build images, so the shared
    sandbox keeps the world the other tests expect; its sandbox is stopped at the end."""
    home = tmp_path_factory.mktemp("magics-lifecycle-home")
    yield home
    stop(home / "state")


@pytest.fixture
def lifecycle_shell(
    shell: InteractiveShell, lifecycle_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InteractiveShell]:
    """The shell on the lifecycle home's sandbox (the magic's services are rebuilt for it)."""
    use_home(shell, monkeypatch, lifecycle_home)
    yield shell
    cws_magics(shell)._services.clear()  # the next test builds its service from its own home
