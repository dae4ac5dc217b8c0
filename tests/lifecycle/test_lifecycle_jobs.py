"""Jobs in the shared store: builds, copies and launches are seen from another service (as from
another process) with their status and result; `overview()` cleans up after a launch whose
process died."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lifecycle_helpers import Cleanup, account_state, launch, unique

from cws_jupyter.core.errors import Conflict
from cws_jupyter.core.jobs import JobState
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
HERE = Path(__file__).parent
REGION, COPY_REGION = "ap-northeast-1", "eu-south-2"


def test_create_copy_and_launch_jobs_are_seen_from_another_service(
    service: CwsService, fresh, cleanup: Cleanup
) -> None:
    name = cleanup.workstation(unique("lc-jobs"))
    launched = launch(service, "ubuntu-24-server", name, REGION)
    build = service.images.create("ubuntu-24-server", name)
    cleanup.image(REGION, build.ami_id)
    copied = service.images.copy(build.ami_id, [COPY_REGION], source_region=REGION)
    cleanup.image(COPY_REGION, copied.rows[0].ami_id)

    other = fresh()
    jobs = {j.job_id: j for j in other.jobs.list(limit=100)}
    launch_job = jobs[launched.instance.job_id]
    create_job = jobs[build.job_id]
    copy_job = jobs[copied.job_id]
    assert [launch_job.kind, create_job.kind, copy_job.kind] == ["launch", "ami_create", "ami_copy"]
    for job in (launch_job, create_job, copy_job):
        assert job.status is JobState.SUCCEEDED and job.finished and job.error is None
        assert job.progress.done == job.progress.total  # complete (as far as it is known)

    assert launch_job.params["name"] == name and launch_job.params["region"] == REGION
    assert launch_job.result["instance"]["id"] == launched.instance.id
    assert launch_job.resources["instance"] == {"region": REGION, "id": launched.instance.id}
    assert create_job.params["instance_id"] == launched.instance.id
    assert create_job.result["ami_id"] == build.ami_id
    assert create_job.result["snapshot_ids"] == build.snapshot_ids
    assert copy_job.params == {
        "ami_id": build.ami_id,
        "source_region": REGION,
        "regions": [COPY_REGION],
        "encrypt": False,
        "kms_keys": {},
    }
    assert copy_job.result["rows"][0]["ami_id"] == copied.rows[0].ami_id

    # newest first, and filtered by kind
    order = [j.job_id for j in other.jobs.list(limit=100)]
    assert (
        order.index(copied.job_id)
        < order.index(build.job_id)
        < order.index(launched.instance.job_id)
    )
    kinds = {j.kind for j in other.jobs.list(limit=100, kinds=("ami_copy",))}
    assert kinds == {"ami_copy"}
    overview = other.jobs.overview(limit=100)
    assert {launched.instance.job_id, build.job_id, copied.job_id} <= {
        j.job_id for j in overview.jobs
    }
    assert other.jobs.require(build.job_id).result["ami_id"] == build.ami_id


def test_overview_cleans_up_after_a_launch_whose_process_died(
    service: CwsService, fresh, lc_home: Path, cleanup: Cleanup
) -> None:
    """The process dies as it sends RunInstances: its security group exists and its name is
    reserved. `overview()` (any process) marks the job abandoned, deletes the group and frees
    the name, which can then be launched again."""
    name = unique("lc-died")
    before = account_state(service, [REGION])
    died = subprocess.run(
        [sys.executable, str(HERE / "crash_during.py"), str(lc_home), "RunInstances", "launch"]
        + ["ubuntu-24-server", name, REGION],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == -9, died.stdout + died.stderr
    job = next(
        j for j in service.jobs.list(limit=100, kinds=("launch",)) if j.params["name"] == name
    )
    assert job.status is JobState.RUNNING and "instance" not in job.resources
    group = job.resources["security_group"]["id"]
    assert group in account_state(service, [REGION])[REGION]["security_groups"]
    assert service.instances.lookup(name) is None  # no instance yet...
    with pytest.raises(Conflict):  # ...but the name is still reserved
        service.instances.plan(service.get_template("ubuntu-24-server"), name, region=REGION)
    # (no `instances.list()` here: it reconciles too, and this test is about `overview()`)

    overview = fresh().jobs.overview(limit=100)
    ended = next(j for j in overview.jobs if j.job_id == job.job_id)
    assert ended.status is JobState.ABANDONED
    assert f"security group {group} deleted" in ended.error["message"]
    assert any(job.job_id in r for r in overview.recovered)
    assert account_state(service, [REGION]) == before
    assert name not in {r.name for r in service.instances.list(include_terminated=True).instances}

    cleanup.workstation(name)
    again = launch(service, "ubuntu-24-server", name, REGION).instance  # the name is free
    assert again.state == "running"
