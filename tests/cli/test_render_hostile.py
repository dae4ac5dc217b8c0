"""Text from templates, AWS and users is data: every renderer prints it as written.

Every registered result type is built with hostile text in every field (``hostile_results``) and
rendered by its CLI renderer (rich: no markup read, no emoji codes replaced) and by its notebook
HTML renderer (escaped; no dollar sign MathJax could typeset; inside a MathJax-ignore element).
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hostile_results import HOSTILE, TOKENS, build, result_types
from mathjax_text import exposed_to_mathjax
from rich.console import Console

from cws_jupyter.cli import render
from cws_jupyter.core.resolver.availability import AvailabilityMatrix, RegionAvailability
from cws_jupyter.core.templates.loader import TemplateCheck
from cws_jupyter.display import CheckList, FallbackList, Notice
from cws_jupyter.display.html import NO_MATH
from cws_jupyter.display.text import cli_renderer

TYPES = result_types()
#: Models built without validation hold text where pydantic expects other types.
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")


def printed(renderer: Any, result: Any) -> str:
    """What a CLI renderer prints, as plain text, on a console as the CLI makes it."""
    console = Console(record=True, width=400, color_system=None, soft_wrap=False, emoji=False)
    renderer(console, result)
    return console.export_text()


def html_renderer(spec: str) -> Any:
    """``module:function`` under ``cws_jupyter.display``."""
    module, func = spec.split(":")
    return getattr(importlib.import_module(f"cws_jupyter.display.{module}"), func)


def assert_as_written(text: str) -> None:
    """Every hostile piece is in the output exactly as it was given."""
    missing = [token for token in TOKENS if token not in text]
    assert not missing, f"rewritten or lost: {missing}\n{text}"


def assert_safe_html(html: str) -> None:
    """Escaped, no dollar sign, and the whole output inside a MathJax-ignore element."""
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "$" not in html, "a dollar sign MathJax could pair with another"
    assert f'class="{NO_MATH}"' in html[:300], html[:300]
    assert exposed_to_mathjax(html) == []


@pytest.mark.parametrize("flag", [True, False], ids=["flags-on", "flags-off"])
@pytest.mark.parametrize(
    ("name", "model", "html_spec", "text_name"), TYPES, ids=[t[0] for t in TYPES]
)
def test_cli_renderer_prints_hostile_text_as_written(
    name: str, model: Any, html_spec: str, text_name: str, flag: bool
) -> None:
    """`[/x]` does not crash, `[link=...]` and `:rocket:` are not rewritten, for every type."""
    if text_name == "render_check":  # a single check prints as a list of one
        out = printed(render.render_checks, [build(model, flag)])
    else:
        out = printed(cli_renderer(text_name), build(model, flag))
    assert_as_written(out)


@pytest.mark.parametrize("flag", [True, False], ids=["flags-on", "flags-off"])
@pytest.mark.parametrize(
    ("name", "model", "html_spec", "text_name"), TYPES, ids=[t[0] for t in TYPES]
)
def test_html_renderer_escapes_and_keeps_mathjax_away(
    name: str, model: Any, html_spec: str, text_name: str, flag: bool
) -> None:
    """Every type's notebook HTML: escaped, no `$`, marked for MathJax to leave alone."""
    html = html_renderer(html_spec)(build(model, flag))
    assert_safe_html(html)


def test_list_and_notice_containers_are_safe() -> None:
    """Validation lists, the region map and notices (``sandbox stopped``) as HTML and text."""
    from cws_jupyter.core.regions import RegionFallback

    checks = CheckList([build(TemplateCheck)])
    fallbacks = FallbackList([build(RegionFallback)])
    for shown in (checks, fallbacks, Notice(HOSTILE)):
        assert_safe_html(shown._repr_html_())
    assert_as_written(printed(render.render_checks, list(checks)))
    assert_as_written(printed(render.render_fallbacks, list(fallbacks)))


def test_matrix_keeps_hostile_reasons_and_region_codes_intact() -> None:
    """A reason with markup is printed as written in the folded groups, in both renderers."""
    rows = [
        RegionAvailability(region="eu-west-1", available=True, ami_id="ami-1", reason=HOSTILE),
        RegionAvailability(region="us-east-1", available=False, reason=HOSTILE),
    ]
    matrix = AvailabilityMatrix(template=HOSTILE, regions=rows, available_in=1, checked=2)
    assert_as_written(printed(render.render_matrix, matrix))
    assert_safe_html(html_renderer("catalog:matrix_html")(matrix))


def test_sandbox_and_refresh_renderers_escape() -> None:
    """The two renderers with no notebook type of their own."""
    from cws_jupyter.core.pricing.refresh import RefreshReport
    from cws_jupyter.core.sandbox.runtime import SandboxInfo

    assert_as_written(printed(render.render_sandbox, build(SandboxInfo)))
    report = build(RefreshReport)
    out = printed(render.render_refresh, report)
    assert "[/x]" in out and ":rocket:" in out
