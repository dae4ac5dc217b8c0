"""Prometheus text for ``GET cws/api/v1/metrics``: counters and histograms of the events kept.

Counters count every event still kept, so they only go down when retention deletes old
events (Prometheus reads such a drop as a counter reset). Label values (templates, methods)
are escaped by ``prometheus_client``'s exposition code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .events import OK

#: ``Content-Type`` of the answer: the text exposition format 0.0.4.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Upper bounds of the resolution-time histogram, seconds.
BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_BUCKET_SQL = ", ".join(
    f"count(*) FILTER (WHERE duration_ms <= {bound * 1000!r})" for bound in BUCKETS
)
RESOLUTIONS = f"""
SELECT coalesce(method, 'unknown'), count(*), coalesce(sum(duration_ms), 0) / 1000.0,
       count(*) FILTER (WHERE cached), {_BUCKET_SQL}
FROM events WHERE kind = 'resolution' GROUP BY 1 ORDER BY 1
"""
LAUNCHES = f"""
SELECT coalesce(template, 'unknown'), coalesce(result, 'unknown'), count(*),
       coalesce(sum(seconds_to_ready) FILTER (WHERE result = '{OK}'), 0),
       count(seconds_to_ready) FILTER (WHERE result = '{OK}')
FROM events WHERE kind = 'launch' GROUP BY 1, 2 ORDER BY 1, 2
"""
OUTCOMES = """
SELECT kind, coalesce(result, 'unknown'), count(*)
FROM events WHERE kind IN ('build', 'copy') GROUP BY 1, 2 ORDER BY 1, 2
"""
SAVINGS = (
    "SELECT coalesce(sum(usd), 0), coalesce(sum(minutes), 0) FROM events WHERE kind = 'saving'"
)
KINDS = "SELECT kind, count(*), epoch(max(ts)) FROM events GROUP BY 1 ORDER BY 1"


class _EventsCollector:
    """A prometheus_client collector reading one open connection once."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
            SummaryMetricFamily,
        )

        sql = self.conn.execute
        resolutions = CounterMetricFamily(
            "cws_resolutions", "AMI resolutions, by how the AMI was found", labels=["method"]
        )
        cached = CounterMetricFamily(
            "cws_resolutions_cached",
            "Resolutions answered from the lookup cache, by method",
            labels=["method"],
        )
        duration = HistogramMetricFamily(
            "cws_resolution_duration_seconds",
            "Time to resolve an AMI, by how it was found",
            labels=["method"],
        )
        for method, count, total_seconds, hits, *cumulative in sql(RESOLUTIONS).fetchall():
            resolutions.add_metric([method], count)
            cached.add_metric([method], hits)
            buckets = [(repr(b), c) for b, c in zip(BUCKETS, cumulative, strict=True)] + [
                ("+Inf", count)
            ]
            duration.add_metric([method], buckets, total_seconds)
        yield from (resolutions, cached, duration)

        launches = CounterMetricFamily(
            "cws_launches",
            "Workstation launches, by template and result",
            labels=["template", "result"],
        )
        ready = SummaryMetricFamily(
            "cws_launch_ready_seconds",
            "Seconds from launch to a ready workstation (successful launches)",
            labels=["template"],
        )
        ready_sums: dict[str, tuple[int, float]] = {}
        for template, result, count, seconds, timed in sql(LAUNCHES).fetchall():
            launches.add_metric([template, result], count)
            n, s = ready_sums.get(template, (0, 0.0))
            ready_sums[template] = (n + timed, s + seconds)
        for template, (n, s) in ready_sums.items():
            ready.add_metric([template], count_value=n, sum_value=s)
        yield from (launches, ready)

        builds = CounterMetricFamily("cws_builds", "AMI builds, by result", labels=["result"])
        copies = CounterMetricFamily("cws_copies", "AMI copies, by result", labels=["result"])
        for kind, result, count in sql(OUTCOMES).fetchall():
            (builds if kind == "build" else copies).add_metric([result], count)
        yield from (builds, copies)

        usd, minutes = sql(SAVINGS).fetchone()
        yield CounterMetricFamily(
            "cws_savings_usd", "Estimated USD saved by launching AMIs, not scripts", value=usd
        )
        yield CounterMetricFamily(
            "cws_savings_minutes", "Estimated minutes saved by launching AMIs", value=minutes
        )

        events = CounterMetricFamily("cws_analytics_events", "Usage events kept", labels=["kind"])
        latest = GaugeMetricFamily(
            "cws_analytics_last_event_timestamp_seconds",
            "Unix time of the newest event of each kind",
            labels=["kind"],
        )
        for kind, count, newest in sql(KINDS).fetchall():
            events.add_metric([kind], count)
            latest.add_metric([kind], float(newest))
        yield from (events, latest)


def metrics_text(conn: Any) -> str:
    """The exposition text (format 0.0.4) of the events in ``conn``."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_EventsCollector(conn))  # type: ignore[arg-type]
    return generate_latest(registry).decode()
