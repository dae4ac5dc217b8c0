"""An inline SVG chart of cost comparisons per region, drawn by hand (no plotting library).

Three panels share the rows of the regions, each with its own axis, so a cost per launch is
never read off the scale of a cost per month: time to a ready workstation, setup cost per
launch, storage per month; in each, the prebuilt AMI (first bar) against script provisioning
(second bar). Colours and text use JupyterLab's theme variables, so the chart reads in the
light and the dark theme; bars carry tooltips (``<title>``). The ``<svg>`` comes inside an
element of MathJax's ignore classes, so its dollar amounts stay text wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .html import Raw, duration, esc, money, no_math

AMI_COLOUR = "var(--jp-success-color1, #2da44e)"
SCRIPT_COLOUR = "var(--jp-warn-color1, #d4a72c)"
TEXT = "var(--jp-content-font-color1, currentColor)"
MUTED = "var(--jp-content-font-color2, #6e7781)"
AXIS = "var(--jp-border-color1, #8c959f)"
GRID = "var(--jp-border-color2, #d0d7de)"
LABEL_W, PANEL_W, GAP, BAR_H, ROW_H, TOP = 118, 200, 34, 13, 40, 46
PANELS = 3
WIDTH = LABEL_W + PANELS * PANEL_W + (PANELS - 1) * GAP + 12
#: Share of a panel's width its longest bar takes (the rest holds the value label).
FILL = 0.68
#: The width of a character of a tick label (9 px text), to keep labels apart.
TICK_CHAR_W = 5.4


def _text(
    x: float,
    y: float,
    body: str,
    size: int = 11,
    fill: str = TEXT,
    anchor: str = "start",
    weight: str = "normal",
) -> str:
    """An escaped SVG text element, coloured through CSS (theme variables work there)."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" style="fill: {fill}">{esc(body)}</text>'
    )


def _bar(x: float, y: float, width: float, fill: str, tip: str, cls: str) -> str:
    """A bar with a tooltip (at least one pixel wide, so zero still shows)."""
    return (
        f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 1.0):.1f}" '
        f'height="{BAR_H}" rx="2" style="fill: {fill}"><title>{esc(tip)}</title></rect>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, dash: bool = False) -> str:
    """A straight line (an axis, or a dashed grid line)."""
    pattern = ' stroke-dasharray="2 3"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"{pattern} '
        f'style="stroke: {colour}"/>'
    )


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 up to at least ``top`` (steps of 1, 2, 2.5 or 5 times 10^k)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-12:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _money_tick(value: float, step: float) -> str:
    """``$0.25``, ``$0.0005``: the decimals the step needs (at least two)."""
    if value == 0:
        return "$0"
    decimals = len(f"{step:.8f}".rstrip("0").split(".")[1])
    return f"${value:.{max(2, decimals)}f}"


def _time_tick(value: float, step: float) -> str:
    """``0``, ``2 min``, ``30s``."""
    if value == 0:
        return "0"
    if step >= 60:
        return f"{value / 60:g} min"
    return f"{value:.0f}s"


class Panel:
    """One measure drawn for every region: a scale, an axis with ticks, two bars per row."""

    def __init__(
        self,
        x: float,
        title: str,
        unit: str,
        top: float,
        tick: Callable[[float, float], str],
        base: float = 1.0,
    ) -> None:
        """A panel at ``x`` whose axis reaches at least ``top``, in round numbers of ``base``
        (60: whole minutes)."""
        self.x, self.title, self.unit = x, title, unit
        self.tick = tick
        self.base = base
        self.ticks = self._readable_ticks(top)
        self.top = self.ticks[-1]
        self.scale = PANEL_W * FILL / self.top if self.top else 0.0

    def _readable_ticks(self, top: float) -> list[float]:
        """As many ticks as leave room between their labels (at least 0 and one more)."""
        for count in (4, 3, 2, 1):
            ticks = [t * self.base for t in nice_ticks(top / self.base, count)]
            step = ticks[1] - ticks[0]
            longest = max(len(self.tick(t, step)) for t in ticks)
            if longest * TICK_CHAR_W + 6 <= PANEL_W * FILL / (len(ticks) - 1):
                break
        return ticks

    def width(self, value: float | None) -> float:
        """The bar length of ``value``."""
        return (value or 0.0) * self.scale

    def frame(self, bottom: float) -> str:
        """The title, the grid lines, the axis and its tick labels."""
        step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else 1.0
        parts = [
            _text(self.x, 14, self.title, 12, weight="600"),
            _text(self.x, 28, self.unit, 10, fill=MUTED),
        ]
        for value in self.ticks:
            x = self.x + value * self.scale
            if value:
                parts.append(_line(x, TOP - 4, x, bottom, GRID, dash=True))
            parts.append(_text(x, bottom + 13, self.tick(value, step), 9, MUTED, "middle"))
        parts.append(_line(self.x, TOP - 4, self.x, bottom, AXIS))
        return "".join(parts)

    def pair(
        self,
        y: float,
        values: tuple[float | None, float | None],
        labels: tuple[str, str],
        tips: tuple[str, str],
        classes: tuple[str, str],
    ) -> str:
        """The AMI's bar above script provisioning's, each with its value at its end."""
        out = []
        for i, colour in enumerate((AMI_COLOUR, SCRIPT_COLOUR)):
            top = y + i * (BAR_H + 3)
            length = self.width(values[i])
            out.append(_bar(self.x, top, length, colour, tips[i], classes[i]))
            out.append(_text(self.x + max(length, 1.0) + 4, top + BAR_H - 3, labels[i], 10))
        return "".join(out)


def _panels(comparisons: Sequence[Any]) -> tuple[Panel, Panel, Panel]:
    """The three panels, scaled to the largest value of each measure."""
    x = LABEL_W
    longest = max((c.script_launch_seconds for c in comparisons), default=0)
    time = Panel(
        x,
        "time to a ready workstation",
        "boot, plus installing the template",
        longest,
        _time_tick,
        base=60.0 if longest >= 120 else 1.0,
    )
    x += PANEL_W + GAP
    launch = Panel(
        x,
        "setup cost per launch",
        "USD: instance time spent installing",
        max((c.script_setup_cost or 0.0 for c in comparisons), default=0.0),
        _money_tick,
    )
    x += PANEL_W + GAP
    month = Panel(
        x,
        "storage per month",
        "USD: keeping the AMI's snapshot",
        max((c.snapshot_storage_per_month for c in comparisons), default=0.0),
        _money_tick,
    )
    return time, launch, month


def _region_group(c: Any, y: float, panels: tuple[Panel, Panel, Panel]) -> str:
    """One region's row: its name and type, then the AMI and script bars of each panel."""
    time, launch, month = panels
    setup, storage = c.script_setup_cost, c.snapshot_storage_per_month
    parts = [
        _text(0, BAR_H - 2, c.region, 12, weight="600"),
        _text(0, 2 * BAR_H + 1, c.instance_type, 10, fill=MUTED),
        time.pair(
            y=0,
            values=(c.ami_launch_seconds, c.script_launch_seconds),
            labels=(duration(c.ami_launch_seconds), duration(c.script_launch_seconds)),
            tips=(
                f"{c.region}: a prebuilt AMI is ready in {duration(c.ami_launch_seconds)}",
                f"{c.region}: script provisioning is ready in {duration(c.script_launch_seconds)}",
            ),
            classes=("cws-bar-ami", "cws-bar-script"),
        ),
        launch.pair(
            y=0,
            values=(0.0, setup),
            labels=("$0", money(setup, 4)),
            tips=(
                f"{c.region}: a prebuilt AMI installs nothing: $0 per launch",
                f"{c.region}: script provisioning costs {money(setup, 4)} per launch "
                f"({c.instance_type} while it installs)",
            ),
            classes=("cws-bar-ami-setup", "cws-bar-setup"),
        ),
        month.pair(
            y=0,
            values=(storage, 0.0),
            labels=(money(storage, 2), "$0"),
            tips=(
                f"{c.region}: keeping the AMI ({c.snapshot_gb} GB) costs "
                f"{money(storage, 2)} per month",
                f"{c.region}: script provisioning stores nothing: $0 per month",
            ),
            classes=("cws-bar-storage", "cws-bar-script-storage"),
        ),
    ]
    return (
        f'<g class="cws-region" data-region="{esc(c.region)}" transform="translate(6,{y:.1f})">'
        + "".join(parts)
        + "</g>"
    )


def _legend(y: float) -> str:
    """The two colours: the prebuilt AMI, script provisioning."""
    parts = []
    x = LABEL_W + 6
    for label, fill in (("prebuilt AMI", AMI_COLOUR), ("script provisioning", SCRIPT_COLOUR)):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" '
            f'style="fill: {fill}"/>'
        )
        parts.append(_text(x + 14, y, label, 11))
        x += 28 + 6.2 * len(label)
    return "".join(parts)


def cost_chart_svg(comparisons: Sequence[Any]) -> str:
    """The chart: per region, AMI against script provisioning in time, per launch, per month."""
    panels = _panels(comparisons)
    bottom = TOP + ROW_H * len(comparisons) - 4
    height = bottom + 40
    frames = [p.frame(bottom) for p in panels]
    groups = [_region_group(c, TOP + i * ROW_H, panels) for i, c in enumerate(comparisons)]
    svg = (
        f'<svg class="cws-cost-chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'style="font-family: var(--jp-ui-font-family, system-ui, sans-serif); color: {TEXT}">'
        f"<title>A template AMI vs script provisioning, by region</title>"
        f"{''.join(frames)}{''.join(groups)}{_legend(height - 6)}</svg>"
    )
    return str(no_math(Raw(svg)))
