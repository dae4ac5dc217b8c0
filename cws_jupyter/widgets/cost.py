"""``CostPanel``: AMI launch versus script provisioning across regions, as a chart and a table."""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as widgets

from ..core.errors import CwsError
from ..display.chart import cost_chart_svg
from ..display.html import MUTED, error_block
from ..display.resolution import costs_table_html
from .base import (
    ARCHITECTURES,
    LABEL_STYLE,
    PICKER_LAYOUT,
    Panel,
    dropdown,
    error_html,
    region_options,
    template_options,
)


class CostPanel(Panel):
    """Per region: time to ready (AMI vs script), money (setup per launch vs storage per month)."""

    def __init__(
        self, service: Any = None, template: str | None = None, regions: list[str] | None = None
    ) -> None:
        """Default regions: the configured region and its fallback neighbours."""
        super().__init__(service)
        self.template_picker = dropdown("Template", template_options(self.service), template)
        self.region_picker = widgets.SelectMultiple(
            options=region_options(self.service),
            value=tuple(regions or self.default_regions()),
            rows=8,
            description="Regions",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.arch_picker = dropdown("Architecture", ARCHITECTURES)
        self.compare_button = widgets.Button(
            description="Compare",
            button_style="primary",
            icon="bar-chart",
            tooltip="Compare AMI launch and script provisioning per region",
        )
        self.progress = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            description="",
            bar_style="info",
            layout=widgets.Layout(width="460px", visibility="hidden"),
        )
        self.status = widgets.HTML()
        self.chart = widgets.HTML()
        self.table = widgets.HTML()
        self.comparisons: list[Any] = []
        self.compared_template: str | None = None
        self.compare_button.on_click(self.compare)
        self.children = [
            widgets.HTML("<b>AMI launch vs script provisioning, by region</b>"),
            self.template_picker,
            self.region_picker,
            self.arch_picker,
            self.compare_button,
            self.progress,
            self.status,
            self.chart,
            self.table,
        ]

    def default_regions(self) -> list[str]:
        """The configured region and its fallback neighbours."""
        home = self.service.settings.region
        try:
            return [home, *self.service.regions.fallbacks(home)]
        except CwsError:
            return []

    def compare(self, _button: Any = None) -> threading.Thread | None:
        """Start computing the comparison for each selected region (ignored while one runs)."""
        if self.busy:
            return None
        regions = list(self.region_picker.value)
        if not regions:
            self.status.value = str(error_block("Choose at least one region to compare."))
            return None
        template = self.compared_template = self.template_picker.value
        arch = None if self.arch_picker.value == "auto" else self.arch_picker.value
        self.compare_button.disabled = True
        self.progress.max, self.progress.value = len(regions), 0
        self.progress.layout.visibility = "visible"
        doing = f"Comparing {template} in {len(regions)} regions\u2026"
        self.status.value = f'<span style="color: {MUTED}">{html.escape(doing)}</span>'

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
        self.status.value = (
            f'<span style="color: {MUTED}">{html.escape(self.compared_template or "")} on '
            f"{html.escape(first.instance_type)}; prices of {html.escape(first.price_as_of)}</span>"
        )
        self.chart.value = f'<div class="cws-chart">{cost_chart_svg(comparisons)}</div>'
        self.table.value = costs_table_html(comparisons)

    def _fail(self, exc: BaseException) -> None:
        """Show a failure as a red message."""
        self.comparisons = []
        self.chart.value = self.table.value = ""
        self.status.value = error_html(exc)

    def _finish(self) -> None:
        """Re-enable the button and hide the progress bar."""
        self.compare_button.disabled = False
        self.progress.layout.visibility = "hidden"
