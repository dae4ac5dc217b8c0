"""Recording: every event lands in the spool and then in DuckDB exactly once; recording never
raises, does nothing when switched off, and keeps DuckDB out of the recording process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from analytics_support import spool_files

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.analytics import spool as spool_module
from cws_jupyter.core.config import Settings


def resolution_fields(i: int) -> dict[str, object]:
    return {
        "template": "python-ml",
        "region": "eu-west-1",
        "method": "own_build",
        "duration_ms": float(i),
        "aws_calls": 2,
        "cached": False,
        "pinned": False,
        "ami_id": "ami-0123456789abcdef0",
        "architecture": "x86_64",
    }


def test_recorded_events_reach_the_report_exactly_once(analytics: Analytics) -> None:
    for i in range(250):
        analytics.record("resolution", **resolution_fields(i))
    analytics.record("saving", template="python-ml", usd=0.25, minutes=7.5)
    first = analytics.report()
    second = analytics.report()  # the spool was ingested by the first: nothing twice
    assert first.resolutions.total == second.resolutions.total == 250
    assert first.savings.usd == 0.25 and first.savings.minutes == 7.5
    assert spool_files(analytics.folder) == []


def test_the_spool_holds_one_json_line_per_event_until_a_reader_ingests_it(
    analytics: Analytics,
) -> None:
    analytics.record(
        "copy",
        ami_id="ami-1",
        from_region="eu-west-1",
        to_region="us-east-1",
        result="ok",
        seconds=300.0,
    )
    analytics.flush()
    (path,) = spool_files(analytics.folder)
    assert path.name.startswith(f"{os.getpid()}-") and path.suffix == ".jsonl"
    line = json.loads(path.read_text())
    assert line["kind"] == "copy" and line["to_region"] == "us-east-1" and line["t"] > 0
    assert not analytics.store.db_path.exists()  # recording never opens DuckDB


def test_recording_is_off_with_cws_analytics_0(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CWS_ANALYTICS", "0")
    settings = Settings.from_env()
    assert settings.analytics is False
    off = Analytics(settings)
    off.record("resolution", **resolution_fields(1))
    off.flush()
    assert not (home / "state" / "analytics").exists()
    report = off.report()
    assert report.events == 0 and report.recording is False
    assert any("CWS_ANALYTICS=0" in note for note in report.notes)
    assert not (home / "state" / "analytics").exists()  # reading created nothing either


def test_an_unwritable_folder_warns_once_and_drops_events(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = home / "state"
    state.mkdir(parents=True, exist_ok=True)
    (state / "analytics").write_text("a file where the analytics folder should be")
    analytics = Analytics(Settings(state_dir=state, cache_dir=home / "cache"))
    spool_module._warned.clear()
    with caplog.at_level(logging.WARNING, logger="cws_jupyter.core.analytics.spool"):
        for i in range(3):
            analytics.record("resolution", **resolution_fields(i))
            analytics.flush()  # no exception reaches the caller
    warnings = [r for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(warnings) == 1
    assert "CWS_ANALYTICS=0" in warnings[0].getMessage()


def test_an_unusable_state_folder_is_left_to_the_one_warning_about_it(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The state store and the lookup cache say once that the state folder cannot be used;
    the analytics drop their events without repeating it."""
    blocker = home / "state"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the state folder should be")
    analytics = Analytics(Settings(state_dir=blocker, cache_dir=home / "cache"))
    spool_module._warned.clear()
    with caplog.at_level(logging.WARNING, logger="cws_jupyter.core.analytics.spool"):
        analytics.record("resolution", **resolution_fields(0))
        analytics.flush()
    assert [r for r in caplog.records if "cannot be written" in r.getMessage()] == []


def test_an_unknown_kind_is_dropped_with_one_warning(
    analytics: Analytics, caplog: pytest.LogCaptureFixture
) -> None:
    spool_module._warned.clear()
    with caplog.at_level(logging.WARNING):
        analytics.record("teleport", template="x")
        analytics.record("teleport", template="x")
    assert sum("teleport" in r.getMessage() for r in caplog.records) == 1
    assert analytics.report().events == 0


def test_values_json_cannot_hold_are_recorded_as_text(analytics: Analytics) -> None:
    analytics.record(
        "build", template=Path("odd"), region="eu-west-1", ami_id="ami-1", result="ok", seconds=12
    )
    assert analytics.report().builds.total == 1


def test_check_names_fields_an_event_kind_does_not_carry() -> None:
    assert Analytics.check("launch", {"template": "t", "result": "ok"}) == []
    assert Analytics.check("launch", {"colour": "red"}) == ["launch events have no field 'colour'"]
    assert "unknown kind" in Analytics.check("nope", {})[0]


def test_a_forked_child_does_not_write_its_parents_queued_events(analytics: Analytics) -> None:
    """The child inherits the parent's queue in memory; it must start empty, or events would
    be written twice."""
    analytics.record("saving", template="python-ml", usd=1.0, minutes=1.0)
    pid = os.fork()
    if pid == 0:  # the child: record one event of its own, flush, leave at once
        try:
            analytics.record("saving", template="python-ml", usd=10.0, minutes=1.0)
            analytics.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    report = analytics.report()
    assert report.savings.count == 2 and report.savings.usd == 11.0


def test_recording_imports_neither_duckdb_nor_boto3(home: Path) -> None:
    """A process that only records (a resolve answered from the cache) loads no heavy library."""
    code = (
        "import sys\n"
        "from cws_jupyter.core.config import Settings\n"
        "from cws_jupyter.core.analytics import Analytics\n"
        "a = Analytics(Settings.from_env())\n"
        "a.record('resolution', template='t', region='eu-west-1', method='own_build')\n"
        "heavy = [m for m in ('duckdb', 'boto3', 'prometheus_client', 'pydantic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    env = {**os.environ, "CWS_HOME": str(home)}
    run = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout.strip() == "pydantic"  # Settings is a pydantic model; nothing else
    (path,) = spool_files(home / "state" / "analytics")
    assert json.loads(path.read_text())["template"] == "t"  # written at exit
