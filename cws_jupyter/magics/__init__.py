"""The `%cws` IPython magics: ``%load_ext cws_jupyter`` registers them and the result formatters.

Loading imports neither boto3 nor moto (nor click): they come with the first command needing them.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Register ``CwsMagics`` and the HTML/text formatters of the core's result types."""
    from ..display import register_formatters
    from .magic import CwsMagics

    ipython.configurables[:] = [c for c in ipython.configurables if type(c).__name__ != "CwsMagics"]
    ipython.register_magics(CwsMagics(shell=ipython))
    register_formatters(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Forget the magics' configurable (``%reload_ext`` registers a fresh one)."""
    ipython.configurables[:] = [c for c in ipython.configurables if type(c).__name__ != "CwsMagics"]


__all__ = ["load_ipython_extension", "unload_ipython_extension"]
