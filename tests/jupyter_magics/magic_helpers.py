"""Helpers for the magic tests: find the magics, run cells as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cws_testing import isolate
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output


def cws_magics(shell: InteractiveShell) -> Any:
    """The registered CwsMagics instance."""
    return next(c for c in shell.configurables if type(c).__name__ == "CwsMagics")


def run(shell: InteractiveShell, cell: str) -> tuple[Any, str]:
    """Run a cell as a user would; return the ExecutionResult and everything it printed."""
    with capture_output() as captured:
        result = shell.run_cell(cell)
    return result, captured.stdout + captured.stderr


def ok(shell: InteractiveShell, cell: str, name: str | None = None) -> Any:
    """Run a cell that must succeed; return ``name`` from the namespace, or the cell's result."""
    result, printed = run(shell, cell)
    assert result.success, f"{cell!r} failed: {result.error_in_exec!r}\n{printed}"
    return shell.user_ns[name] if name else result.result


def sandbox_environ(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """CWS_SANDBOX=1, CWS_HOME=home; none of the developer's AWS credentials, profile or region."""
    isolate(monkeypatch, home, sandbox=True)


def use_home(shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point the sandbox environment at ``home`` and make the magic build its service anew."""
    sandbox_environ(monkeypatch, home)
    cws_magics(shell)._services.clear()
