"""The usage report: a handful of grouped scans of the events table, one per section.

Each query reads only the columns its section needs, filtered on the kind and the period, so
a report over a million events takes a few tens of milliseconds (``benchmarks/bench_analytics``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .events import OK
from .models import (
    AnalyticsReport,
    LaunchStats,
    MethodStats,
    Outcomes,
    RegionStats,
    ResolutionStats,
    SavingsPoint,
    SavingsStats,
    TemplateLaunches,
)

#: The start of "all events" (the table holds no earlier time).
EPOCH = dt.datetime(1970, 1, 1)

RESOLUTIONS = """
SELECT coalesce(method, 'unknown'), count(*), quantile_cont(duration_ms, [0.5, 0.95]),
       count(*) FILTER (WHERE cached), count(*) FILTER (WHERE pinned),
       coalesce(sum(aws_calls), 0)
FROM events WHERE kind = 'resolution' AND ts >= ?
GROUP BY 1 ORDER BY 2 DESC, 1
"""
LAUNCHES = f"""
SELECT grouping(template), coalesce(template, 'unknown'), count(*),
       count(*) FILTER (WHERE result = '{OK}'),
       median(seconds_to_ready) FILTER (WHERE result = '{OK}'), avg(hourly_usd)
FROM events WHERE kind = 'launch' AND ts >= ?
GROUP BY GROUPING SETS ((template), ())
ORDER BY 3 DESC, 2
"""
SAVINGS = """
SELECT CAST(ts AS DATE), coalesce(sum(usd), 0), coalesce(sum(minutes), 0), count(*)
FROM events WHERE kind = 'saving' AND ts >= ?
GROUP BY 1 ORDER BY 1
"""
REGIONS = f"""
SELECT region, count(*) FILTER (WHERE kind = 'resolution'), count(*) FILTER (WHERE kind = 'launch'),
       count(*) FILTER (WHERE kind = 'launch' AND result = '{OK}'),
       count(*) FILTER (WHERE kind = 'build')
FROM events WHERE kind IN ('resolution', 'launch', 'build') AND ts >= ? AND region IS NOT NULL
GROUP BY region
"""
COPIES = """
SELECT from_region, to_region, count(*)
FROM events WHERE kind = 'copy' AND ts >= ?
GROUP BY 1, 2
"""
OUTCOMES = f"""
SELECT kind, count(*), count(*) FILTER (WHERE result = '{OK}'), median(seconds)
FROM events WHERE kind IN ('build', 'copy') AND ts >= ?
GROUP BY kind
"""
TOTALS = "SELECT count(*), min(ts), max(ts) FROM events WHERE ts >= ?"


def _rate(ok: int, total: int) -> float | None:
    return round(ok / total, 4) if total else None


def _num(value: Any, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def build_report(conn: Any, cutoff: dt.datetime | None, *, recording: bool) -> AnalyticsReport:
    """The report of every event at or after ``cutoff`` (None: every event kept)."""
    start = cutoff or EPOCH
    total, first, last = conn.execute(TOTALS, [start]).fetchone()
    outcomes = _outcomes(conn, start)
    return AnalyticsReport(
        resolutions=_resolutions(conn, start),
        launches=_launches(conn, start),
        savings=_savings(conn, start),
        regions=_regions(conn, start),
        builds=outcomes.get("build", Outcomes()),
        copies=outcomes.get("copy", Outcomes()),
        events=int(total),
        since=cutoff,
        first_event=first,
        last_event=last,
        generated_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        recording=recording,
    )


def _resolutions(conn: Any, start: dt.datetime) -> ResolutionStats:
    stats = ResolutionStats()
    rows = conn.execute(RESOLUTIONS, [start]).fetchall()
    for method, count, quantiles, cached, pinned, calls in rows:
        p50, p95 = quantiles or (None, None)  # null when no resolution of the method was timed
        stats.by_method[method] = MethodStats(
            count=count,
            p50_ms=_num(p50),
            p95_ms=_num(p95),
            cached=cached,
            pinned=pinned,
            aws_calls=int(calls),
        )
        stats.total += count
        stats.cached += cached
        stats.pinned += pinned
        stats.aws_calls += int(calls)
    return stats


def _launches(conn: Any, start: dt.datetime) -> LaunchStats:
    stats = LaunchStats()
    for is_total, template, total, ok, ready, hourly in conn.execute(LAUNCHES, [start]).fetchall():
        if is_total:
            stats.total, stats.ok, stats.failed = total, ok, total - ok
            stats.success_rate = _rate(ok, total)
            stats.p50_seconds_to_ready = _num(ready, 1)
            continue
        stats.by_template[template] = TemplateLaunches(
            total=total,
            ok=ok,
            failed=total - ok,
            success_rate=_rate(ok, total),
            p50_seconds_to_ready=_num(ready, 1),
            hourly_usd=_num(hourly, 4),
        )
    return stats


def _savings(conn: Any, start: dt.datetime) -> SavingsStats:
    stats = SavingsStats()
    for day, usd, minutes, count in conn.execute(SAVINGS, [start]).fetchall():
        stats.by_day.append(SavingsPoint(day=day, usd=round(usd, 4), minutes=round(minutes, 1)))
        stats.usd += usd
        stats.minutes += minutes
        stats.count += count
    stats.usd, stats.minutes = round(stats.usd, 4), round(stats.minutes, 1)
    return stats


def _regions(conn: Any, start: dt.datetime) -> dict[str, RegionStats]:
    regions: dict[str, RegionStats] = {}
    for region, resolutions, launches, launched, builds in conn.execute(
        REGIONS, [start]
    ).fetchall():
        regions[region] = RegionStats(
            resolutions=resolutions,
            launches=launches,
            launch_success_rate=_rate(launched, launches),
            builds=builds,
        )
    for source, target, count in conn.execute(COPIES, [start]).fetchall():
        if source:
            regions.setdefault(source, RegionStats()).copies_out += count
        if target:
            regions.setdefault(target, RegionStats()).copies_in += count
    return dict(
        sorted(
            regions.items(), key=lambda item: (-(item[1].resolutions + item[1].launches), item[0])
        )
    )


def _outcomes(conn: Any, start: dt.datetime) -> dict[str, Outcomes]:
    return {
        kind: Outcomes(total=total, ok=ok, failed=total - ok, p50_seconds=_num(seconds, 1))
        for kind, total, ok, seconds in conn.execute(OUTCOMES, [start]).fetchall()
    }
