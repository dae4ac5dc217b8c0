"""A process that records usage events (``record``) or reads reports in a loop (``read``), for
the multi-process test. CWS_HOME says where; run as ``python record_worker.py MODE ARGS``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.config import Settings


def record(name: str, count: int) -> None:
    """``count`` launches of template ``name``, in bursts, so flushes and claims interleave."""
    analytics = Analytics(Settings.from_env())
    for i in range(count):
        analytics.record(
            "launch",
            template=name,
            region="eu-west-1",
            ami_id=f"ami-{i:017x}",
            result="ok" if i % 4 else "failed",
            seconds_to_ready=30.0 + i % 7,
            instance_type="t3.large",
            hourly_usd=0.0944,
            method="own_build",
        )
        if i % 50 == 49:
            time.sleep(0.02)
    # the rest is written at interpreter exit


def read(stop_file: Path) -> None:
    """Reports, one after another, until ``stop_file`` exists (each ingests the spool)."""
    analytics = Analytics(Settings.from_env())
    reports = 0
    while not stop_file.exists():
        analytics.report()
        reports += 1
    print(reports)


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(sys.argv[2], int(sys.argv[3]))
    else:
        read(Path(sys.argv[2]))
