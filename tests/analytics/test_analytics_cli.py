"""The front doors on the sandbox: `cws` as separate processes (a resolve is recorded and shows
in the report), `%cws report` and `%cws recommend` in-process, and the verbs' bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from cws_testing import isolated_environ

from cws_jupyter.cli.main import run
from cws_jupyter.core.analytics import AnalyticsReport, Recommendations, RegionAdvice
from cws_jupyter.core.service import CwsService
from cws_jupyter.display.formatters import html_of

pytestmark = pytest.mark.sandbox
CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]


def cws(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cws --sandbox ARGS` in a separate process with CWS_HOME=home."""
    return subprocess.run(
        [*CWS, "--sandbox", *args],
        env={**isolated_environ(home), "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=180,
    )


def by_method(home: Path) -> dict[str, int]:
    out = cws(home, "analytics", "report", "--json")
    assert out.returncode == 0, out.stderr
    return {m: s["count"] for m, s in json.loads(out.stdout)["resolutions"]["by_method"].items()}


def test_a_resolve_in_one_process_shows_in_the_report_of_another(
    service: CwsService, sandbox_home: Path
) -> None:
    before = by_method(sandbox_home)
    out = cws(sandbox_home, "ami", "resolve", "ubuntu-24-server", "--region", "eu-west-1", "--json")
    assert out.returncode == 0, out.stderr
    method = json.loads(out.stdout)["resolution_method"]
    after = by_method(sandbox_home)
    assert after.get(method, 0) == before.get(method, 0) + 1


def test_the_report_in_the_terminal(service: CwsService, sandbox_home: Path) -> None:
    assert cws(sandbox_home, "ami", "resolve", "python-ml", "--region", "eu-west-1").returncode == 0
    out = cws(sandbox_home, "analytics", "report", "--since", "1d")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage analytics (since ")
    assert "resolutions:" in out.stdout and "p95" in out.stdout and "eu-west-1" in out.stdout


def test_export_writes_parquet(service: CwsService, sandbox_home: Path, tmp_path: Path) -> None:
    service.resolve("python-ml", region="eu-west-1")  # at least one event, whatever ran before
    service.analytics.flush()
    target = tmp_path / "usage.parquet"
    out = cws(sandbox_home, "analytics", "export", str(target), "--since", "1d", "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["format"] == "parquet" and answer["path"] == str(target)
    assert duckdb.sql(f"SELECT count(*) FROM '{target}'").fetchall()[0][0] == answer["rows"] > 0


def test_recommend_and_regions_best_as_json(service: CwsService, sandbox_home: Path) -> None:
    out = cws(sandbox_home, "ami", "recommend", "python-ml", "--region", "eu-west-1", "--json")
    assert out.returncode == 0, out.stderr
    recs = json.loads(out.stdout)
    resolved = service.resolve("python-ml", region="eu-west-1")
    assert recs["candidates"][0]["ami_id"] == resolved.ami_id
    assert all(c["reasons"] for c in recs["candidates"])
    out = cws(sandbox_home, "regions", "best", "python-ml", "--from", "eu-west-1", "--json")
    assert out.returncode == 0, out.stderr
    advice = json.loads(out.stdout)
    assert advice["from_region"] == "eu-west-1" and advice["options"]
    home = next(o for o in advice["options"] if o["region"] == "eu-west-1")
    assert home["available"] is True and home["ami_id"] == resolved.ami_id


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("analytics", "report", "--since", "7x"), "since"),
        (("ami", "recommend", "python-ml", "--region", "eu-wset-1"), "region"),
        (("regions", "best", "python-ml", "--from", "mars-1"), "region"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    service: CwsService, sandbox_home: Path, args: tuple[str, ...], field: str
) -> None:
    out = cws(sandbox_home, *args, "--json")
    assert out.returncode == 2
    assert json.loads(out.stdout)["field"] == field
    assert out.stderr.startswith("error: ")


def test_the_magic_verbs_return_objects_the_notebook_draws(service: CwsService) -> None:
    service.resolve("python-ml", region="eu-west-1")
    report = run(["report", "--since", "1d"], service=service)
    assert isinstance(report, AnalyticsReport) and report.resolutions.total >= 1
    html = html_of(report)
    assert "<svg" in html and "Resolution time per method" in html
    recs = run(["recommend", "python-ml", "--region", "eu-west-1"], service=service)
    assert isinstance(recs, Recommendations)
    assert recs.candidates and "<table" in html_of(recs)
    advice = run(["regions", "best", "python-ml", "--from", "eu-west-1"], service=service)
    assert isinstance(advice, RegionAdvice) and "eu-west-1" in html_of(advice)


def test_percent_cws_report_and_its_long_form(service: CwsService) -> None:
    """The magic's own path (``dispatch``): the shorthand and the full verb give the report."""
    from cws_jupyter.magics.dispatch import dispatch

    short = dispatch("report --since 1d", None, lambda overrides: service)
    full = dispatch("analytics report --since 1d", None, lambda overrides: service)
    assert isinstance(short, AnalyticsReport) and isinstance(full, AnalyticsReport)
    assert short.resolutions.total == full.resolutions.total
