"""A notebook executed headless in a real kernel: the magic, its HTML output and a panel widget."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from magic_helpers import sandbox_environ
from nbclient import NotebookClient

CELLS = [
    "%load_ext cws_jupyter",
    "res = %cws resolve python-ml --region eu-west-1\nres",
    "print(type(res).__name__, res.ami_id)",
    "%%cws validate\nname: Notebook Lab\ncolour: blue\n",
    "%cws panel launch",
    "%cws resolve no-such-template",
]


@pytest.fixture(scope="module")
def executed(cws_home: Path) -> nbformat.NotebookNode:
    """The notebook above, run top to bottom in a fresh kernel on the session's sandbox."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    with pytest.MonkeyPatch.context() as monkeypatch:  # the kernel inherits this environment
        sandbox_environ(monkeypatch, cws_home)
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return nb


def outputs(nb: nbformat.NotebookNode, index: int) -> list[dict]:
    """The outputs of one cell."""
    return nb.cells[index]["outputs"]


def test_results_render_as_html_in_a_kernel(executed: nbformat.NotebookNode) -> None:
    """The resolution's Out is an HTML table with the ami id, plus its text form."""
    printed = "".join(o.get("text", "") for o in outputs(executed, 2))
    kind, ami_id = printed.split()
    assert kind == "Resolution" and ami_id.startswith("ami-")
    result = next(o for o in outputs(executed, 1) if o["output_type"] == "execute_result")
    assert (
        ami_id in result["data"]["text/html"] and 'class="cws-chain"' in result["data"]["text/html"]
    )
    assert ami_id in result["data"]["text/plain"]
    check = next(o for o in outputs(executed, 3) if o["output_type"] == "execute_result")
    assert "unknown key &#x27;colour&#x27;" in check["data"]["text/html"]


def test_a_panel_is_a_widget_view(executed: nbformat.NotebookNode) -> None:
    """`%cws panel launch` displays an ipywidgets view."""
    result = next(o for o in outputs(executed, 4) if o["output_type"] == "execute_result")
    assert "application/vnd.jupyter.widget-view+json" in result["data"]


def test_bad_input_is_a_usage_error_without_traceback(executed: nbformat.NotebookNode) -> None:
    """The kernel prints `UsageError: <one line>` and nothing else: no traceback."""
    cell = outputs(executed, 5)
    assert [o["output_type"] for o in cell] == ["stream"] and cell[0]["name"] == "stderr"
    text = cell[0]["text"]
    assert (
        text.startswith("UsageError: no template named 'no-such-template'")
        and text.count("\n") == 1
    )
    assert "Traceback" not in text
