"""Failures injected into real requests to the sandbox (botocore ``before-send`` hooks answering
with AWS-shaped errors, or a process killed at a chosen call): each one is reported clearly and
leaves no image or snapshot behind (the account is compared before and after)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import botocore.exceptions
import botocore.retries.adaptive
import botocore.retries.standard
import pytest
from lifecycle_helpers import (
    Cleanup,
    account_state,
    counts,
    ec2_error,
    failed_image,
    image,
    launch,
    on_send,
    own_image_ids,
    unique,
)

from cws_jupyter.core.errors import AwsUnavailable
from cws_jupyter.core.jobs import JobState
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
HERE = Path(__file__).parent
REGION = "us-east-1"
TEMPLATE = "ubuntu-24-server"


def build_job(svc: CwsService, instance_id: str):  # noqa: ANN201
    """The newest build job of an instance."""
    jobs = svc.jobs.list(limit=100, kinds=("ami_create",))
    return next(j for j in jobs if j.params.get("instance_id") == instance_id)


@pytest.fixture(scope="module")
def workstation(service: CwsService) -> Iterator[tuple[str, str]]:
    """(name, instance id) of a running workstation the builds of this module start from."""
    cleanup = Cleanup(service)
    name = cleanup.workstation(unique("lc-fault"))
    yield name, launch(service, TEMPLATE, name, REGION).instance.id
    cleanup.run()


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep botocore's retries (every attempt is still made) without their waits: no backoff
    delay, no adaptive rate limiting. Applies to clients made after it (a fresh service's)."""
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0
    )
    monkeypatch.setattr(
        botocore.retries.adaptive.ClientRateLimiter,
        "on_sending_request",
        lambda self, request, **kwargs: None,
    )


def test_throttling_after_retries_is_a_clear_aws_unavailable(
    service: CwsService, fresh, workstation: tuple[str, str], no_retry_waits: None
) -> None:
    """RequestLimitExceeded on every attempt: botocore retries, then a clear AwsUnavailable
    (throttled, even after retries, wait and try again); nothing is created; the job failed."""
    name, instance_id = workstation
    faulty = fresh()
    sent = on_send(
        faulty,
        REGION,
        "CreateImage",
        lambda request, params: ec2_error(
            request, "RequestLimitExceeded", "Request limit exceeded.", 503
        ),
    )
    before = account_state(service, [REGION])
    with pytest.raises(AwsUnavailable) as caught:
        faulty.images.create(TEMPLATE, name)
    message = caught.value.message
    assert "throttling" in message and "RequestLimitExceeded" in message
    assert "even after retries" in message and REGION in message
    assert caught.value.details == {"aws_code": "RequestLimitExceeded", "region": REGION}
    attempts = faulty.access.client("ec2", REGION).meta.config.retries["total_max_attempts"]
    assert attempts > 1 and len(sent) == attempts  # every retry was made, then it gave up
    assert all(p["InstanceId"] == instance_id for p in sent)
    assert account_state(service, [REGION]) == before

    job = build_job(service, instance_id)
    assert job.status is JobState.FAILED and job.error["error"] == "aws_unavailable"
    assert job.resources == {}


def test_create_image_refused_is_clear_and_makes_nothing(
    service: CwsService, fresh, workstation: tuple[str, str]
) -> None:
    name, instance_id = workstation
    faulty = fresh()
    on_send(
        faulty,
        REGION,
        "CreateImage",
        lambda request, params: ec2_error(
            request,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
            403,
        ),
    )
    before = account_state(service, [REGION])
    with pytest.raises(AwsUnavailable) as caught:
        faulty.images.create(TEMPLATE, name)
    message = caught.value.message
    assert "UnauthorizedOperation" in message and "permissions" in message
    assert f"creating an image of {instance_id}" in message and REGION in message
    assert account_state(service, [REGION]) == before
    assert build_job(service, instance_id).status is JobState.FAILED


def test_snapshot_tagging_failing_removes_the_half_made_image(
    service: CwsService, fresh, workstation: tuple[str, str]
) -> None:
    """CreateImage worked, tagging its snapshots did not: the image is deregistered and its
    snapshots deleted before the error is raised, and the error says so."""
    name, instance_id = workstation
    faulty = fresh()
    made: list[str] = []
    faulty.access.client("ec2", REGION).meta.events.register(
        "after-call.ec2.CreateImage", lambda parsed, **_: made.append(parsed["ImageId"])
    )

    def refuse_snapshots(request, params):  # noqa: ANN001, ANN202
        if any(v.startswith("snap-") for k, v in params.items() if k.startswith("ResourceId")):
            return ec2_error(request, "UnauthorizedOperation", "Not authorized to tag.", 403)
        return None

    on_send(faulty, REGION, "CreateTags", refuse_snapshots)
    before = account_state(service, [REGION])
    with pytest.raises(AwsUnavailable) as caught:
        faulty.images.create(TEMPLATE, name)
    assert len(made) == 1  # the image did exist
    message = caught.value.message
    assert "tagging snap-" in message and "UnauthorizedOperation" in message
    assert f"{made[0]} was deregistered" in message and "nothing is left behind" in message
    after = account_state(service, [REGION])
    assert counts(after) == counts(before) and after == before
    job = build_job(service, instance_id)
    assert job.status is JobState.FAILED and job.resources["image"]["ami_id"] == made[0]


def test_one_region_failing_mid_copy_leaves_nothing_there(
    service: CwsService, fresh, cleanup: Cleanup
) -> None:
    """The copy to ap-south-1 starts, then the image fails (as EC2 reports a failed copy): that
    row is failed with the reason, the other regions are copied, and ap-south-1 holds no
    leftover image or snapshot."""
    targets, broken = ["eu-west-2", "ap-south-1", "ap-northeast-2"], "ap-south-1"
    name = cleanup.workstation(unique("lc-copyfail"))
    launch(service, TEMPLATE, name, REGION)
    source = cleanup.image(REGION, service.images.create(TEMPLATE, name).ami_id)

    faulty = fresh()
    copies: list[str] = []
    faulty.access.client("ec2", broken).meta.events.register(
        "after-call.ec2.CopyImage", lambda parsed, **_: copies.append(parsed["ImageId"])
    )
    reason = "Copy of snapshot failed: the source snapshot could not be read"
    failed_once: list[str] = []

    def copy_fails(request, params):  # noqa: ANN001, ANN202
        wanted = params.get("ImageId.1")
        if wanted in copies and wanted not in failed_once:
            failed_once.append(wanted)
            return failed_image(request, wanted, reason)
        return None

    on_send(faulty, broken, "DescribeImages", copy_fails)
    before = account_state(service, targets)
    result = faulty.images.copy(source, targets, source_region=REGION)
    rows = result.by_region()
    for region in targets:
        if rows[region].ami_id and rows[region].status == "copied":
            cleanup.image(region, rows[region].ami_id)

    assert failed_once == copies and len(copies) == 1  # the copy was made, then failed
    assert (result.copied, result.skipped, result.failed) == (2, 0, 1)
    failed = rows[broken]
    assert failed.status == "failed" and reason in failed.message
    assert f"{copies[0]} was deregistered" in failed.message
    assert "nothing is left behind" in failed.message
    for region in targets:
        if region != broken:
            assert rows[region].status == "copied"
            assert image(service, region, rows[region].ami_id)["State"] == "available"
    assert account_state(service, [broken]) == {broken: before[broken]}

    job = service.jobs.get(result.job_id)
    assert {r["region"]: r["status"] for r in job.result["rows"]} == {
        "eu-west-2": "copied",
        broken: "failed",
        "ap-northeast-2": "copied",
    }


def test_a_build_whose_process_died_is_cleaned_up_by_the_next_overview(
    service: CwsService, fresh, lc_home: Path, workstation: tuple[str, str]
) -> None:
    """The process dies between CreateImage and tagging the snapshots (SIGKILL: nothing of its
    own runs). Its job stays `running`, owned by a dead pid, holding the image as a resource;
    `jobs.overview()` from a fresh service marks it abandoned, deregisters the image and
    deletes its snapshots."""
    name, instance_id = workstation
    before = account_state(service, [REGION])
    died = subprocess.run(
        [sys.executable, str(HERE / "crash_during.py"), str(lc_home), "CreateTags", "create"]
        + [TEMPLATE, name],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == -9, died.stdout + died.stderr
    assert "dying at CreateTags" in died.stdout

    job = build_job(service, instance_id)
    assert job.status is JobState.RUNNING
    orphan = job.resources["image"]["ami_id"]
    assert job.resources["image"]["region"] == REGION
    assert orphan in own_image_ids(service, REGION)  # left behind, for now

    overview = fresh().jobs.overview(limit=100)
    ended = next(j for j in overview.jobs if j.job_id == job.job_id)
    assert ended.status is JobState.ABANDONED and ended.finished is not None
    assert "stopped before it ended" in ended.error["message"]
    assert f"{orphan} was deregistered" in ended.error["message"]
    assert any(r.startswith(f"ami_create {job.job_id}") for r in overview.recovered)
    after = account_state(service, [REGION])
    assert counts(after) == counts(before) and after == before

    again = service.jobs.overview(limit=100)  # reconciled once only
    assert not any(job.job_id in r for r in again.recovered)
    assert re.search(r"snapshot\(s\) deleted", service.jobs.get(job.job_id).error["message"])


CONNECTION_FAILURES = {
    "ssl": lambda url: botocore.exceptions.SSLError(
        endpoint_url=url, error="certificate verify failed: self-signed certificate in chain"
    ),
    "proxy": lambda url: botocore.exceptions.ProxyConnectionError(
        proxy_url="http://proxy.example.internal:3128", error="Connection refused"
    ),
    "http-client": lambda url: botocore.exceptions.HTTPClientError(
        error="('Connection aborted.', RemoteDisconnected('closed without response'))"
    ),
}


@pytest.mark.parametrize("failure", sorted(CONNECTION_FAILURES))
def test_a_connection_failure_is_a_clear_aws_unavailable(
    service: CwsService, fresh, workstation: tuple[str, str], no_retry_waits: None, failure: str
) -> None:
    """TLS interception, a proxy refusing, a connection dropped: botocore retries, then raises
    its own exception; the core says it cannot reach AWS (no raw botocore exception)."""
    name, instance_id = workstation
    faulty = fresh()

    def fail(request, **_):  # noqa: ANN001, ANN202
        raise CONNECTION_FAILURES[failure](request.url)

    faulty.access.client("ec2", REGION).meta.events.register("before-send.ec2.CreateImage", fail)
    before = account_state(service, [REGION])
    with pytest.raises(AwsUnavailable) as caught:
        faulty.images.create(TEMPLATE, name)
    assert "cannot reach AWS" in caught.value.message and REGION in caught.value.message
    assert f"creating an image of {instance_id}" in caught.value.message
    assert account_state(service, [REGION]) == before
    assert build_job(service, instance_id).error["error"] == "aws_unavailable"


def test_one_region_unreachable_fails_its_row_only(
    service: CwsService, fresh, cleanup: Cleanup, workstation: tuple[str, str], no_retry_waits: None
) -> None:
    """A region behind a failing proxy is a failed row saying why; the others are copied."""
    name, _ = workstation
    source = cleanup.image(REGION, service.images.create(TEMPLATE, name).ami_id)
    targets, broken = ["me-central-1", "il-central-1"], "il-central-1"
    faulty = fresh()

    def fail(request, **_):  # noqa: ANN001, ANN202
        raise CONNECTION_FAILURES["proxy"](request.url)

    faulty.access.client("ec2", broken).meta.events.register("before-send.ec2", fail)
    result = faulty.images.copy(source, targets, source_region=REGION)
    rows = result.by_region()
    for region in targets:
        if rows[region].status == "copied":
            cleanup.image(region, rows[region].ami_id)
    assert rows["me-central-1"].status == "copied"
    assert rows[broken].status == "failed" and "cannot reach AWS" in rows[broken].message
    assert result.failed == 1 and result.copied == 1
    assert own_image_ids(service, broken) == set()
