"""Undo what a long operation made when it fails or is stopped, and say so in the error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import CwsError, OperationFailed


@contextmanager
def undo_on_failure(
    undo: Callable[[], str],
    failed: str,
    *,
    stopped_as: type[BaseException] = KeyboardInterrupt,
) -> Iterator[None]:
    """Run a block; if it raises, call ``undo()`` (it returns what it did, in words) and re-raise:
    a core error with that note added, an interruption as ``stopped_as("stopped: note")``,
    anything else as ``OperationFailed("<failed> (<error>); note")``."""
    try:
        yield
    except BaseException as exc:
        note = undo()
        if isinstance(exc, CwsError):
            exc.message = f"{exc.message}; {note}"
            raise
        if isinstance(exc, (KeyboardInterrupt, InterruptedError)):
            raise stopped_as(f"stopped: {note}") from None
        raise OperationFailed(f"{failed} ({type(exc).__name__}: {exc}); {note}") from exc
