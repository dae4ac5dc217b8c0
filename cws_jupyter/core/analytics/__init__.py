"""Usage analytics: events recorded by every front door, kept in DuckDB on this machine.

``Analytics`` is the façade (``facade``); ``events`` says what an event is, ``spool`` records
them off the hot path, ``ingest`` and ``store`` move them into DuckDB, ``report``, ``export``
and ``metrics`` read them, ``candidates``/``recommend`` rank images and ``regions`` regions.
Nothing here imports duckdb, boto3 or prometheus_client at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _HOME)


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
