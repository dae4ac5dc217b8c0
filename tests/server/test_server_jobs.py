"""POST ami/test: synchronous validation (400/404), then a job polled to completion."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cws_jupyter.core.jobs import JobBook, JobState
from cws_jupyter.core.progress import Progress
from cws_jupyter.core.store import StateStore
from cws_jupyter.server.jobs import JobRunner, TooManyJobs

pytestmark = pytest.mark.sandbox


async def test_ami_test_runs_as_a_job(api: Any, wait_job: Any, jp_base_url: str) -> None:
    """202 with job id, status, url and Location; the job succeeds with one row per region."""
    regions = ["eu-west-1", "eu-central-1", "us-east-1", "eu-west-1"]
    status, accepted, response = await api(
        "ami/test", method="POST", body={"template": "teaching-lab", "regions": regions}
    )
    assert status == 202, accepted
    assert accepted["status"] == "running" and accepted["job_id"]
    assert response.headers["Location"] == accepted["url"]
    assert accepted["url"].startswith(jp_base_url) and accepted["url"].endswith(accepted["job_id"])
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    assert job["kind"] == "ami_test" and job["error"] is None
    assert (job["progress"]["done"], job["progress"]["total"]) == (3, 3)
    rows = {row["region"]: row for row in job["result"]["regions"]}
    assert sorted(rows) == ["eu-central-1", "eu-west-1", "us-east-1"]
    assert rows["eu-central-1"]["available"] is True and rows["eu-west-1"]["available"] is False
    assert job["result"]["checked"] == 3 and job["finished"] >= job["created"]


async def test_all_regions_and_default_regions(api: Any, wait_job: Any) -> None:
    """all_regions covers the whole map; no regions means the home region and its fallbacks."""
    _, fallbacks, _ = await api("regions/fallbacks")
    status, accepted, _ = await api(
        "ami/test", method="POST", body={"template": "ubuntu-24-server", "all_regions": True}
    )
    assert status == 202
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    assert len(job["result"]["regions"]) == len(fallbacks) == job["progress"]["total"]
    status, accepted, _ = await api(
        "ami/test", method="POST", body={"template": "ubuntu-24-server", "architecture": "arm64"}
    )
    job = await wait_job(accepted["url"])
    home = next(r for r in fallbacks if r["region"] == "us-east-1")
    assert [row["region"] for row in job["result"]["regions"]] == ["us-east-1", *home["fallbacks"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"", "body"),
        (b"\xff\xfe", "body"),
        ([1, 2], "body"),
        ({"regions": ["eu-west-1"]}, "template"),
        ({"template": 7}, "template"),
        ({"template": "python-ml", "regions": ["eu-west-1", "mars-1"]}, "regions"),
        ({"template": "python-ml", "regions": "eu-west-1"}, "regions"),
        ({"template": "python-ml", "all_regions": "yes"}, "all_regions"),
        ({"template": "python-ml", "all_regions": True, "regions": ["eu-west-1"]}, "all_regions"),
        ({"template": "python-ml", "architecture": "sparc"}, "architecture"),
        ({"template": "python-ml", "colour": "blue"}, "colour"),
    ],
)
async def test_bad_bodies_are_400_at_once(api: Any, body: Any, field: str) -> None:
    """Malformed input never becomes a job."""
    status, error, response = await api("ami/test", method="POST", body=body)
    assert status == 400, error
    assert error["error"] == "bad_input" and error["field"] == field and error["message"]
    assert "Location" not in response.headers


async def test_unknown_template_is_404_at_once(api: Any) -> None:
    """An unknown template is refused before any job starts."""
    body = {"template": "nope", "regions": ["eu-west-1"]}
    status, error, _ = await api("ami/test", method="POST", body=body)
    assert status == 404 and error["field"] == "template"


async def test_unknown_job_is_404(api: Any) -> None:
    """A job id the server never gave."""
    status, error, _ = await api("jobs/0123456789abcdef")
    assert status == 404 and error["error"] == "not_found" and error["field"] == "job_id"


async def test_a_failing_job_reports_its_error(api: Any, wait_job: Any, cws_app: Any) -> None:
    """A CwsError in the job: failed with its error body; anything else: a generic message."""
    from cws_jupyter.core.errors import AwsUnavailable

    def broken(*_: Any, **__: Any) -> Any:
        raise AwsUnavailable("the sandbox went away; run `cws sandbox start`")

    body = {"template": "python-ml", "regions": ["eu-west-1"]}
    cws_app.service.test_availability = broken
    _, accepted, _ = await api("ami/test", method="POST", body=body)
    job = await wait_job(accepted["url"])
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"] == {
        "error": "aws_unavailable",
        "message": "the sandbox went away; run `cws sandbox start`",
    }

    cws_app.service.test_availability = lambda *_, **__: 1 / 0
    _, accepted, _ = await api("ami/test", method="POST", body=body)
    job = await wait_job(accepted["url"])
    assert job["status"] == "failed" and job["error"]["error"] == "internal_error"
    assert "ZeroDivision" not in job["error"]["message"]


def test_job_progress_is_thread_safe_and_the_runner_bounded(tmp_path: Any) -> None:
    """Progress from many threads never goes back; the runner caps running jobs and gives the
    slot back when a job ends; the shared book forgets the oldest ended jobs past its limit."""
    book = JobBook(StateStore(tmp_path / "state.sqlite3"), lambda: "test")
    job = book.start("ami_test", total=100)
    events = [Progress(step="check", done=i, total=100) for i in range(1, 101)]
    threads = [threading.Thread(target=job, args=(event,)) for event in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert job.record.progress.done == 100
    assert book.get(job.job_id).progress.done == 100  # the last write is the furthest

    class Parked:
        """An executor that keeps what it is given until told to run it."""

        def __init__(self) -> None:
            self.waiting: list[Any] = []

        def submit(self, fn: Any) -> None:
            self.waiting.append(fn)

    executor = Parked()
    runner = JobRunner(executor, lambda: book, max_running=2)  # type: ignore[arg-type]
    first = runner.start(lambda: book.start("t"), lambda j: j.run(lambda: {"ok": True}))
    runner.start(lambda: book.start("t"), lambda j: j.run(lambda: None))
    with pytest.raises(TooManyJobs):
        runner.start(lambda: book.start("t"), lambda j: j.run(lambda: None))
    executor.waiting.pop(0)()  # the first job runs and ends: its slot is free again
    assert book.get(first.job_id).status is JobState.SUCCEEDED
    assert book.get(first.job_id).result == {"ok": True}
    runner.start(lambda: book.start("t"), lambda j: j.run(lambda: None))

    import cws_jupyter.core.jobs as jobs_module

    keep, jobs_module.KEEP_JOBS = jobs_module.KEEP_JOBS, 3
    try:
        for _ in range(4):
            book.start("t").succeed(None)
        assert book.get(first.job_id) is None  # forgotten: ended, and older than the newest 3
        running = [r for r in book.list(50) if r.status is JobState.RUNNING]
        assert len(running) == 3  # running jobs are never forgotten
    finally:
        jobs_module.KEEP_JOBS = keep


async def test_a_saturated_server_answers_429_with_retry_after(
    api: Any, wait_job: Any, cws_app: Any
) -> None:
    """Past max_running_jobs, POST ami/test is refused with 429 and a Retry-After header."""
    release = threading.Event()

    def slow(*_: Any, **__: Any) -> Any:
        release.wait(30)
        raise RuntimeError("released")

    cws_app.service.test_availability = slow
    cws_app.jobs.max_running = 1
    body = {"template": "python-ml", "regions": ["eu-west-1"]}
    try:
        first, accepted, _ = await api("ami/test", method="POST", body=body)
        assert first == 202
        status, error, response = await api("ami/test", method="POST", body=body)
        assert status == 429 and error["error"] == "too_many_requests", error
        assert "retry" in error["message"] and response.headers["Retry-After"] == "5"
    finally:
        release.set()
    await wait_job(accepted["url"])
