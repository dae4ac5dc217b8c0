"""``ScanView``: scan one image from a panel (an image id, a region, a Scan button, the report),
the scan running in the background (the report's HTML: ``display.security``)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..display.html import MUTED, no_math, tag
from ..display.security import security_report_html
from .base import (
    LABEL_STYLE,
    PICKER_LAYOUT,
    NoMathHTML,
    Panel,
    dropdown,
    region_options,
    short_error_html,
)


class ScanView(Panel):
    """Scan an image from a panel: its id and region, a Scan button, the report below. The
    Browse panel embeds it and calls ``show_image`` when an image is chosen."""

    def __init__(
        self, service: Any = None, ami_id: str | None = None, region: str | None = None
    ) -> None:
        """An image id (optional) and a region (default: the configured one)."""
        super().__init__(service)
        self.ami_field = widgets.Text(
            value=ami_id or "",
            description="Image",
            placeholder="ami-0123456789abcdef0",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.region_picker = dropdown(
            "Region", region_options(self.service), region or self.service.settings.region
        )
        self.scan_button = widgets.Button(
            description="Scan",
            icon="shield",
            tooltip="Owner, age, sharing, encryption, IMDSv2, boot mode, Amazon Inspector",
        )
        self.status = NoMathHTML()
        self.output = NoMathHTML()
        #: The last report shown (None before a scan, or after a failed one).
        self.report: Any = None
        self.scan_button.on_click(lambda _b: self.scan())
        self.children = [
            self.ami_field,
            self.region_picker,
            widgets.HBox([self.scan_button, self.status]),
            self.output,
        ]

    def show_image(self, ami_id: str, region: str | None = None) -> None:
        """Put an image in the fields (the previous report is cleared until it is scanned)."""
        self.ami_field.value = ami_id
        values = [value for _, value in self.region_picker.options]
        if region in values:
            self.region_picker.value = region
        self.report = None
        self.output.value = ""
        self._say("")

    def scan(self) -> None:
        """Scan the image in the fields, in the background."""
        from ..core.security.wiring import scanner_for

        ami_id = self.ami_field.value.strip()
        region = self.region_picker.value or None
        if not ami_id:
            self._say("enter an image id first")
            return
        self.scan_button.disabled = True
        self._say(f"scanning {ami_id} in {region}...")

        def done(report: Any) -> None:
            self.report = report
            self.output.value = security_report_html(report)
            self._say("")

        def failed(exc: BaseException) -> None:
            self.report = None
            self.output.value = short_error_html(exc)
            self._say("")

        def finish() -> None:
            self.scan_button.disabled = False

        self.run_in_background(
            lambda: scanner_for(self.service).scan(ami_id, region), done, failed, finish
        )

    def _say(self, text: str) -> None:
        self.status.value = str(no_math(tag("span", text, f"color: {MUTED}"), True)) if text else ""
