"""Usage analytics: events recorded by every front door, kept in DuckDB on this machine.

``Analytics`` is the façade (``facade``); ``events`` says what an event is, ``spool`` records
them off the hot path, ``ingest`` and ``store`` move them into DuckDB, ``report``, ``export``
and ``metrics`` read them, ``candidates``/``recommend`` rank images and ``regions`` regions.
Nothing here imports duckdb, boto3 or prometheus_client at import time.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facade import Analytics
    from .models import (
        AnalyticsReport,
        Candidate,
        ExportResult,
        Recommendations,
        RegionAdvice,
        RegionOption,
    )
    from .window import parse_since
    from .wiring import build_analytics

#: Where each public name lives, imported on first use (recording loads ``facade`` only).
_HOME = {
    "Analytics": "facade",
    "AnalyticsReport": "models",
    "Candidate": "models",
    "ExportResult": "models",
    "Recommendations": "models",
    "RegionAdvice": "models",
    "RegionOption": "models",
    "build_analytics": "wiring",
    "parse_since": "window",
}


def __getattr__(name: str) -> Any:
    """A public name of the package, from its module (PEP 562)."""
    try:
        module = _HOME[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(f".{module}", __name__), name)


__all__ = [
    "Analytics",
    "AnalyticsReport",
    "Candidate",
    "ExportResult",
    "Recommendations",
    "RegionAdvice",
    "RegionOption",
    "build_analytics",
    "parse_since",
]
