"""``LaunchPanel``: pick template, region, strategy, architecture; resolve in the background."""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as widgets

from ..display.html import MUTED
from ..display.resolution import resolution_html
from .base import ARCHITECTURES, Panel, dropdown, error_html, region_options, template_options

STRATEGIES = [
    ("the template's own", ""),
    ("ami_preferred", "ami_preferred"),
    ("ami_required", "ami_required"),
    ("ami_fallback", "ami_fallback"),
]
LAUNCH_LATER = (
    "Launching a workstation comes in a later release; resolve shows what it would launch."
)


class LaunchPanel(Panel):
    """Resolve the best AMI for a template in a region: method, chain, warnings, cost and time."""

    def __init__(
        self, service: Any = None, template: str | None = None, region: str | None = None
    ) -> None:
        """Build the pickers from the service's catalogue and region map."""
        super().__init__(service)
        self.summaries = {t.slug: t for t in self.service.list_templates().templates}
        self.template_picker = dropdown("Template", template_options(self.service), template)
        self.template_info = widgets.HTML()
        self.region_picker = dropdown(
            "Region", region_options(self.service), region or self.service.settings.region
        )
        self.strategy_picker = dropdown("Strategy", STRATEGIES)
        self.arch_picker = dropdown("Architecture", ARCHITECTURES)
        self.resolve_button = widgets.Button(
            description="Resolve",
            button_style="primary",
            icon="search",
            tooltip="Find the best AMI (runs in the background)",
        )
        self.launch_button = widgets.Button(
            description="Launch", icon="rocket", disabled=True, tooltip=LAUNCH_LATER
        )
        self.status = widgets.HTML()
        self.result = widgets.HTML()
        self.resolution: Any = None
        self.template_picker.observe(self._describe, names="value")
        self.resolve_button.on_click(self.resolve)
        self._describe()
        self.children = [
            widgets.HTML("<b>Resolve a workstation AMI</b>"),
            self.template_picker,
            self.template_info,
            self.region_picker,
            self.strategy_picker,
            self.arch_picker,
            widgets.HBox([self.resolve_button, self.launch_button]),
            self.status,
            self.result,
        ]

    def _describe(self, _change: Any = None) -> None:
        """Show the selected template's description and strategy."""
        summary = self.summaries.get(self.template_picker.value)
        if summary is None:
            self.template_info.value = ""
            return
        strategy = summary.strategy or "script provisioning"
        self.template_info.value = (
            f'<div style="margin: 0 0 4px 100px; color: {MUTED}">'
            f"{html.escape(summary.description)} "
            f"<i>({html.escape(summary.category or 'uncategorised')}; {html.escape(strategy)})</i>"
            "</div>"
        )

    def resolve(self, _button: Any = None) -> threading.Thread | None:
        """Start resolving with the current choices (ignored while a resolution runs)."""
        if self.busy:
            return None
        template, region = self.template_picker.value, self.region_picker.value
        strategy = self.strategy_picker.value or None
        arch = None if self.arch_picker.value == "auto" else self.arch_picker.value
        self._set_busy(True, f"Resolving {template} in {region}\u2026")
        return self.run_in_background(
            lambda: self.service.resolve(
                template, region=region, strategy=strategy, architecture=arch
            ),
            self._show,
            self._fail,
            lambda: self._set_busy(False),
        )

    def _set_busy(self, busy: bool, message: str = "") -> None:
        """Disable the button and say what runs, or restore it."""
        self.resolve_button.disabled = busy
        self.resolve_button.description = "Resolving\u2026" if busy else "Resolve"
        self.resolve_button.icon = "hourglass-half" if busy else "search"
        if busy:
            self.status.value = (
                f'<span class="cws-busy" style="color: {MUTED}">'
                f"\u23f3 {html.escape(message)}</span>"
            )

    def _show(self, resolution: Any) -> None:
        """Show a resolution."""
        self.resolution = resolution
        self.status.value = (
            f'<span style="color: {MUTED}">{html.escape(resolution.summary())}</span>'
        )
        self.result.value = resolution_html(resolution)

    def _fail(self, exc: BaseException) -> None:
        """Show a failure as a red message."""
        self.resolution = None
        self.status.value = ""
        self.result.value = error_html(exc)
