"""Sixteen real processes record at once while another one reads (and ingests) the whole time:
no event is lost or counted twice, and no recorder waits for the reader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cws_testing import isolated_environ

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.config import Settings

WORKER = Path(__file__).with_name("record_worker.py")
PROCESSES, EACH = 16, 400


def test_sixteen_processes_lose_no_event(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    env = isolated_environ(tmp_path)
    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, str(WORKER), "read", str(stop)], env=env, stdout=subprocess.PIPE, text=True
    )
    writers = [
        subprocess.Popen([sys.executable, str(WORKER), "record", f"w{n:02d}", str(EACH)], env=env)
        for n in range(PROCESSES)
    ]
    try:
        assert [w.wait(timeout=180) for w in writers] == [0] * PROCESSES
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=120)
    assert reader.returncode == 0
    assert int(out.strip()) >= 1  # the reader really ran alongside

    monkeypatch.setenv("CWS_HOME", str(tmp_path))
    report = Analytics(Settings.from_env()).report()
    assert report.launches.total == PROCESSES * EACH
    assert sorted(report.launches.by_template) == [f"w{n:02d}" for n in range(PROCESSES)]
    for name, stats in report.launches.by_template.items():
        assert (stats.total, stats.ok, stats.failed) == (EACH, EACH * 3 // 4, EACH // 4), name
    assert not list((tmp_path / "state" / "analytics" / "spool").iterdir())
