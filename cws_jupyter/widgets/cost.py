"""``CostPanel``: AMI launch versus script provisioning across regions, as a chart and a table."""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets

from ..core.errors import CwsError
from ..display.chart import cost_chart_svg
from ..display.html import MUTED, error_block, no_math, tag
from ..display.resolution import costs_table_html
from .base import (
    ARCHITECTURES,
    HINT_STYLE,
    LABEL_STYLE,
    PICKER_LAYOUT,
    NoMathHTML,
    Panel,
    dropdown,
    panel_title,
    region_options,
    short_error_html,
    template_options,
)

CHOOSE = "Choose a template\u2026"
CHOOSE_FIRST = "Choose a template first."
COMPARE_TIP = "Compare AMI launch and script provisioning per region"


class CostPanel(Panel):
    """Per region: time to ready (AMI vs script), money (setup per launch vs storage per month)."""

    def __init__(
        self, service: Any = None, template: str | None = None, regions: list[str] | None = None
    ) -> None:
        """Default regions: the configured region and its fallback neighbours, listed first.

        No template is chosen until one is picked (or given as ``template``)."""
        super().__init__(service)
        self.template_picker = dropdown(
            "Template", [(CHOOSE, "")] + template_options(self.service), template or ""
        )
        chosen = list(regions or self.default_regions())
        self.region_picker = widgets.SelectMultiple(
            options=chosen_first(region_options(self.service), chosen),
            value=tuple(chosen),
            rows=8,
            description="Regions",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.chosen = NoMathHTML()
        self.arch_picker = dropdown("Architecture", ARCHITECTURES)
        self.compare_button = widgets.Button(
            description="Compare",
            button_style="primary",
            icon="bar-chart",
            tooltip=COMPARE_TIP,
        )
        self.progress = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            description="",
            bar_style="info",
            layout=widgets.Layout(width="460px", visibility="hidden"),
        )
        self.status = NoMathHTML()
        self.chart = NoMathHTML()
        self.table = NoMathHTML()
        self.comparisons: list[Any] = []
        self.compared_template: str | None = None
        self.compare_button.on_click(self.compare)
        self.template_picker.observe(self._update_button, names="value")
        self.region_picker.observe(self._show_chosen, names="value")
        self.children = [
            panel_title("AMI launch vs script provisioning, by region"),
            self.template_picker,
            self.region_picker,
            self.chosen,
            self.arch_picker,
            self.compare_button,
            self.progress,
            self.status,
            self.chart,
            self.table,
        ]
        self._show_chosen()
        self._update_button()

    def default_regions(self) -> list[str]:
        """The configured region and its fallback neighbours."""
        home = self.service.settings.region
        try:
            return [home, *self.service.regions.fallbacks(home)]
        except CwsError:
            return []

    def _show_chosen(self, _change: Any = None) -> None:
        """Name the chosen regions under the picker (the list scrolls; this line does not)."""
        regions = list(self.region_picker.value)
        words = f"{len(regions)} chosen: {', '.join(regions)}" if regions else "none chosen"
        self.chosen.value = str(no_math(tag("div", words, f"{HINT_STYLE}; color: {MUTED}")))

    def _update_button(self, _change: Any = None) -> None:
        """Compare needs a template (and waits while a comparison runs)."""
        if self.busy and threading.current_thread() is not self.worker:
            return
        missing = not self.template_picker.value
        self.compare_button.disabled = missing
        self.compare_button.tooltip = CHOOSE_FIRST if missing else COMPARE_TIP

    def compare(self, _button: Any = None) -> threading.Thread | None:
        """Start computing the comparison for each selected region (ignored while one runs)."""
        if self.busy:
            return None
        regions = list(self.region_picker.value)
        template = self.template_picker.value
        if not template:
            self.status.value = str(error_block("Choose a template to compare."))
            return None
        if not regions:
            self.status.value = str(error_block("Choose at least one region to compare."))
            return None
        self.compared_template = template
        arch = None if self.arch_picker.value == "auto" else self.arch_picker.value
        self.compare_button.disabled = True
        self.progress.max, self.progress.value = len(regions), 0
        self.progress.layout.visibility = "visible"
        doing = f"Comparing {template} in {len(regions)} regions\u2026"
        self.status.value = str(no_math(tag("span", doing, f"color: {MUTED}"), True))

        def work() -> list[Any]:
            found = []
            for region in regions:
                found.append(self.service.costs(template, region, arch))
                self.progress.value = len(found)
            return found

        return self.run_in_background(work, self._show, self._fail, self._finish)

    def _show(self, comparisons: list[Any]) -> None:
        """Draw the chart and the table."""
        self.comparisons = comparisons
        first = comparisons[0]
        about = (
            f"{self.compared_template or ''} on {first.instance_type}; "
            f"prices of {first.price_as_of}"
        )
        self.status.value = str(no_math(tag("span", about, f"color: {MUTED}"), True))
        self.chart.value = cost_chart_svg(comparisons)
        self.table.value = costs_table_html(comparisons)

    def _fail(self, exc: BaseException) -> None:
        """Show a failure: one sentence, the details folded."""
        self.comparisons = []
        self.chart.value = self.table.value = ""
        self.status.value = short_error_html(exc)

    def _finish(self) -> None:
        """Re-enable the button and hide the progress bar."""
        self.progress.layout.visibility = "hidden"
        self._update_button()


def chosen_first(options: list[tuple[str, str]], chosen: list[str]) -> list[tuple[str, str]]:
    """The options with the chosen values first, in their order, so they are in view."""
    by_value = dict((value, label) for label, value in options)
    first = [(by_value[v], v) for v in chosen if v in by_value]
    return first + [(label, v) for label, v in options if v not in chosen]
