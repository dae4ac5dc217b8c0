"""The notebook's view of long `%cws` verbs' progress: an ipywidgets bar, in a kernel only.

``cli.main.run(..., progress_view=...)`` hands it to the verbs (``cli.common.progress``). In a
terminal IPython, or without ipywidgets, there is no view: the verbs run without a bar.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def in_kernel() -> bool:
    """True inside a Jupyter kernel (where widgets can be shown)."""
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def widgets_available() -> bool:
    """True when ipywidgets can be imported."""
    return importlib.util.find_spec("ipywidgets") is not None


def notebook_progress_view(
    keep: Callable[[Any], None] | None = None, show: Callable[[Any], Any] | None = None
) -> Callable[[str], Any] | None:
    """A ``ProgressView`` showing a ``ProgressBar`` per long operation, or None outside a kernel
    or without ipywidgets. ``keep`` receives each bar made; ``show`` displays it (default:
    ``IPython.display.display``)."""
    if not (in_kernel() and widgets_available()):
        return None

    @contextmanager
    def view(title: str) -> Iterator[Any]:
        try:
            from ..widgets.progress import progress_view
        except ImportError:  # ipywidgets found but broken: run without a bar
            yield lambda event: None
            return
        with progress_view(title, show=show, keep=keep) as bar:
            yield bar

    return view
