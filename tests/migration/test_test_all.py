"""`migrate test-all`: every template resolved in every region, concurrently; failures are rows."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from migration_helpers import REGION, cws

from cws_jupyter.core.errors import BadInput, NotFound
from cws_jupyter.core.progress import Progress
from cws_jupyter.core.service import CwsService

TEMPLATES = ["amazon-linux-2023", "python-ml"]
REGIONS = [REGION, "ap-south-1"]


def test_a_failed_resolution_is_a_row(service: CwsService) -> None:
    """amazon-linux-2023 is ami_required and absent from ap-south-1: that row carries the
    failure; the other three resolve; progress counts every resolution."""
    events: list[Progress] = []
    matrix = service.migration.test_all(TEMPLATES, REGIONS, progress=events.append)

    assert matrix.templates == TEMPLATES and matrix.regions == REGIONS
    assert [(r.template, r.region) for r in matrix.rows] == [
        (t, r) for t in TEMPLATES for r in REGIONS
    ]
    assert matrix.resolved == 3 and matrix.failed == 1

    failed = matrix.row("amazon-linux-2023", "ap-south-1")
    assert failed is not None and not failed.ok
    assert failed.error_code == "resolution_failed" and "ami_required" in (failed.error or "")
    assert failed.method is None and failed.ami_id is None and failed.strategy == "ami_required"

    al2023 = matrix.row("amazon-linux-2023", REGION)
    assert al2023 is not None and al2023.ok and al2023.error is None
    assert al2023.method == "ssm_parameter" and (al2023.ami_id or "").startswith("ami-")
    assert al2023.provisioning == "none" and al2023.instance_type == "t4g.medium"
    ml = matrix.row("python-ml", REGION)
    assert ml is not None and ml.ok and ml.method == "ssm_parameter" and not ml.copy_required
    assert matrix.row("python-ml", "ap-south-1").ok  # type: ignore[union-attr]

    assert events[0].done == 0 and events[0].total == 4
    assert [e.done for e in events[1:]] == [1, 2, 3, 4]
    assert all(e.step == "resolve" and e.total == 4 for e in events)
    assert any(e.message == "amazon-linux-2023 in ap-south-1: failed" for e in events)


def test_defaults_every_template_in_home_and_its_fallbacks(service: CwsService) -> None:
    """No template or region named: each template on the path, in the configured region and
    its fallback neighbours, exactly once each."""
    matrix = service.migration.test_all()
    regions = [REGION, *service.regions.fallbacks(REGION)]
    assert matrix.regions == regions and len(regions) > 1
    assert matrix.templates == service.library.slugs() and len(matrix.templates) == 9
    pairs = [(r.template, r.region) for r in matrix.rows]
    assert sorted(pairs) == sorted((t, r) for t in matrix.templates for r in regions)
    assert matrix.resolved + matrix.failed == len(pairs)
    assert all(row.ok == (row.error is None) for row in matrix.rows)
    ok = matrix.row("ubuntu-24-server", REGION)
    assert ok is not None and ok.ok and ok.ami_id


def test_resolutions_run_concurrently_and_a_crash_is_a_row(
    service: CwsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolutions overlap in time (a thread pool); one that raises something unexpected
    becomes a row with its message, and the others still resolve."""
    real = service.resolve
    lock = threading.Lock()
    running, peak = [0], [0]

    def slow(template: Any, region: str | None = None, *args: Any) -> Any:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.3)
            if region == "ap-south-1" and template.template.slug == "python-ml":
                raise RuntimeError("boom")
            return real(template, region, *args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(service, "resolve", slow)
    matrix = service.migration.test_all(TEMPLATES, REGIONS)
    assert peak[0] > 1  # two resolutions were running at the same moment
    crashed = matrix.row("python-ml", "ap-south-1")
    assert crashed is not None and not crashed.ok
    assert crashed.error_code == "unexpected" and "boom" in (crashed.error or "")
    assert matrix.failed == 2 and matrix.resolved == 2


def test_bad_input_before_any_resolution(
    service: CwsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed region or an unknown template is refused before anything is resolved."""

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("resolved despite bad input")

    monkeypatch.setattr(service, "resolve", never)
    with pytest.raises(BadInput, match="eu-west-9"):
        service.migration.test_all(TEMPLATES, [REGION, "eu-west-9"])
    with pytest.raises(NotFound, match="nope"):
        service.migration.test_all(["nope"], [REGION])


def test_cancel_stops_the_matrix(service: CwsService) -> None:
    """A set cancel event stops waiting for resolutions."""
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(InterruptedError, match="stopped after"):
        service.migration.test_all(TEMPLATES, REGIONS, cancel=cancel)


def test_cli_test_all_exits_1_when_a_row_failed(home: Path) -> None:
    """`cws migrate test-all --json` prints every row; a failed row makes the exit code 1;
    with no failure the table says so and the exit code is 0."""
    out = cws(
        home,
        "migrate",
        "test-all",
        "--template",
        "amazon-linux-2023",
        "--region",
        REGION,
        "--region",
        "ap-south-1",
        "--json",
    )
    assert out.returncode == 1, out.stderr
    matrix = json.loads(out.stdout)
    assert [r["region"] for r in matrix["rows"]] == [REGION, "ap-south-1"]
    assert matrix["failed"] == 1 and matrix["rows"][1]["error_code"] == "resolution_failed"

    out = cws(home, "migrate", "test-all", "--template", "amazon-linux-2023", "--region", REGION)
    assert out.returncode == 0, out.stderr
    assert "1 resolved, 0 failed" in out.stdout and "ssm_parameter" in out.stdout
