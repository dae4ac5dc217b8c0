"""``ProgressBar``: a bar and a line of words fed the core's ``Progress`` events, from any thread.

The panels show one while they launch, stop or start; the `%cws` magics show one for long verbs
(``progress_view``). Events arrive from the core's worker threads: updates are serialised by a
lock and thinned to a few a second (a new step, and the end, are always shown).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from ..display.html import BAD, GOOD, MUTED, colour, join, no_math, tag
from .base import NoMathHTML

#: At most this many repaints a second (besides new steps and the end).
REPAINTS_PER_SECOND = 10


class ProgressBar(widgets.HBox):
    """An ``IntProgress`` (0-100 %) and what is happening, in words."""

    def __init__(self, title: str = "", width: str = "260px") -> None:
        """A bar titled ``title``; hidden until ``start`` (or the first event)."""
        self.bar = widgets.IntProgress(
            value=0, min=0, max=100, bar_style="info", layout=widgets.Layout(width=width)
        )
        self.label = NoMathHTML()
        super().__init__(
            [self.bar, self.label],
            layout=widgets.Layout(align_items="center", display="none"),
        )
        self.add_class("cws-progress")
        self.title = title
        self.events = 0
        self.last: Any = None
        self.started: float | None = None
        self._made = time.monotonic()
        self.ended: float | None = None
        self.ok: bool | None = None
        self._lock = threading.RLock()
        self._painted = 0.0
        self._step: str | None = None

    # -- state ---------------------------------------------------------------------------------
    @property
    def percent(self) -> int:
        """Where the bar stands, 0-100."""
        return int(self.bar.value)

    @property
    def shown(self) -> bool:
        """True once the bar is on show."""
        return self.layout.display != "none"

    def show(self) -> None:
        """Put the bar on show."""
        self.layout.display = "flex"

    def hide(self) -> None:
        """Take the bar off show."""
        self.layout.display = "none"

    # -- feeding it ----------------------------------------------------------------------------
    def start(self, title: str | None = None) -> None:
        """Begin (again): empty bar, the title, on show."""
        with self._lock:
            if title is not None:
                self.title = title
            self.events, self.last, self.ok = 0, None, None
            self.started, self.ended = time.monotonic(), None
            self._step, self._painted = None, 0.0
            self.bar.bar_style = "info"
            self.bar.value = 0
            self._words(self.title, "starting\u2026")
            self.show()

    def report(self, event: Any) -> None:
        """A ``Progress`` event (the core's ``Reporter``): safe to call from any thread."""
        with self._lock:
            if self.started is None:  # shown by its first event: timed from its making
                self.start()
                self.started = self._made
            if self.ended is not None:
                return
            self.events += 1
            self.last = event
            new_step = event.step != self._step
            self._step = event.step
            value = self.bar.value  # a step of unknown length leaves the bar where it is
            if event.total:
                value = max(0, min(100, int(event.done * 100 / event.total)))
            now = time.monotonic()
            if new_step or value >= 100 or now - self._painted >= 1 / REPAINTS_PER_SECOND:
                self._painted = now
                self.bar.value = value
                self._words(self.title, event.message or event.step)

    __call__ = report

    def finish(self, ok: bool = True, message: str | None = None) -> None:
        """The end: full and green, or red where it stopped; ``message`` says how it ended."""
        with self._lock:
            if self.started is None:
                self.start()
            self.ended = time.monotonic()
            self.ok = ok
            took = self.ended - (self.started or self.ended)
            if ok:
                self.bar.value = 100
                self.bar.bar_style = "success"
                words = message or f"done in {took:.1f} s"
            else:
                self.bar.bar_style = "danger"
                words = message or "failed"
            self._words(self.title, words, GOOD if ok else BAD)
            self.show()

    def _words(self, title: str, what: str, hue: str = MUTED) -> None:
        """``<b>title</b>: what`` (escaped, MathJax kept away)."""
        parts: list[Any] = [tag("b", title), ": "] if title else []
        parts.append(colour(what, hue))
        self.label.value = str(no_math(join(parts), inline=True))


@contextmanager
def progress_view(
    title: str,
    show: Callable[[Any], Any] | None = None,
    keep: Callable[[ProgressBar], None] | None = None,
) -> Iterator[ProgressBar]:
    """A ``ProgressBar`` for one long operation (a ``cli.common.ProgressView``).

    The bar is put in the output at once (``show``, default ``IPython.display.display``) but
    hidden; it appears with the first event, and ends full and green, or red when the
    operation raises. A bar that never got an event is closed. ``keep`` receives the bar.
    """
    bar = ProgressBar(title)
    if keep is not None:
        keep(bar)
    if show is None:
        from IPython.display import display as show
    show(bar)
    try:
        yield bar
    except BaseException:
        if bar.events:
            bar.finish(ok=False)
        else:
            bar.close()
        raise
    if bar.events:
        bar.finish(ok=True)
    else:
        bar.close()
