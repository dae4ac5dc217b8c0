"""What the usage analytics hear of each launch, build and copy job as it ends (the fields the
analytics name), and that a listener that fails never fails the job. Resolutions: see
tests/resolver/test_resolver_usage.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from cws_jupyter.core.analytics.facade import Analytics
from cws_jupyter.core.jobs import JobRecord, JobState
from cws_jupyter.core.store import StateStore
from cws_jupyter.core.usage import job_events


def record(kind: str, status: str, params: dict[str, Any], result: Any = None) -> JobRecord:
    now = time.time()
    return JobRecord(
        job_id="j1",
        kind=kind,
        status=JobState(status),
        params=params,
        result=result,
        created=now,
        updated=now,
    )


def checked(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    for kind, fields in events:
        assert Analytics.check(kind, fields) == [], (kind, fields)
    return events


def test_a_launch_from_an_image_is_a_launch_and_a_saving() -> None:
    instance = {
        "template": "python-ml",
        "region": "eu-west-1",
        "ami_used": "ami-0abc",
        "instance_type": "t3.large",
        "hourly_price": 0.0832,
        "launch_time_seconds": 41.5,
        "resolution_method": "own_build",
        "provisioning": "none",
        "cost_savings": 0.081,
    }
    plan = {"cost_comparison": {"script_setup_seconds": 480}}
    events = checked(
        job_events(
            record(
                "launch",
                "succeeded",
                {"template": "python-ml"},
                {"instance": instance, "plan": plan},
            )
        )
    )
    assert [kind for kind, _ in events] == ["launch", "saving"]
    launch, saving = events[0][1], events[1][1]
    assert launch["result"] == "ok" and launch["seconds_to_ready"] == 41.5
    assert launch["method"] == "own_build" and launch["hourly_usd"] == 0.0832
    assert saving == {"template": "python-ml", "usd": 0.081, "minutes": 8.0}


def test_a_failed_launch_is_counted_from_what_was_asked() -> None:
    asked = {"template": "r-research", "region": "us-east-1", "instance_type": "t3.medium"}
    (event,) = checked(job_events(record("launch", "failed", asked)))
    assert event == (
        "launch",
        {
            "template": "r-research",
            "region": "us-east-1",
            "ami_id": None,
            "result": "failed",
            "seconds_to_ready": None,
            "instance_type": "t3.medium",
            "hourly_usd": None,
            "method": None,
        },
    )


def test_builds_and_copies() -> None:
    build = {"template": "t", "region": "us-west-2", "ami_id": "ami-1", "seconds": 300.0}
    (event,) = checked(job_events(record("ami_create", "succeeded", {}, build)))
    assert event[1]["result"] == "ok" and event[1]["seconds"] == 300.0
    copy = {
        "source_region": "us-east-1",
        "rows": [
            {"region": "eu-west-1", "status": "copied", "ami_id": "ami-2", "seconds": 60.0},
            {"region": "eu-west-2", "status": "skipped", "ami_id": "ami-3"},
            {"region": "eu-west-3", "status": "failed"},
        ],
    }
    events = checked(job_events(record("ami_copy", "succeeded", {"ami_id": "ami-1"}, copy)))
    assert [(f["to_region"], f["result"]) for _, f in events] == [
        ("eu-west-1", "ok"),
        ("eu-west-3", "failed"),
    ]
    failed = job_events(
        record("ami_copy", "interrupted", {"ami_id": "ami-1", "regions": ["a", "b"]})
    )
    assert [f["result"] for _, f in failed] == ["failed", "failed"]
    assert job_events(record("ami_test", "succeeded", {})) == []


def test_a_failing_listener_never_fails_the_job(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    from cws_jupyter.core.jobs import JobBook

    book = JobBook(StateStore.in_folder(tmp_path), lambda: "sandbox")
    heard: list[str] = []
    book.on_ended(lambda r: (_ for _ in ()).throw(RuntimeError("listener broke")))
    book.on_ended(lambda r: heard.append(r.status.value))
    job = book.start("launch", params={"template": "t"})
    assert job.run(lambda: {"ok": True}) == {"ok": True}
    assert heard == ["succeeded"]
    assert book.require(job.job_id).status is JobState.SUCCEEDED
    assert "listener" in caplog.text


def test_a_rebuild_is_a_build() -> None:
    result = {"template": "t", "region": "us-west-2", "ami_id": "ami-9", "seconds": 420.0}
    ((kind, fields),) = job_events(record("ami_rebuild", "succeeded", {}, result))
    assert kind == "build" and fields["ami_id"] == "ami-9" and fields["result"] == "ok"
