"""No panel shows text MathJax could typeset: every HTML a panel holds, in every state it can be
driven to (results, failures, empty searches, the chart), keeps its text inside an element of
MathJax's ignore classes, and no label a front end typesets holds a dollar sign."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from widget_helpers import exposed_to_mathjax, walk

from cws_jupyter.core.progress import Progress
from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import BrowsePanel, CostPanel, InstancesPanel, LaunchPanel, ProgressBar

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
