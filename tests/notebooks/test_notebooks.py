"""Every notebook in notebooks/ runs top to bottom on the sandbox, headless, without an error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from cws_testing import isolate
from nbclient import NotebookClient

from cws_jupyter.core.sandbox import stop

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.sandbox


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the notebook in a real kernel; any cell error fails the test."""
    isolate(monkeypatch, tmp_path / "cws")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    finally:
        stop(tmp_path / "cws" / "state")
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "ami-" in html  # the resolutions rendered as HTML tables
