"""Small HTML building blocks: every value is escaped unless it is ``Raw`` (HTML built here)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

#: Colours of the fallback chain's outcomes (GitHub's accessible palette).
OUTCOME_COLOURS = {
    "hit": "#1a7f37",
    "miss": "#9a6700",
    "skipped": "#6e7781",
    "refused": "#cf222e",
    "error": "#cf222e",
}
GOOD, WARN, BAD, MUTED = "#1a7f37", "#9a6700", "#cf222e", "#6e7781"
FONT = (
    "font-family: var(--jp-ui-font-family, system-ui, sans-serif); "
    "font-size: 13px; line-height: 1.45"
)
CELL = "padding: 3px 10px 3px 0; text-align: left; vertical-align: top; border: none"


class Raw(str):
    """A string of HTML built by this module (already escaped): inserted as it is."""


def esc(value: Any) -> str:
    """``value`` as escaped text; ``Raw`` passes through; None is empty."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    return html.escape(str(value), quote=True)


def tag(name: str, body: Any = "", style: str = "", **attrs: Any) -> Raw:
    """``<name style=... attrs>body</name>`` with the body and attribute values escaped."""
    parts = [name]
    if style:
        parts.append(f'style="{esc(style)}"')
    for key, val in attrs.items():
        if val is not None:
            parts.append(f'{key.rstrip("_").replace("_", "-")}="{esc(val)}"')
    return Raw(f"<{' '.join(parts)}>{esc(body)}</{name}>")


def join(parts: Iterable[Any], sep: str = "") -> Raw:
    """Concatenate escaped parts."""
    return Raw(sep.join(esc(p) for p in parts))


def box(*parts: Any, title: Any = None) -> Raw:
    """The outer container of a rendered result."""
    head = (
        tag("div", title, "font-weight: 600; font-size: 14px; margin-bottom: 4px") if title else ""
    )
    return Raw(f'<div class="cws-result" style="{FONT}">{esc(head)}{join(parts)}</div>')


def heading(text: Any) -> Raw:
    """A section heading."""
    return tag("div", text, "font-weight: 600; margin: 10px 0 2px 0")


def colour(text: Any, hex_colour: str, bold: bool = False) -> Raw:
    """Text in a colour."""
    weight = "; font-weight: 600" if bold else ""
    return tag("span", text, f"color: {hex_colour}{weight}")


def badge(text: Any, hex_colour: str) -> Raw:
    """A small coloured label."""
    style = (
        "display: inline-block; padding: 0 6px; border-radius: 8px; "
        f"border: 1px solid {hex_colour}; "
        f"color: {hex_colour}; font-size: 12px"
    )
    return tag("span", text, style)


def code(text: Any) -> Raw:
    """Monospace text."""
    return tag("code", text, "font-family: var(--jp-code-font-family, monospace)")


def table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], cls: str = "cws-table") -> Raw:
    """A plain table (cells are escaped unless ``Raw``)."""
    head = join(
        tag("th", h, CELL + "; font-weight: 600; border-bottom: 1px solid #d0d7de") for h in headers
    )
    body = join(tag("tr", join(tag("td", c, CELL) for c in row)) for row in rows)
    return Raw(
        f'<table class="{esc(cls)}" style="border-collapse: collapse; margin: 2px 0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def pairs(items: Iterable[tuple[Any, Any]]) -> Raw:
    """A two-column label/value table (rows with an empty value are left out)."""
    rows = [(tag("span", k, f"color: {MUTED}"), v) for k, v in items if v not in (None, "", [])]
    body = join(tag("tr", join(tag("td", c, CELL) for c in row)) for row in rows)
    return Raw(f'<table class="cws-pairs" style="border-collapse: collapse">{body}</table>')


def bullet_list(items: Iterable[Any], hex_colour: str | None = None) -> Raw:
    """An unordered list."""
    style = f"color: {hex_colour}" if hex_colour else ""
    return tag("ul", join(tag("li", i, style) for i in items), "margin: 2px 0; padding-left: 20px")


def warnings_block(warnings: Sequence[Any]) -> Raw:
    """Warnings, highlighted (empty when there are none)."""
    if not warnings:
        return Raw("")
    items = join(tag("li", w) for w in warnings)
    style = (
        "background: #fff8c5; border-left: 4px solid #d4a72c; color: #4d2d00; "
        "padding: 4px 10px; margin: 6px 0"
    )
    return Raw(
        f'<div class="cws-warnings" style="{style}"><b>Warnings</b>'
        f'<ul style="margin: 2px 0; padding-left: 20px">{items}</ul></div>'
    )


def error_block(headline: Any, details: Sequence[Any] = ()) -> Raw:
    """A readable red error message (no traceback)."""
    style = (
        f"color: {BAD}; border-left: 4px solid {BAD}; background: #ffebe9; "
        "padding: 4px 10px; margin: 6px 0"
    )
    more = bullet_list(details) if details else ""
    return Raw(f'<div class="cws-error" style="{style}"><b>{esc(headline)}</b>{esc(more)}</div>')


def details(summary: Any, body: Any) -> Raw:
    """A collapsed ``<details>`` block."""
    return Raw(f"<details><summary>{esc(summary)}</summary>{esc(body)}</details>")


def pre(text: Any) -> Raw:
    """Preformatted text."""
    return tag("pre", text, "white-space: pre-wrap; font-size: 12px; margin: 4px 0")


def money(value: float | None, digits: int = 4) -> str:
    """``$0.5260`` or ``n/a``."""
    return "n/a" if value is None else f"${value:.{digits}f}"


def duration(seconds: float) -> str:
    """``45s`` or ``12.5 min``."""
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.1f} min"
