"""Fixtures: a real IPython shell with `%load_ext cws_jupyter` over a private sandbox."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import cws_magics, sandbox_environ

from cws_jupyter.core.sandbox import stop


@pytest.fixture(scope="session")
def cws_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CWS_HOME for the session; its sandbox (state in CWS_HOME/state) is stopped at the end."""
    home = tmp_path_factory.mktemp("magics-cws-home")
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
    yield _loaded_shell
    if saved_section is None:
        config.pop(section, None)  # %config also records the value for configurables made later
    else:
        config[section] = saved_section
    magics = cws_magics(_loaded_shell)  # a test may have reloaded the extension
    for name, value in saved.items():
        setattr(magics, name, value)
