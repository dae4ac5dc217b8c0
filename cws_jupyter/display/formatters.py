"""IPython display formatters for the core's result types, registered by name (no early imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: (module, class) -> (HTML renderer in this package, CLI text renderer in cws_jupyter.cli.render)
RESULT_TYPES: dict[tuple[str, str], tuple[str, str]] = {
    ("cws_jupyter.core.resolver.models", "Resolution"): (
        "resolution:resolution_html",
        "render_resolution",
    ),
    ("cws_jupyter.core.resolver.models", "CostComparison"): (
        "resolution:cost_comparison_html",
        "render_costs",
    ),
    ("cws_jupyter.core.resolver.availability", "AvailabilityMatrix"): (
        "catalog:matrix_html",
        "render_matrix",
    ),
    ("cws_jupyter.core.service", "TemplateList"): (
        "catalog:template_list_html",
        "render_templates",
    ),
    ("cws_jupyter.core.templates.loader", "LoadedTemplate"): (
        "catalog:template_html",
        "render_template",
    ),
    ("cws_jupyter.core.templates.loader", "TemplateCheck"): ("catalog:check_html", "render_check"),
    ("cws_jupyter.core.sandbox.runtime", "SandboxInfo"): ("catalog:sandbox_html", "render_sandbox"),
}


def _html_renderer(spec: str) -> Callable[[Any], str]:
    """A lazy HTML renderer: imports ``cws_jupyter.display.<module>`` on first display."""
    module_name, func_name = spec.split(":")

    def render(obj: Any) -> str:
        import importlib

        module = importlib.import_module(f"{__package__}.{module_name}")
        return getattr(module, func_name)(obj)

    render.__name__ = func_name
    return render


def _text_renderer(name: str) -> Callable[[Any, Any, bool], None]:
    """A text/plain printer; a single check is printed as a one-item list."""
    from .text import pretty_printer

    if name == "render_check":
        inner = pretty_printer("render_checks")
        return lambda obj, p, cycle: inner([obj], p, cycle)
    return pretty_printer(name)


def register_formatters(shell: Any) -> None:
    """Register HTML and text forms of every core result type with an IPython shell."""
    formatters = shell.display_formatter.formatters
    html, plain = formatters["text/html"], formatters["text/plain"]
    for (module, name), (html_spec, text_name) in RESULT_TYPES.items():
        html.for_type_by_name(module, name, _html_renderer(html_spec))
        plain.for_type_by_name(module, name, _text_renderer(text_name))
