"""What every panel shares: the service, background work with ``wait()``, errors, pickers."""

from __future__ import annotations

import re
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from traitlets import validate

from ..core.errors import CwsError
from ..display.html import (
    MUTED,
    bullet_list,
    folded_error,
    join,
    keep_from_mathjax,
    no_math,
    pre,
    tag,
)

LABEL_STYLE = {"description_width": "96px"}
PICKER_LAYOUT = {"width": "460px"}
#: A line under a picker, aligned with the pickers' boxes.
HINT_STYLE = "margin: 0 0 4px 100px; font-size: 12px"
ARCHITECTURES = [("auto", "auto"), ("x86_64", "x86_64"), ("arm64 (Graviton)", "arm64")]


def default_service() -> Any:
    """The `%cws` magic's service when loaded, else one from ``CwsTraits`` (IPython config, env)."""
    from IPython import get_ipython

    from ..core.service import CwsService
    from ..traits import CwsTraits

    shell = get_ipython()
    for configurable in getattr(shell, "configurables", []):
        if type(configurable).__name__ == "CwsMagics":
            return configurable.make_service({})
    traits = CwsTraits(config=shell.config) if shell is not None else CwsTraits()
    return CwsService(traits.to_settings())


class NoMathHTML(widgets.HTML):
    """An HTML widget MathJax leaves alone, whatever its value: front ends typeset an HTML
    widget's content, so a value with text outside MathJax's ignore classes is wrapped in an
    element of them when it is set (``$0.08 ... $5.00`` stays text, never italic math).

    Every HTML a panel shows is one of these."""

    @validate("value")
    def _keep_from_mathjax(self, proposal: Any) -> str:
        return keep_from_mathjax(proposal["value"])


def panel_title(text: str) -> widgets.HTML:
    """A panel's bold title (escaped, kept away from MathJax)."""
    return NoMathHTML(str(no_math(tag("b", text))))


def first_sentence(text: str) -> str:
    """The first clause of a message as one short sentence: capitalised, parentheses dropped,
    ending with a full stop (``a name 'x' already exists (see ...): choose`` ->
    ``A name 'x' already exists.``)."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    stop = re.search(r"\.\s+[A-Z]", line)  # a sentence's end, not "e.g. x"
    cut = [i for i in (line.find(": "), line.find("; "), stop.start() if stop else -1) if i > 0]
    head = line[: min(cut)] if cut else line.rstrip(":;")
    head = re.sub(r"\s*\([^()]*\)", "", head).strip() or line
    head = head[0].upper() + head[1:] if head else "Failed"
    return head if head.endswith((".", "!", "?")) else head + "."


def short_error_html(exc: BaseException) -> str:
    """A failure as one short sentence in red, the whole story folded beneath it: the core's
    message and per-field problems, or (for a bug) the exception and its traceback."""
    if isinstance(exc, CwsError):
        from ..magics.errors import core_message

        message = core_message(exc)
        lines = [ln.strip().lstrip("-*").strip() for ln in message.splitlines() if ln.strip()]
        facts = [f"error code: {exc.code}"] + ([f"field: {exc.field}"] if exc.field else [])
        body = join(
            [
                tag("div", lines[0] if lines else exc.code),
                bullet_list(lines[1:]) if lines[1:] else "",
                tag("div", "; ".join(facts), f"color: {MUTED}; font-size: 12px"),
            ]
        )
        return str(folded_error(first_sentence(exc.message), body))
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    headline = f"Something went wrong: {type(exc).__name__}."
    body = join([tag("div", f"{type(exc).__name__}: {exc}"), pre(trace)])
    return str(folded_error(headline, body))


def template_options(service: Any) -> list[tuple[str, str]]:
    """Dropdown options for the template catalogue: ``Name (slug)`` -> slug."""
    return [(f"{t.name} ({t.slug})", t.slug) for t in service.list_templates().templates]


def region_options(service: Any) -> list[tuple[str, str]]:
    """Dropdown options for every commercial region: ``code · name`` -> code."""
    return [(f"{r.region} \u00b7 {r.display_name}", r.region) for r in service.region_fallbacks()]


def dropdown(description: str, options: list[Any], value: Any = None) -> widgets.Dropdown:
    """A labelled dropdown of the panels' width."""
    kwargs: dict[str, Any] = {
        "options": options,
        "description": description,
        "style": LABEL_STYLE,
        "layout": widgets.Layout(**PICKER_LAYOUT),
    }
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if value in values:
        kwargs["value"] = value
    return widgets.Dropdown(**kwargs)


class Panel(widgets.VBox):
    """A panel whose slow work runs in a background thread; ``wait()`` joins it (tests, scripts)."""

    def __init__(self, service: Any = None, **kwargs: Any) -> None:
        """Use ``service`` (default: the magic's, or one from CwsTraits and the environment)."""
        super().__init__(**kwargs)
        self.service = service if service is not None else default_service()
        self.worker: threading.Thread | None = None
        self.error: BaseException | None = None

    @property
    def busy(self) -> bool:
        """True while background work runs."""
        return self.worker is not None and self.worker.is_alive()

    def run_in_background(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        finish: Callable[[], None],
    ) -> threading.Thread:
        """Run ``work`` in a thread, then ``done(result)`` or ``failed(error)``, then ``finish``."""

        def target() -> None:
            try:
                result = work()
                done(result)
            except Exception as exc:  # noqa: BLE001 - every failure is shown in the panel
                self.error = exc
                failed(exc)
            finally:
                finish()

        self.error = None
        worker = threading.Thread(target=target, name=f"cws-{type(self).__name__}", daemon=True)
        worker.start()  # started before it is published: ``wait`` never joins an unstarted one
        self.worker = worker
        return worker

    def wait(self, timeout: float = 120.0) -> None:
        """Block until the background work is done, including work it started in turn
        (``TimeoutError`` if not done in time)."""
        deadline = time.monotonic() + timeout
        while self.worker is not None:
            worker = self.worker
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                raise TimeoutError(
                    f"{type(self).__name__}: background work still running after {timeout:g} s"
                )
            if self.worker is worker:
                return
