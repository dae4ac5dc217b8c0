"""Package attributes imported on first use (PEP 562): a package names where each public name
lives, and importing the package loads none of those modules until a name is asked for."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``homes`` maps each public name to the
    sub-module (relative to the package) that defines it."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        try:
            module = homes[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(import_module(f".{module}", package), name)

    return __getattr__
