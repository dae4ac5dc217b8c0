"""The notebook's view of long `%cws` verbs' progress: an ipywidgets bar, in a kernel only;
and of the core's notices (``notice``: "starting the sandbox...").

``cli.main.run(..., progress_view=...)`` hands it to the verbs (``cli.common.progress``). In a
terminal IPython, or without ipywidgets, there is no view: the verbs run without a bar.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def notice(event: Any) -> None:
    """A wait the user did not ask for (``Progress``: starting the sandbox), said as it begins,
    on stderr as the CLI says it (``cli.common.notice_on_stderr``); a kernel shows it in the
    cell's output, before the result."""
    print(event.message or event.step, file=sys.stderr, flush=True)


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
