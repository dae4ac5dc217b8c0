"""Plain-text forms of core results: the CLI's own renderers, printed to a string (no colour)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

WIDTH = 110


def cli_renderer(renderer_name: str) -> Callable[[Any, Any], None]:
    """The CLI renderer ``module:function`` (under ``cws_jupyter.cli``), or a plain name in
    ``cws_jupyter.cli.render`` (``render_costs`` = ``render:render_costs``)."""
    import importlib

    module_name, _, func_name = renderer_name.rpartition(":")
    module = importlib.import_module(f"cws_jupyter.cli.{module_name or 'render'}")
    return getattr(module, func_name)  # type: ignore[no-any-return]


def as_text(renderer_name: str, result: Any) -> str:
    """Render ``result`` with the CLI renderer ``renderer_name`` (see ``cli_renderer``) as text."""
    from rich.console import Console

    renderer = cli_renderer(renderer_name)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        soft_wrap=False,
        highlight=False,
        emoji=False,
    )
    renderer(console, result)
    return buffer.getvalue().rstrip("\n")


def pretty_printer(renderer_name: str) -> Callable[[Any, Any, bool], None]:
    """An IPython text/plain printer ``(obj, p, cycle)`` using a CLI renderer."""

    def printer(obj: Any, p: Any, cycle: bool) -> None:
        p.text(f"<{type(obj).__name__}>" if cycle else as_text(renderer_name, obj))

    printer.__name__ = f"print_{renderer_name.rpartition(':')[2]}"
    return printer
