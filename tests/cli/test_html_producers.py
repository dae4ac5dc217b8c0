"""Every producer of notebook HTML keeps MathJax away, found by looking, not listed by hand.

A producer is any public ``*_html`` or ``*_svg`` function of ``cws_jupyter.display`` and
``cws_jupyter.widgets``, and any class of theirs with ``_repr_html_``. Each must be fed here
(the registered result types through ``hostile_results``, the rest through ``SAMPLES``), so a new
producer without a test fails ``test_every_producer_is_exercised``. Its output, with hostile text
and dollar amounts in it, must hold no ``$`` and no text outside MathJax's ignore classes:
JupyterLab typesets "about 8 min ($0.081) per launch; its storage ($5.00/month)" as italic math
otherwise.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hostile_results import HOSTILE, build, result_types
from mathjax_text import exposed_to_mathjax

import cws_jupyter.display
import cws_jupyter.widgets
from cws_jupyter.core.errors import CwsError, ResolutionFailed
from cws_jupyter.core.regions import RegionFallback
from cws_jupyter.core.resolver.models import CostComparison
from cws_jupyter.core.templates.loader import TemplateCheck

pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")

#: Two dollar amounts, the pair JupyterLab turned into mathematics.
TWO_AMOUNTS = "about 8 min ($0.081) per launch; its storage ($5.00/month)"


def costs(flag: bool = True) -> Any:
    """A cost comparison with hostile text and real dollar amounts in it."""
    c = build(CostComparison, flag)
    c.recommendation = TWO_AMOUNTS + " " + HOSTILE
    c.hourly_price, c.script_setup_cost, c.snapshot_storage_per_month = 0.0944, 0.081, 5.0
    return c


#: The producers that are not a registered result type's renderer: name -> the inputs to try.
SAMPLES: dict[str, Callable[[], list[tuple[Any, ...]]]] = {
    "cws_jupyter.display.chart:cost_chart_svg": lambda: [([costs()],), ([costs(), costs()],)],
    "cws_jupyter.display.resolution:costs_table_html": lambda: [([costs(), costs(False)],)],
    "cws_jupyter.display.catalog:checks_html": lambda: [([build(TemplateCheck)],)],
    "cws_jupyter.display.catalog:fallbacks_html": lambda: [([build(RegionFallback)],)],
    "cws_jupyter.display.catalog:message_html": lambda: [(HOSTILE,), (TWO_AMOUNTS,)],
    "cws_jupyter.widgets.base:short_error_html": lambda: [
        (ResolutionFailed(f"{TWO_AMOUNTS}: {HOSTILE}\n- tier 1 $a$\n- tier 2 $b$"),),
        (CwsError(HOSTILE, field=HOSTILE),),
        (RuntimeError(TWO_AMOUNTS + HOSTILE),),
    ],
    "cws_jupyter.display.containers:CheckList": lambda: [([build(TemplateCheck)],)],
    "cws_jupyter.display.containers:FallbackList": lambda: [([build(RegionFallback)],)],
    "cws_jupyter.display.containers:Notice": lambda: [(HOSTILE,), (TWO_AMOUNTS,)],
}


def modules(package: Any) -> Iterator[Any]:
    """Every module of ``package``."""
    for info in pkgutil.iter_modules(package.__path__):
        yield importlib.import_module(f"{package.__name__}.{info.name}")


def producers() -> dict[str, Any]:
    """``module:name`` -> every HTML-producing function or ``_repr_html_`` class, defined there."""
    found = {}
    for module in [*modules(cws_jupyter.display), *modules(cws_jupyter.widgets)]:
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__ or name.startswith("_"):
                continue
            is_function = inspect.isfunction(obj) and name.endswith(("_html", "_svg"))
            if is_function or (inspect.isclass(obj) and hasattr(obj, "_repr_html_")):
                found[f"{module.__name__}:{name}"] = obj
    return found


def registered() -> dict[str, list[tuple[Any, ...]]]:
    """The renderers of the registered result types, with a hostile instance (both flags)."""
    return {
        f"cws_jupyter.display.{spec}": [(build(model, True),), (build(model, False),)]
        for _, model, spec, _ in result_types()
    }


PRODUCERS = producers()


def assert_kept_from_mathjax(html: str) -> None:
    """No dollar sign in the markup, no text MathJax reads, markup in the text escaped."""
    assert "$" not in html, "a dollar sign MathJax could pair with another"
    assert exposed_to_mathjax(html) == [], exposed_to_mathjax(html)[:3]
    assert "<script>" not in html


def test_every_producer_is_exercised() -> None:
    """Found by looking: each producer is a registered renderer or has samples here."""
    covered = set(registered()) | set(SAMPLES)
    assert len(PRODUCERS) > 30
    assert sorted(set(PRODUCERS) - covered) == [], "an HTML producer no test feeds"
    assert sorted(covered - set(PRODUCERS)) == [], "a sample for a producer that is gone"


@pytest.mark.parametrize("name", sorted(PRODUCERS))
def test_producer_keeps_dollars_away_from_mathjax(name: str) -> None:
    """Hostile text and dollar amounts: escaped, inside an ignore-class element, no ``$``."""
    inputs = {**registered(), **{k: v() for k, v in SAMPLES.items()}}[name]
    producer = PRODUCERS[name]
    for args in inputs:
        shown = producer(*args)
        assert_kept_from_mathjax(str(shown._repr_html_() if inspect.isclass(producer) else shown))


def test_money_is_shown_as_text_not_lost() -> None:
    """The guard keeps the amounts: they are in the markup as ``&#36;``, inside the wrapper."""
    from cws_jupyter.display.resolution import cost_comparison_html

    html = cost_comparison_html(costs())
    assert "&#36;0.081" in html and "&#36;5.00/month" in html
    assert_kept_from_mathjax(html)
