"""Plain-text forms of core results: the CLI's own renderers, printed to a string (no colour)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

WIDTH = 110


def as_text(renderer_name: str, result: Any) -> str:
    """Render ``result`` with ``cws_jupyter.cli.render.<renderer_name>`` into plain text."""
    from rich.console import Console

    from ..cli import render

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        soft_wrap=False,
        highlight=False,
    )
    renderer: Callable[[Any, Any], None] = getattr(render, renderer_name)
    renderer(console, result)
    return buffer.getvalue().rstrip("\n")


def pretty_printer(renderer_name: str) -> Callable[[Any, Any, bool], None]:
    """An IPython text/plain printer ``(obj, p, cycle)`` using a CLI renderer."""

    def printer(obj: Any, p: Any, cycle: bool) -> None:
        p.text(f"<{type(obj).__name__}>" if cycle else as_text(renderer_name, obj))

    printer.__name__ = f"print_{renderer_name}"
    return printer
