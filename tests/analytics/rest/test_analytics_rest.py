"""The REST front door: Prometheus text at {base_url}cws/api/v1/metrics and the report at
analytics/report, both behind the server's token, both answered off the event loop."""

from __future__ import annotations

from typing import Any

from conftest import Fetch, as_json
from prometheus_client.parser import text_string_to_metric_families

NO_TOKEN = {"Authorization": ""}


def record_some(cws_app: Any) -> None:
    analytics = cws_app.service.analytics
    for ms in (10.0, 20.0, 30.0):
        analytics.record(
            "resolution",
            template="python-ml",
            region="eu-west-1",
            method="own_build",
            duration_ms=ms,
            aws_calls=0,
            cached=True,
        )
    analytics.record(
        "launch",
        template="python-ml",
        region="eu-west-1",
        ami_id="ami-1",
        result="ok",
        seconds_to_ready=41.0,
    )


async def test_metrics_are_prometheus_text(fetch: Fetch, cws_app: Any) -> None:
    record_some(cws_app)
    status, text, response = await fetch("metrics")
    assert status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    (total,) = [s for s in families["cws_resolutions"].samples if s.name.endswith("_total")]
    assert total.labels == {"method": "own_build"} and total.value == 3.0
    assert "cws_resolution_duration_seconds" in families and "cws_launches" in families


async def test_metrics_need_the_token(fetch: Fetch) -> None:
    status, text, _ = await fetch("metrics", headers=dict(NO_TOKEN))
    assert status == 403
    assert as_json(text)["error"] == "forbidden"


async def test_the_report_is_the_cli_json(fetch: Fetch, cws_app: Any) -> None:
    record_some(cws_app)
    status, text, _ = await fetch("analytics/report", params={"since": "7d"})
    assert status == 200
    body = as_json(text)
    assert body["resolutions"]["total"] == 3
    assert body["resolutions"]["by_method"]["own_build"]["p50_ms"] == 20.0
    assert body["launches"]["success_rate"] == 1.0
    assert body["since"] is not None and {"savings", "regions"} <= set(body)


async def test_a_bad_since_is_a_400_naming_it(fetch: Fetch) -> None:
    status, text, _ = await fetch("analytics/report", params={"since": "a week"})
    assert status == 400
    error = as_json(text)
    assert (error["error"], error["field"]) == ("bad_input", "since")
