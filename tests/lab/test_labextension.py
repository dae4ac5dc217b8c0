"""The CloudWorkstation side panel (the prebuilt lab extension) is installed with the package.

No browser here: `.ci/lab-tests` runs the panel's jest and Playwright tests. This checks what
`pip install` must leave behind: the extension found by JupyterLab, enabled and OK, with its
settings schema and install.json, and one version on both halves.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

pytest.importorskip("jupyterlab", reason="the lab extra (jupyterlab) is not installed")

import cws_jupyter  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NAME = "cws-jupyter-labextension"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _package_json() -> dict:
    """The lab extension's source package.json."""
    return json.loads((ROOT / "labextension" / "package.json").read_text())


def _installed_dir() -> Path:
    """The folder JupyterLab loads the extension from (first on its search path)."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("labextensions"):
        candidate = Path(base) / NAME
        if (candidate / "package.json").is_file():
            return candidate
    pytest.fail(f"{NAME} is not installed in any of {jupyter_path('labextensions')}")


def test_labextension_list_shows_it_enabled_and_ok() -> None:
    """`jupyter labextension list` names the extension, enabled and OK, from this package."""
    proc = subprocess.run(
        [sys.executable, "-m", "jupyterlab.labextensions", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    output = ANSI.sub("", proc.stdout + proc.stderr)
    lines = [line.strip() for line in output.splitlines() if NAME in line]
    assert lines, f"{NAME} not listed:\n{output}"
    line = lines[0]
    assert f"{NAME} v{cws_jupyter.__version__}" in line, line
    assert re.search(r"\benabled\b", line) and re.search(r"\bOK\b", line), line
    assert "(python, cws-jupyter)" in line, line


def test_versions_agree() -> None:
    """package.json, the lab extension's constant, pyproject.toml and the package agree."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    version = pyproject["project"]["version"]
    assert cws_jupyter.__version__ == version
    assert _package_json()["version"] == version
    source = (ROOT / "labextension" / "src" / "version.ts").read_text()
    assert f"LAB_VERSION = '{version}'" in source


def test_installed_extension_is_complete() -> None:
    """The installed copy holds the built bundle, the settings schema and install.json."""
    folder = _installed_dir()
    meta = json.loads((folder / "package.json").read_text())
    assert meta["name"] == NAME
    assert meta["version"] == cws_jupyter.__version__
    load = meta["jupyterlab"]["_build"]["load"]
    assert (folder / load).is_file(), load
    assert (folder / "static" / "style.js").is_file()
    schema = json.loads((folder / "schemas" / NAME / "plugin.json").read_text())
    assert set(schema["properties"]) == {"defaultRegion", "showSandboxIndicator"}
    install = json.loads((folder / "install.json").read_text())
    assert install["packageName"] == "cws-jupyter"
    assert install["packageManager"] == "python"
