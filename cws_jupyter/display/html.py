"""Small HTML building blocks: every value is escaped unless it is ``Raw`` (HTML built here).

Notebooks typeset ``$...$`` in HTML output (and in ipywidgets' HTML) as MathJax, so a template
name or tag holding two dollar signs would turn into mathematics. Two guards, both here:
``esc`` writes ``$`` as ``&#36;`` (no dollar sign in the markup itself), and ``box`` and
``error_block`` wrap their content in an element of the classes MathJax 2 and 3 skip
(``NO_MATH``), since MathJax reads the page's text, in which ``&#36;`` is a dollar sign again.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from enum import Enum
from html.parser import HTMLParser
from typing import Any

#: Colours, as CSS: JupyterLab's theme variables (so they follow the light or dark theme), with
#: GitHub's accessible palette as the fallback elsewhere (VS Code, exported HTML).
GOOD = "var(--jp-success-color1, #1a7f37)"
WARN = "var(--jp-warn-color1, #9a6700)"
BAD = "var(--jp-error-color1, #cf222e)"
MUTED = "var(--jp-content-font-color2, #6e7781)"
INFO = "var(--jp-brand-color1, #0969da)"
TEXT = "var(--jp-content-font-color1, currentColor)"
RULE = "var(--jp-border-color1, #d0d7de)"
#: Colours of the fallback chain's outcomes.
OUTCOME_COLOURS = {"hit": GOOD, "miss": WARN, "skipped": MUTED, "refused": BAD, "error": BAD}
FONT = (
    "font-family: var(--jp-ui-font-family, system-ui, sans-serif); "
    "font-size: 13px; line-height: 1.45"
)
CELL = "padding: 3px 10px 3px 0; text-align: left; vertical-align: top; border: none"
#: Values up to this long without a space (regions, ids, types) are kept on one line.
SHORT = 40
#: Classes MathJax leaves alone: ``tex2jax_ignore`` (MathJax 2), ``mathjax_ignore`` (MathJax 3).
NO_MATH = "tex2jax_ignore mathjax_ignore"


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
    return html.escape(str(value), quote=True).replace("$", "&#36;")


def no_math(body: Any, inline: bool = False) -> Raw:
    """``body`` in an element MathJax does not typeset (for HTML a notebook shows)."""
    name = "span" if inline else "div"
    return Raw(f'<{name} class="{NO_MATH}">{esc(body)}</{name}>')


class _ExposedText(HTMLParser):
    """Finds text outside every element of MathJax's ignore classes (text MathJax would read)."""

    #: Elements without an end tag (HTML's void elements, and SVG shapes written ``<rect/>``).
    VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ignored: list[bool] = []
        self.exposed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        inside = bool(self.ignored and self.ignored[-1])
        self.ignored.append(inside or set(NO_MATH.split()) <= classes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return  # ``<rect .../>``: nothing inside

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.ignored:
            self.ignored.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.ignored and self.ignored[-1]):
            self.exposed = True


def mathjax_safe(markup: str) -> bool:
    """True when no text of ``markup`` lies outside an element MathJax leaves alone."""
    finder = _ExposedText()
    finder.feed(markup)
    finder.close()
    return not finder.exposed


def keep_from_mathjax(markup: str) -> str:
    """``markup`` as it is when MathJax would leave all of it alone, else inside a ``no_math``
    element (for HTML assembled elsewhere, e.g. a widget's value)."""
    return markup if not markup or mathjax_safe(markup) else str(no_math(Raw(markup)))


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
    inner = no_math(join([head, *parts]))
    return Raw(f'<div class="cws-result" style="{FONT}">{inner}</div>')


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
    """Monospace text; a short token (an id, a region) is never broken across lines."""
    style = "font-family: var(--jp-code-font-family, monospace)"
    plain = str(text)
    if len(plain) <= SHORT and not any(c.isspace() for c in plain):
        style += "; white-space: nowrap"
    return tag("code", text, style)


def nowrap(text: Any) -> Raw:
    """Text kept on one line."""
    return tag("span", text, "white-space: nowrap")


def _cell_style(value: Any) -> str:
    """A cell's style: a short value of one word (a region, an id, a type) is never broken."""
    text = str(getattr(value, "value", value))
    if not isinstance(value, Raw) and len(text) <= SHORT and not any(c.isspace() for c in text):
        return CELL + "; white-space: nowrap"
    return CELL


def table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], cls: str = "cws-table") -> Raw:
    """A plain table (cells are escaped unless ``Raw``)."""
    head = join(
        tag("th", h, f"{CELL}; font-weight: 600; border-bottom: 1px solid {RULE}") for h in headers
    )
    body = join(tag("tr", join(tag("td", c, _cell_style(c)) for c in row)) for row in rows)
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


def warnings_block(warnings: Sequence[Any], title: Any = "Warnings") -> Raw:
    """Warnings (or notes, under another ``title``), highlighted; empty when there are none."""
    if not warnings:
        return Raw("")
    items = join(tag("li", w) for w in warnings)
    style = (
        f"background: rgba(212, 167, 44, 0.15); border-left: 4px solid {WARN}; "
        "padding: 4px 10px; margin: 6px 0"
    )
    return Raw(
        f'<div class="cws-warnings" style="{style}"><b>{esc(title)}</b>'
        f'<ul style="margin: 2px 0; padding-left: 20px">{items}</ul></div>'
    )


def notes_block(notes: Sequence[Any], title: Any = "Notes") -> Raw:
    """Neutral remarks (what was done besides, what could not be checked); empty when none."""
    if not notes:
        return Raw("")
    items = join(tag("li", n) for n in notes)
    style = f"border-left: 4px solid {MUTED}; padding: 2px 10px; margin: 6px 0"
    return Raw(
        f'<div class="cws-notes" style="{style}"><b>{esc(title)}</b>'
        f'<ul style="margin: 2px 0; padding-left: 20px">{items}</ul></div>'
    )


ERROR_STYLE = (
    f"color: {BAD}; border-left: 4px solid {BAD}; background: rgba(207, 34, 46, 0.08); "
    "padding: 4px 10px; margin: 6px 0"
)


def error_block(headline: Any, details: Sequence[Any] = ()) -> Raw:
    """A readable red error message (no traceback)."""
    style = ERROR_STYLE
    more = bullet_list(details) if details else ""
    return no_math(
        Raw(f'<div class="cws-error" style="{style}"><b>{esc(headline)}</b>{esc(more)}</div>')
    )


def details(summary: Any, body: Any) -> Raw:
    """A collapsed ``<details>`` block."""
    return Raw(f"<details><summary>{esc(summary)}</summary>{esc(body)}</details>")


def folded_error(headline: Any, body: Any = None, summary: Any = "details") -> Raw:
    """A red error: one short sentence, then the details folded (a ``<details>`` block)."""
    more = details(summary, tag("div", body, f"color: {TEXT}")) if body else ""
    return no_math(
        Raw(f'<div class="cws-error" style="{ERROR_STYLE}"><b>{esc(headline)}</b>{esc(more)}</div>')
    )


def meter(done: int, total: int, hex_colour: str = INFO, width: int = 120) -> Raw:
    """A small progress bar with ``done/total`` beside it (empty when the total is unknown)."""
    if not total:
        return Raw("")
    share = max(0.0, min(1.0, done / total))
    track = (
        f"display: inline-block; width: {width}px; height: 8px; border-radius: 4px; "
        "background: rgba(110, 119, 129, 0.25); vertical-align: middle; overflow: hidden"
    )
    fill = f"display: block; width: {share * 100:.0f}%; height: 100%; background: {hex_colour}"
    bar = tag("span", tag("span", "", fill), track, class_="cws-meter", title=f"{share:.0%}")
    return join([bar, " ", tag("span", f"{done}/{total}", f"color: {MUTED}; font-size: 12px")])


def when(stamp: float | None) -> str:
    """A Unix time as ``2025-01-31 12:00:00 UTC`` (empty for None)."""
    if not stamp:
        return ""
    import datetime as dt

    moment = dt.datetime.fromtimestamp(stamp, dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def pre(text: Any) -> Raw:
    """Preformatted text."""
    return tag("pre", text, "white-space: pre-wrap; font-size: 12px; margin: 4px 0")


def money(value: float | None, digits: int = 4) -> str:
    """``$0.5260`` or ``n/a``."""
    return "n/a" if value is None else f"${value:.{digits}f}"


def launches(value: float | None) -> str:
    """A break-even count of launches a month, always with one decimal (``61.7``, ``1746.0``)."""
    return "n/a" if value is None else f"{value:.1f}"


def duration(seconds: float) -> str:
    """``45s`` or ``12.5 min``."""
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.1f} min"
