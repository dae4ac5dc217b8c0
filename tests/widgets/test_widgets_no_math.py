"""No panel shows text MathJax could typeset: every HTML a panel holds, in every state it can be
driven to (results, failures, empty searches, the chart), keeps its text inside an element of
MathJax's ignore classes, and no label a front end typesets holds a dollar sign."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pytest
from mathjax_text import exposed_to_mathjax
from widget_helpers import walk

import cws_jupyter.widgets
from cws_jupyter.core.progress import Progress
from cws_jupyter.core.service import CwsService
from cws_jupyter.display.html import NO_MATH
from cws_jupyter.widgets import BrowsePanel, CostPanel, InstancesPanel, LaunchPanel, ProgressBar
from cws_jupyter.widgets.base import NoMathHTML

#: Widgets whose ``value`` is HTML (ipywidgets' Label and descriptions are typeset too).
HTML_WIDGETS = (widgets.HTML, widgets.HTMLMath)


def problems(panel: Any) -> list[str]:
    """What in ``panel`` MathJax could read: exposed HTML text, dollars in labels."""
    found = []
    for widget in walk(panel):
        if isinstance(widget, HTML_WIDGETS) and widget.value:
            exposed = exposed_to_mathjax(widget.value)
            if exposed:
                found.append(f"{type(widget).__name__} exposes {exposed[:3]}")
        if isinstance(widget, widgets.Label) and "$" in widget.value:
            found.append(f"Label {widget.value!r}")
        if "$" in (getattr(widget, "description", "") or ""):
            found.append(f"description {widget.description!r}")
    return found


def test_launch_panel_in_every_state(service: CwsService) -> None:
    """Fresh, a bad name, a resolution with prices in it, a failed resolution."""
    panel = LaunchPanel(service=service, template="teaching-lab", region="eu-west-1")
    assert problems(panel) == []
    panel.name_field.value = "$not valid$"
    panel.cidr_field.value = "$1"
    assert panel.field_hint.value and problems(panel) == []
    panel.name_field.value, panel.cidr_field.value = "lab-9", ""
    panel.resolve()
    panel.wait(timeout=60)
    assert "$" in panel.resolution.cost_comparison.recommendation and problems(panel) == []
    panel.template_picker.value = "amazon-linux-2023"
    panel.region_picker.value = "ap-south-1"
    panel.strategy_picker.value = "ami_required"
    panel.resolve()
    panel.wait(timeout=60)
    assert panel.error is not None and problems(panel) == []


def test_cost_panel_chart_table_and_errors(service: CwsService) -> None:
    """The chart and the table are full of dollar amounts; the hints and errors too."""
    panel = CostPanel(service=service)
    assert problems(panel) == []
    panel.compare()  # no template chosen: a red hint
    assert "Choose a template" in panel.status.value and problems(panel) == []
    panel.template_picker.value = "python-ml"
    panel.region_picker.value = ("eu-west-1", "us-east-1")
    panel.compare()
    panel.wait(timeout=60)
    assert "$" in panel.table.value.replace("&#36;", "$") and problems(panel) == []


def test_browse_panel_details_and_an_empty_search(service: CwsService) -> None:
    """A template's details, and a search for a formula that matches nothing."""
    panel = BrowsePanel(service=service)
    panel.select("python-ml")
    assert problems(panel) == []
    panel.search.value = "$x^2$ nothing"
    assert "No template matches" in panel.details.value and problems(panel) == []


def test_instances_panel_and_progress_bar(service: CwsService) -> None:
    """The (empty) workstation list, a refused action, and a progress bar's words."""
    panel = InstancesPanel(service=service)
    panel.wait(timeout=60)
    panel.terminate()  # nothing ticked: a red hint
    assert problems(panel) == []
    bar = ProgressBar("copying $5 of data")
    bar.report(Progress(step="copy", message="$0.80 once", done=1, total=2))
    bar.finish(ok=False, message="cost $1 $2")
    assert problems(bar) == []


#: How to build each widget class the package exports (a new one must be added here).
BUILDERS: dict[str, Callable[[CwsService], Any]] = {
    "BrowsePanel": lambda service: BrowsePanel(service=service),
    "CostPanel": lambda service: CostPanel(service=service, template="python-ml"),
    "InstancesPanel": lambda service: InstancesPanel(service=service),
    "LaunchPanel": lambda service: LaunchPanel(service=service, template="teaching-lab"),
    "ProgressBar": lambda service: ProgressBar("copying"),
}


def exported_widgets() -> list[str]:
    """Every widget class ``cws_jupyter.widgets`` exports that can be built (not the base)."""
    return sorted(
        name
        for name in cws_jupyter.widgets.__all__
        if isinstance(getattr(cws_jupyter.widgets, name), type)
        and issubclass(getattr(cws_jupyter.widgets, name), widgets.DOMWidget)
        and name != "Panel"
    )


def test_every_exported_widget_is_checked() -> None:
    """Found by looking: a new panel fails here until it is built (and checked) below."""
    assert exported_widgets() == sorted(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_html_a_widget_holds_is_guarded(name: str, service: CwsService) -> None:
    """Whatever a panel later writes into its HTML widgets, MathJax is kept away: each one is a
    ``NoMathHTML``, which wraps a value that would leave text to MathJax."""
    panel = BUILDERS[name](service)
    if isinstance(panel, (InstancesPanel,)):
        panel.wait(timeout=60)
    html_widgets = [w for w in walk(panel) if isinstance(w, widgets.HTML)]
    assert html_widgets, name
    unguarded = [w for w in html_widgets if not isinstance(w, NoMathHTML)]
    assert unguarded == [], f"{name}: plain widgets.HTML {unguarded[:2]}"
    for widget in html_widgets:  # a later write, as a panel's own code could make it
        widget.value = f"<b>{TWO_AMOUNTS}</b> and <i>$x^2$</i>"
    assert problems(panel) == []


TWO_AMOUNTS = "about 8 min ($0.081) per launch; its storage ($5.00/month)"


@pytest.mark.parametrize(
    "value",
    [
        TWO_AMOUNTS,
        f'<span class="{NO_MATH}">guarded</span> then {TWO_AMOUNTS}',
        f'<div class="tex2jax_ignore">only MathJax 2\'s class: {TWO_AMOUNTS}</div>',
        f"<svg><text>{TWO_AMOUNTS}</text></svg>",
        f"<table><tr><td>$0.081</td><td>$5.00</td></tr></table><br>{TWO_AMOUNTS}",
    ],
    ids=["plain", "partly-guarded", "one-class-only", "svg", "table-then-text"],
)
def test_guarded_html_widget_wraps_exposed_values(value: str) -> None:
    """A value with any text outside the ignore classes is wrapped, its content unchanged."""
    widget = NoMathHTML(value)
    assert exposed_to_mathjax(widget.value) == [] and value in widget.value
    widget.value = value
    assert exposed_to_mathjax(widget.value) == [] and value in widget.value


def test_guarded_html_widget_leaves_safe_values_alone() -> None:
    """Empty stays empty; a value already wholly guarded is not wrapped again (re-assigning the
    value read back does not nest it)."""
    widget = NoMathHTML()
    assert widget.value == ""
    safe = f'<div class="{NO_MATH}">{TWO_AMOUNTS}</div>'
    widget.value = safe
    assert widget.value == safe
    widget.value = TWO_AMOUNTS
    wrapped = widget.value
    widget.value = wrapped
    assert widget.value == wrapped and wrapped.count(NO_MATH) == 1
