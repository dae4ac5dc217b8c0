"""An inline SVG bar chart of cost comparisons per region: time and money (no plotting library)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import duration, esc, money

AMI_COLOUR, SCRIPT_COLOUR = "#1a7f37", "#bf8700"
SETUP_COLOUR, STORAGE_COLOUR = "#bc4c00", "#0969da"
LABEL_W, PANEL_W, GAP, ROW_H, BAR_H, TOP = 130, 270, 50, 46, 16, 50
TIME_X = LABEL_W
MONEY_X = LABEL_W + PANEL_W + GAP
WIDTH = MONEY_X + PANEL_W + 40


def _text(
    x: float,
    y: float,
    body: str,
    size: int = 11,
    fill: str = "currentColor",
    anchor: str = "start",
    weight: str = "normal",
) -> str:
    """An escaped SVG text element."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
        f'font-weight="{weight}">{esc(body)}</text>'
    )


def _bar(x: float, y: float, width: float, fill: str, tip: str, cls: str) -> str:
    """A bar with a tooltip (at least one pixel wide, so zero still shows)."""
    return (
        f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 1.0):.1f}" '
        f'height="{BAR_H}" '
        f'fill="{fill}" rx="2"><title>{esc(tip)}</title></rect>'
    )


def _axis(x: float, y1: float, y2: float) -> str:
    """A vertical axis line."""
    return f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#d0d7de"/>'


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> str:
    """Colour swatches with labels, in a row."""
    out = []
    for label, fill in items:
        out.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{fill}" rx="2"/>'
        )
        out.append(_text(x + 14, y, label, 11))
        x += 18 + 6.5 * len(label)
    return "".join(out)


def _region_group(c: Any, y: float, time_max: float, money_max: float) -> str:
    """One region's bars: AMI vs script time (left), setup cost vs monthly storage (right)."""
    scale_t = PANEL_W * 0.72 / time_max if time_max else 0.0
    scale_m = PANEL_W * 0.72 / money_max if money_max else 0.0
    ami_w, script_w = c.ami_launch_seconds * scale_t, c.script_launch_seconds * scale_t
    setup = c.script_setup_cost
    setup_w = (setup or 0.0) * scale_m
    storage_w = c.snapshot_storage_per_month * scale_m
    y2 = BAR_H + 4
    parts = [
        _text(0, BAR_H - 2, c.region, 12, weight="600"),
        _text(0, y2 + BAR_H - 3, c.instance_type, 10, fill="#6e7781"),
        _bar(
            TIME_X,
            0,
            ami_w,
            AMI_COLOUR,
            f"{c.region}: AMI ready in {duration(c.ami_launch_seconds)}",
            "cws-bar-ami",
        ),
        _text(TIME_X + max(ami_w, 1) + 4, BAR_H - 4, duration(c.ami_launch_seconds)),
        _bar(
            TIME_X,
            y2,
            script_w,
            SCRIPT_COLOUR,
            f"{c.region}: script ready in {duration(c.script_launch_seconds)}",
            "cws-bar-script",
        ),
        _text(TIME_X + max(script_w, 1) + 4, y2 + BAR_H - 4, duration(c.script_launch_seconds)),
        _bar(
            MONEY_X,
            0,
            setup_w,
            SETUP_COLOUR,
            f"{c.region}: script setup costs {money(setup)} per launch",
            "cws-bar-setup",
        ),
        _text(MONEY_X + max(setup_w, 1) + 4, BAR_H - 4, money(setup, 3)),
        _bar(
            MONEY_X,
            y2,
            storage_w,
            STORAGE_COLOUR,
            f"{c.region}: keeping the AMI costs {money(c.snapshot_storage_per_month, 2)} per month",
            "cws-bar-storage",
        ),
        _text(
            MONEY_X + max(storage_w, 1) + 4, y2 + BAR_H - 4, money(c.snapshot_storage_per_month, 2)
        ),
    ]
    return (
        f'<g class="cws-region" data-region="{esc(c.region)}" transform="translate(8,{y:.1f})">'
        + "".join(parts)
        + "</g>"
    )


def cost_chart_svg(comparisons: Sequence[Any]) -> str:
    """A bar chart, one group per region: time to ready (AMI, script), cost (setup, storage)."""
    time_max = max((c.script_launch_seconds for c in comparisons), default=0)
    money_max = max(
        (max(c.script_setup_cost or 0.0, c.snapshot_storage_per_month) for c in comparisons),
        default=0.0,
    )
    height = TOP + ROW_H * len(comparisons) + 6
    head = [
        _text(TIME_X + 8, 14, "time to a ready workstation", 12, weight="600"),
        _text(MONEY_X + 8, 14, "cost in USD", 12, weight="600"),
        _legend(
            TIME_X + 8, 34, [("prebuilt AMI", AMI_COLOUR), ("script provisioning", SCRIPT_COLOUR)]
        ),
        _legend(
            MONEY_X + 8, 34, [("setup / launch", SETUP_COLOUR), ("storage / month", STORAGE_COLOUR)]
        ),
        _axis(TIME_X + 8, TOP - 6, height - 4),
        _axis(MONEY_X + 8, TOP - 6, height - 4),
    ]
    groups = [
        _region_group(c, TOP + i * ROW_H, time_max, money_max) for i, c in enumerate(comparisons)
    ]
    return (
        f'<svg class="cws-cost-chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="system-ui, sans-serif">'
        f"<title>A template AMI vs script provisioning by region</title>"
        f"{''.join(head)}{''.join(groups)}</svg>"
    )
