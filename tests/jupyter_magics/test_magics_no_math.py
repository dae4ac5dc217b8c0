"""What `%cws` puts in a notebook is never typeset by MathJax: each verb's result, as IPython
sends it (``text/html``), keeps every dollar amount inside MathJax's ignore classes, and the
`%%cws` cell form too (a template whose own text holds formulas)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))
from mathjax_text import exposed_to_mathjax  # noqa: E402

#: A verb of each kind that answers with HTML; the costs and resolutions hold dollar amounts.
LINES = [
    "%cws resolve python-ml --region eu-west-1",
    "%cws resolve teaching-lab --region eu-central-1 --arch arm64",
    "%cws costs python-ml --region eu-west-1",
    "%cws ami costs python-ml --region us-east-1",
    "%cws test teaching-lab --all-regions",
    "%cws templates list",
    '%cws templates show "Python ML Workstation"',
    "%cws templates validate python-ml",
    "%cws regions fallbacks",
    "%cws sandbox status",
    "%cws ami list",
    "%cws list",
    "%cws launch python-ml lab-1 --region eu-west-1 --dry-run",
]

CELL = """\
name: "Costs $0.08 per launch, $5 per month"
slug: dollar-lab
description: "Between $a$ and $b$: about 8 min ($0.081) per launch; storage ($5.00/month)"
base: ubuntu-22.04
packages:
  pip: [numpy]
"""


def html_of(shell: InteractiveShell, result: object) -> str:
    """The text/html IPython sends for ``result``."""
    data, _ = shell.display_formatter.format(result)
    return str(data.get("text/html", ""))


@pytest.mark.parametrize("line", LINES)
def test_every_verb_keeps_mathjax_away(shell: InteractiveShell, line: str) -> None:
    """No ``$`` in the markup, no text outside the ignore classes."""
    html = html_of(shell, ok(shell, line))
    assert html, f"{line}: no HTML"
    assert "$" not in html and exposed_to_mathjax(html) == [], exposed_to_mathjax(html)[:3]


@pytest.mark.parametrize("verb", ["validate", "resolve --region eu-west-1", "costs"])
def test_a_cell_template_with_formulas_in_it(shell: InteractiveShell, verb: str) -> None:
    """`%%cws VERB` with a template whose name and description hold dollar signs."""
    result = shell.run_cell_magic("cws", verb, CELL)
    html = html_of(shell, result)
    assert html and "$" not in html and exposed_to_mathjax(html) == []
    if verb != "costs":
        assert "&#36;" in html  # the template's own dollars, shown as text
