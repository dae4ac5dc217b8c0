"""The one progress protocol of long operations: the core reports ``Progress`` events; each front
door renders them (a rich bar in the CLI, an ipywidgets bar in a notebook, a job record over REST).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field


class Progress(BaseModel):
    """Where a long operation stands: the step, a sentence, and how far (``done`` of ``total``)."""

    step: str = Field(description="Machine-readable step, e.g. create, wait, tag, copy, launch")
    message: str = Field("", description="What is happening, in words")
    done: int = Field(0, ge=0)
    total: int = Field(0, ge=0, description="0 when the length is unknown")
    region: str | None = None


Reporter = Callable[[Progress], None]


def silent(_: Progress) -> None:
    """A reporter that shows nothing."""


def fan_out(*reporters: Reporter | None) -> Reporter:
    """One reporter that tells several (``None`` entries are skipped)."""
    chosen = [r for r in reporters if r is not None]

    def report(event: Progress) -> None:
        for reporter in chosen:
            reporter(event)

    return report


class Tally:
    """Progress of many parallel parts (regions) as one bar: each part reports its own fraction."""

    def __init__(self, reporter: Reporter, step: str, parts: Iterable[str], scale: int = 100):
        """Report ``step`` for ``parts``; each part counts ``scale`` units of the total."""
        self.reporter = reporter
        self.step = step
        self.scale = scale
        self._done = dict.fromkeys(parts, 0)
        self._lock = threading.Lock()

    def update(self, part: str, fraction: float, message: str = "") -> None:
        """Part ``part`` is ``fraction`` (0..1) done."""
        with self._lock:
            self._done[part] = max(self._done[part], int(min(1.0, max(0.0, fraction)) * self.scale))
            done, total = sum(self._done.values()), self.scale * len(self._done)
        self.reporter(
            Progress(step=self.step, message=message, done=done, total=total, region=part)
        )
