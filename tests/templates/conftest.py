"""Shared helpers for the template tests: the shipped folder, the compat corpus, file writing."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from cws_jupyter.core.templates.loader import TemplateLibrary

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "templates"
#: The CloudWorkstation v0.5.5 templates, kept beside the repository (``../shared`` in CI).
DEFAULT_COMPAT_DIR = REPO / ".." / "shared" / "compat" / "cloudworkstation-v0.5.5-templates"


def compat_dir() -> Path:
    """Where the v0.5.5 corpus is: ``CWS_COMPAT_DIR`` if set, else ``../shared/compat/...``."""
    override = os.environ.get("CWS_COMPAT_DIR")
    return Path(override).resolve() if override else DEFAULT_COMPAT_DIR.resolve()


@pytest.fixture(scope="session")
def compat() -> Path:
    """The compat corpus folder; skip when absent, fail when CWS_COMPAT_DIR points nowhere."""
    folder = compat_dir()
    if not folder.is_dir():
        if os.environ.get("CWS_COMPAT_DIR"):
            pytest.fail(f"CWS_COMPAT_DIR={os.environ['CWS_COMPAT_DIR']} is not a folder")
        pytest.skip(f"compat corpus not found at {folder} (set CWS_COMPAT_DIR)")
    return folder


@pytest.fixture(scope="session")
def shipped() -> TemplateLibrary:
    """A library of the shipped templates only."""
    return TemplateLibrary([SHIPPED])


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(name, yaml_text, folder=None)``: write a dedented template file, return its path."""

    def _write(name: str, text: str, folder: Path | None = None) -> Path:
        target = (folder or tmp_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return target

    return _write


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's template path or config folder."""
    monkeypatch.delenv("CWS_TEMPLATE_PATH", raising=False)
    monkeypatch.setenv("CWS_HOME", str(tmp_path / "cws-home"))
