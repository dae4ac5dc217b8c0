"""The report (the issue's JSON shape, right numbers, the --since window), retention, exports
that read back, and Prometheus text that parses."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from analytics_support import insert_events, launches
from prometheus_client.parser import text_string_to_metric_families

from cws_jupyter.core.analytics import Analytics, parse_since
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput


def resolutions(method: str, durations: list[float], **extra: object) -> list[dict[str, object]]:
    return [
        {
            "kind": "resolution",
            "template": "python-ml",
            "region": "eu-west-1",
            "method": method,
            "duration_ms": ms,
            "aws_calls": 0 if extra.get("cached") else 3,
            **extra,
        }
        for ms in durations
    ]


@pytest.fixture
def filled(analytics: Analytics) -> Analytics:
    """A week of varied usage, and older events outside a 7-day window."""
    insert_events(analytics, resolutions("own_build", [float(i) for i in range(1, 101)]))
    insert_events(analytics, resolutions("ssm_parameter", [200.0, 400.0], cached=True))
    insert_events(
        analytics, launches("ami-1", 9, "ok", ready=40.0) + launches("ami-1", 1, "failed")
    )
    insert_events(
        analytics,
        [
            {"kind": "saving", "template": "python-ml", "usd": 0.5, "minutes": 8.0},
            {
                "kind": "build",
                "template": "python-ml",
                "region": "eu-west-1",
                "ami_id": "ami-2",
                "result": "ok",
                "seconds": 600.0,
            },
            {
                "kind": "copy",
                "ami_id": "ami-2",
                "from_region": "eu-west-1",
                "to_region": "us-east-1",
                "result": "failed",
                "seconds": 30.0,
            },
        ],
    )
    insert_events(analytics, resolutions("community", [5.0]), days_ago=30)
    insert_events(
        analytics, [{"kind": "saving", "template": "old", "usd": 2.0, "minutes": 30.0}], days_ago=30
    )
    return analytics


def test_the_report_has_the_issue_shape(filled: Analytics) -> None:
    body = filled.report(parse_since("7d")).model_dump(mode="json")
    assert {"resolutions", "launches", "savings", "regions"} <= set(body)
    assert {"total", "by_method"} <= set(body["resolutions"])
    assert set(body["resolutions"]["by_method"]["own_build"]) >= {"count", "p50_ms", "p95_ms"}
    assert {"total", "success_rate", "by_template"} <= set(body["launches"])
    assert {"usd", "minutes"} <= set(body["savings"])
    json.dumps(body)  # plain JSON all the way down


def test_the_numbers_of_a_week(filled: Analytics) -> None:
    report = filled.report(dt.timedelta(days=7))
    own = report.resolutions.by_method["own_build"]
    assert (own.count, own.p50_ms, own.p95_ms) == (100, 50.5, 95.05)
    ssm = report.resolutions.by_method["ssm_parameter"]
    assert (ssm.count, ssm.cached, ssm.p50_ms) == (2, 2, 300.0)
    assert "community" not in report.resolutions.by_method  # 30 days old: outside the window
    assert report.resolutions.total == 102 and report.resolutions.aws_calls == 300
    assert report.launches.total == 10 and report.launches.success_rate == 0.9
    assert report.launches.by_template["python-ml"].p50_seconds_to_ready == 40.0
    assert (report.savings.usd, report.savings.minutes, report.savings.count) == (0.5, 8.0, 1)
    assert [p.usd for p in report.savings.by_day] == [0.5]
    assert report.regions["eu-west-1"].launches == 10
    assert report.regions["eu-west-1"].launch_success_rate == 0.9
    assert report.regions["us-east-1"].copies_in == 1
    assert report.regions["eu-west-1"].copies_out == 1
    assert (report.builds.ok, report.copies.failed) == (1, 1)
    assert report.events == 115 and report.recording is True


def test_resolutions_without_a_time_have_no_percentiles(analytics: Analytics) -> None:
    insert_events(analytics, [{"kind": "resolution", "method": "pinned_somewhere"}])
    stats = analytics.report().resolutions.by_method["pinned_somewhere"]
    assert (stats.count, stats.p50_ms, stats.p95_ms) == (1, None, None)


def test_without_since_every_event_kept_counts(filled: Analytics) -> None:
    report = filled.report()
    assert report.since is None
    assert report.resolutions.by_method["community"].count == 1
    assert report.savings.usd == 2.5 and len(report.savings.by_day) == 2


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("7d", 604800), ("24h", 86400), ("30m", 1800), ("90s", 90), ("2w", 1209600), ("1.5h", 5400)],
)
def test_since_reads_a_number_and_a_unit(text: str, seconds: int) -> None:
    assert parse_since(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["7", "d7", "7 days", "-1d", "0d", "99999999d", "7d;drop"])
def test_a_bad_since_names_the_field(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_since(text)
    assert caught.value.field == "since"


def test_retention_deletes_what_is_older(home: Path, sources: object) -> None:
    analytics = Analytics(
        Settings(state_dir=home / "state", cache_dir=home / "cache", analytics_retention_days=10),
        sources,  # type: ignore[arg-type]
    )
    insert_events(analytics, launches("ami-1", 2, "ok"), days_ago=11)
    insert_events(analytics, launches("ami-1", 3, "ok"), days_ago=9)
    assert analytics.prune() == 2
    assert analytics.report().launches.total == 3


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_an_export_reads_back(filled: Analytics, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"events.{fmt}"
    result = filled.export(target, fmt, dt.timedelta(days=7))
    assert result.rows == 115 and result.path == str(target) and result.format == fmt
    if fmt == "parquet":
        rows = duckdb.sql(f"SELECT kind, count(*) FROM '{target}' GROUP BY 1").fetchall()
        assert dict(rows)["resolution"] == 102
    elif fmt == "csv":
        with target.open() as handle:
            table = list(csv.DictReader(handle))
        assert len(table) == 115 and {"ts", "kind", "template", "usd"} <= set(table[0])
    else:
        events = json.loads(target.read_text())
        assert len(events) == 115 and events[0]["kind"] in ("resolution", "launch")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_an_export_refuses_a_folder_and_a_missing_folder(filled: Analytics, tmp_path: Path) -> None:
    with pytest.raises(BadInput) as folder:
        filled.export(tmp_path)
    assert folder.value.field == "path" and "folder" in folder.value.message
    with pytest.raises(BadInput) as missing:
        filled.export(tmp_path / "nope" / "events.parquet")
    assert "does not exist" in missing.value.message
    with pytest.raises(BadInput) as fmt:
        filled.export(tmp_path / "e.xlsx", "xlsx")
    assert fmt.value.field == "format"


def test_metrics_are_prometheus_text(filled: Analytics) -> None:
    families = {f.name: f for f in text_string_to_metric_families(filled.metrics_text())}
    counts = {
        s.labels["method"]: s.value
        for s in families["cws_resolutions"].samples
        if s.name == "cws_resolutions_total"
    }
    assert counts == {"own_build": 100.0, "ssm_parameter": 2.0, "community": 1.0}
    histogram = families["cws_resolution_duration_seconds"]
    buckets = {
        s.labels["le"]: s.value
        for s in histogram.samples
        if s.name.endswith("_bucket") and s.labels["method"] == "own_build"
    }
    assert buckets["0.01"] == 10.0 and buckets["0.05"] == 50.0 and buckets["+Inf"] == 100.0
    launched = {
        (s.labels["template"], s.labels["result"]): s.value
        for s in families["cws_launches"].samples
        if s.name == "cws_launches_total"
    }
    assert launched == {("python-ml", "ok"): 9.0, ("python-ml", "failed"): 1.0}
    saved = families["cws_savings_usd"].samples[0]
    assert saved.value == 2.5


def test_metric_label_values_are_escaped(analytics: Analytics) -> None:
    insert_events(analytics, launches("ami-1", 1, "ok"))
    with analytics.store.session() as conn:
        conn.execute("UPDATE events SET template = ?", ['odd"\nname\\'])
    families = {f.name: f for f in text_string_to_metric_families(analytics.metrics_text())}
    (sample,) = [s for s in families["cws_launches"].samples if s.name == "cws_launches_total"]
    assert sample.labels["template"] == 'odd"\nname\\'


def test_a_newer_database_is_refused_with_the_fix(analytics: Analytics) -> None:
    insert_events(analytics, launches("ami-1", 1, "ok"))
    with analytics.store.session() as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(Exception) as caught:
        analytics.report()
    assert "schema version 99" in str(caught.value) and "move the database away" in str(
        caught.value
    )
