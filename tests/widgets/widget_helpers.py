"""Helpers for the widget tests (a module of its own: conftest files are not importable)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cws_jupyter.core.config import Settings


def make_settings(home: Path, **extra: object) -> Settings:
    """Settings for the sandbox under ``home``; the configured region is eu-west-1."""
    return Settings(
        region="eu-west-1",
        sandbox=True,
        state_dir=home / "state",
        cache_dir=home / "cache",
        user_template_dir=home / "templates",
        **extra,
    )


def walk(widget: Any) -> Iterator[Any]:
    """``widget`` and every widget inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)
