"""Usage analytics at scale (issue 11 section 6).

    python benchmarks/bench_analytics.py [--report-events 1000000] [--recommend-events 10000000]
                                         [--repeat 5] [--json]

Rows:

- the usage report (``Analytics.report``) over ``--report-events`` events (all kept, then the
  last 7 days), as a reader sees it: lock, open the DuckDB file, find the spool empty, the
  queries, close; goal < 200 ms;
- recommendations (``Analytics.recommend``) over ``--recommend-events`` events, goal < 1 s.
  The candidates come from stand-in sources answering at once (the resolver, builds and
  community lookups are AWS round trips, measured by ``bench_resolver.py``): this is the
  analytics side, the launch history of the candidates read from 10 million events;
- recording one event (``Analytics.record``), per call; goal < 0.1 ms;
- a warm resolve (answered from the lookup cache, on the sandbox) with analytics on and off,
  interleaved in one run, and the difference; goal: < 0.1 ms added;
- ingesting a spool of 100,000 events (one reader, after a busy period), as information.

Synthetic events are generated straight into DuckDB by SQL (``range`` and ``hash``): 30 days
in time order (as ingests append them),
80% resolutions, 15% launches (90% successful), builds, copies, savings; 8 templates,
10 regions, 2,000 images. Times are medians of ``--repeat`` runs after a warm-up, in this
process. The machine running this may be shared: numbers move with its load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import temp_home  # noqa: E402

from cws_jupyter.core.analytics import Analytics  # noqa: E402
from cws_jupyter.core.config import Settings  # noqa: E402

TEMPLATES = [
    "python-ml", "r-research", "bioinformatics", "teaching-lab", "ubuntu-24-server",
    "deep-learning-gpu", "rstudio", "amazon-linux-2023",
]  # fmt: skip
REGIONS = [
    "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-west-2",
    "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1",
]  # fmt: skip
METHODS = [
    "direct_mapping", "own_build", "ssm_parameter", "dynamic_search", "community",
    "cross_region", "script_fallback",
]  # fmt: skip
IMAGES = 2000


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


GENERATE = f"""
INSERT INTO events BY NAME
SELECT
  now()::TIMESTAMP - to_seconds(CAST((n - i) * 2592 / (n / 1000.0) AS BIGINT)) AS ts,
  CASE WHEN k < 80 THEN 'resolution' WHEN k < 95 THEN 'launch' WHEN k < 97 THEN 'build'
       WHEN k < 98 THEN 'copy' ELSE 'saving' END AS kind,
  {_list(TEMPLATES)}[1 + h2 % {len(TEMPLATES)}] AS template,
  {_list(REGIONS)}[1 + h3 % {len(REGIONS)}] AS region,
  {_list(METHODS)}[1 + h4 % {len(METHODS)}] AS method,
  'ami-' || lpad(printf('%x', h5 % {IMAGES}), 17, '0') AS ami_id,
  'x86_64' AS architecture,
  CASE WHEN h6 % 10 = 0 THEN 'failed' ELSE 'ok' END AS result,
  't3.large' AS instance_type,
  {_list(REGIONS)}[1 + h7 % {len(REGIONS)}] AS from_region,
  {_list(REGIONS)}[1 + h8 % {len(REGIONS)}] AS to_region,
  (h1 % 500000) / 1000.0 AS duration_ms,
  CAST(h2 % 6 AS INTEGER) AS aws_calls,
  h3 % 2 = 0 AS cached,
  h4 % 20 = 0 AS pinned,
  30 + (h5 % 12000) / 100.0 AS seconds_to_ready,
  0.0832 AS hourly_usd,
  60 + h6 % 900 AS seconds,
  (h7 % 100) / 100.0 AS usd,
  (h8 % 1500) / 100.0 AS minutes
FROM (
  SELECT range AS i, CAST(? AS BIGINT) AS n, CAST(hash(range) % 100 AS BIGINT) AS k,
         {", ".join(f"CAST(hash(range, {n}) % 1000003 AS BIGINT) AS h{n}" for n in range(1, 9))}
  FROM range(?)
)
"""


@dataclass
class Row:
    """One line of the result table."""

    scenario: str
    value: float
    unit: str
    goal: str
    ok: bool | None
    best: float | None = None  # the fastest run, when timed repeatedly


@dataclass
class Timing:
    """Milliseconds of repeated runs: the median, and the fastest (least disturbed by the load)."""

    median: float
    best: float


def timed(work: Any, repeat: int) -> Timing:
    """``work()`` timed ``repeat`` times after one warm-up."""
    work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(round(statistics.median(samples), 1), round(min(samples), 1))


def filled(events: int, name: str) -> tuple[Analytics, float]:
    """Analytics in a new folder holding ``events`` synthetic events; seconds to generate."""
    home = temp_home(f"cws-bench-analytics-{name}-")
    settings = Settings(state_dir=home / "state", cache_dir=home / "cache")
    analytics = Analytics(settings, StubSources())
    started = time.perf_counter()
    with analytics.store.session() as conn:
        conn.execute(GENERATE, [events, events])
        conn.execute("CHECKPOINT")
    return analytics, time.perf_counter() - started


class StubSources:
    """Sources answering at once: the resolver picks one image, one build, one community image
    (three of the synthetic images, each with thousands of launches at 10 million events)."""

    def __init__(self) -> None:
        from cws_jupyter.core.pricing import PriceBook
        from cws_jupyter.core.regions import RegionMap

        self.default_region = "eu-west-1"
        self.prices = PriceBook.load(None)
        self.regions = RegionMap.load()
        self._library: Any = None

    def template(self, ref: str) -> Any:
        from cws_jupyter.core.templates.loader import TemplateLibrary

        if self._library is None:
            self._library = TemplateLibrary.from_settings(Settings())
        return self._library.get(ref)

    def resolve(self, loaded: Any, region: str) -> Any:
        from cws_jupyter.core.aws.images import AMIInfo
        from cws_jupyter.core.resolver.models import Provisioning, Resolution, ResolutionMethod

        return Resolution(
            template=loaded.template.slug,
            region=region,
            strategy="ami_preferred",
            architecture="x86_64",
            ami_id=image_id(1),
            ami=AMIInfo(ami_id=image_id(1), region=region, creation_date="2026-11-01T00:00:00Z"),
            resolution_method=ResolutionMethod.SSM_PARAMETER,
            instance_type="t3.large",
            estimated_cost=0.0944,
            estimated_launch_time=60,
            provisioning=Provisioning.NONE,
        )

    def own_builds(self, slug: str, region: str) -> Any:
        from cws_jupyter.core.images.models import ImageList, StoredImage

        build = StoredImage(
            ami_id=image_id(2), region=region, name="b", state="available",
            created="2026-11-20T00:00:00Z", owner_id="123456789012", owned=True, current=True,
        )  # fmt: skip
        return ImageList(images=[build], regions=[region], template=slug)

    def community(self, slug: str, region: str) -> Any:
        import datetime as dt

        from cws_jupyter.core.registry.models import BrowsePage, CommunityAMI

        when = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
        record = CommunityAMI(
            ami_id="cami-0000000000000003", name="c", template=slug, creator="x", rating=4.5,
            rating_count=10, images={region: image_id(3)}, created_at=when, last_updated=when,
        )  # fmt: skip
        return BrowsePage(items=[record], page=1, per_page=10, total=1)

    def availability(self, loaded: Any, regions: list[str]) -> Any:
        raise NotImplementedError


def image_id(n: int) -> str:
    """The synthetic image number ``n`` (as the generator names them)."""
    return f"ami-{n:017x}"


def bench_report(events: int, repeat: int) -> tuple[list[Row], dict[str, float]]:
    analytics, seconds = filled(events, "report")
    import datetime as dt

    every = timed(analytics.report, repeat)
    week = timed(lambda: analytics.report(dt.timedelta(days=7)), repeat)
    metrics = timed(analytics.metrics_text, repeat)
    n = f"{events:,}"
    assert analytics.report().events == events
    size = analytics.store.db_path.stat().st_size / 1e6
    rows = [
        Row(f"report over {n} events (all kept)", every.median, "ms", "< 200 ms",
            every.median < 200, every.best),
        Row(f"report over {n} events (--since 7d)", week.median, "ms", "< 200 ms",
            week.median < 200, week.best),
        Row(f"Prometheus metrics over {n} events", metrics.median, "ms", "info", None,
            metrics.best),
    ]  # fmt: skip
    return rows, {"report_generate_s": round(seconds, 1), "report_db_mb": round(size, 1)}


def bench_recommend(events: int, repeat: int) -> tuple[list[Row], dict[str, float]]:
    analytics, seconds = filled(events, "recommend")
    result = analytics.recommend("python-ml", "eu-west-1")
    assert result.basis == "history" and result.launches_seen > 0, result
    ms = timed(lambda: analytics.recommend("python-ml", "eu-west-1"), repeat)
    size = analytics.store.db_path.stat().st_size / 1e6
    rows = [
        Row(f"recommendations over {events:,} events", ms.median, "ms", "< 1 s",
            ms.median < 1000, ms.best),
    ]  # fmt: skip
    notes = {
        "recommend_generate_s": round(seconds, 1),
        "recommend_db_mb": round(size, 1),
        "recommend_launches_seen": result.launches_seen,
    }
    return rows, notes


def bench_record(calls: int = 50_000, rounds: int = 5) -> list[Row]:
    home = temp_home("cws-bench-analytics-record-")
    analytics = Analytics(Settings(state_dir=home / "state", cache_dir=home / "cache"))
    fields = dict(
        template="python-ml", region="eu-west-1", method="own_build", duration_ms=0.4,
        aws_calls=0, cached=True, pinned=False, ami_id="ami-0123456789abcdef0", architecture="x86_64",
    )  # fmt: skip
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            analytics.record("resolution", **fields)
        samples.append((time.perf_counter() - started) / calls * 1e6)
        analytics.flush()
    per_call = statistics.median(samples)
    return [Row("record() per call", round(per_call, 2), "us", "< 100 us", per_call < 100)]


def bench_resolve(repeat: int, calls: int = 2000) -> list[Row]:
    """Warm resolves on the sandbox, analytics on and off, interleaved."""
    from cws_jupyter.core.sandbox import ensure_running, stop
    from cws_jupyter.core.service import CwsService

    home = temp_home("cws-bench-analytics-resolve-")
    base = dict(
        region="eu-west-1", sandbox=True, state_dir=home / "state", cache_dir=home / "cache",
        user_template_dir=home / "templates", lock_file=home / "cws.lock",
    )  # fmt: skip
    try:
        ensure_running(home / "state")
        services = {
            on: CwsService(Settings(**base, analytics=on))  # type: ignore[arg-type]
            for on in (True, False)
        }
        for svc in services.values():
            svc.resolve("python-ml", region="eu-west-1")  # fill the caches
        samples: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(repeat):
            for on, svc in services.items():
                started = time.perf_counter()
                for _ in range(calls):
                    svc.resolve("python-ml", region="eu-west-1")
                samples[on].append((time.perf_counter() - started) / calls * 1000)
        on, off = (statistics.median(samples[k]) for k in (True, False))
    finally:
        stop(home / "state")
    added = (on - off) * 1000
    return [
        Row("warm resolve, analytics off", round(off * 1000, 1), "us", "info", None),
        Row("warm resolve, analytics on", round(on * 1000, 1), "us", "info", None),
        Row("added to a resolve by analytics", round(added, 1), "us", "< 100 us", added < 100),
    ]


def bench_ingest(events: int = 100_000) -> list[Row]:
    home = temp_home("cws-bench-analytics-ingest-")
    analytics = Analytics(Settings(state_dir=home / "state", cache_dir=home / "cache"))
    with analytics.store.session():
        pass  # the database exists: what is timed is the ingest
    for i in range(events):
        analytics.record("launch", template="python-ml", region="eu-west-1", ami_id=f"ami-{i % 50}",
                         result="ok", seconds_to_ready=40.0, instance_type="t3.large", hourly_usd=0.08)  # fmt: skip
        if i % 50_000 == 49_999:
            analytics.flush()
    analytics.flush()
    started = time.perf_counter()
    total = analytics.report().launches.total
    ms = (time.perf_counter() - started) * 1000
    assert total == events, total
    return [
        Row(
            f"first report after {events:,} spooled events (ingest)",
            round(ms, 1),
            "ms",
            "info",
            None,
        )
    ]


def print_table(rows: list[Row], notes: dict[str, Any]) -> None:
    header = f"{'scenario':58} {'median':>9} {'best':>9} {'':3} goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        mark = "" if r.ok is None else ("  ok" if r.ok else "  MISSED")
        best = "" if r.best is None else r.best
        print(f"{r.scenario:58} {r.value:>9} {best:>9} {r.unit:3} {r.goal}{mark}")
    print("\n" + ", ".join(f"{k}={v}" for k, v in notes.items()))
    print("(a shared machine: numbers move with its load)")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--report-events", type=int, default=1_000_000)
    parser.add_argument("--recommend-events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-sandbox", action="store_true", help="Skip the resolve rows.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    notes: dict[str, Any] = {"load_average_before": round(os.getloadavg()[0], 2)}
    rows, extra = bench_report(args.report_events, args.repeat)
    notes.update(extra)
    more, extra = bench_recommend(args.recommend_events, args.repeat)
    rows += more
    notes.update(extra)
    rows += bench_record()
    if not args.no_sandbox:
        rows += bench_resolve(args.repeat)
    rows += bench_ingest()
    notes["load_average_after"] = round(os.getloadavg()[0], 2)
    notes["cpus"] = os.cpu_count() or 0
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "notes": notes}, indent=2))
    else:
        print_table(rows, notes)


if __name__ == "__main__":
    main()
