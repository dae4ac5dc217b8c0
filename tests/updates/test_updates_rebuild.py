"""`ami rebuild` against the sandbox: a builder from the current base, provisioned by script,
imaged through the lifecycle's build, terminated; then the earlier builds deprecated after the
grace period, never deleted. Faults injected into real requests show that a failed rebuild
leaves the account as it was, the earlier builds untouched."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from updates_helpers import (
    Cleanup,
    Lab,
    account_state,
    console_output,
    deprecation_done,
    failed_image,
    on_send,
    raw_image,
    tags_of,
)

from cws_jupyter.core.errors import BadInput, Conflict, OperationFailed
from cws_jupyter.core.images.builder import OUTCOME, builder_user_data
from cws_jupyter.core.jobs import JobState
from cws_jupyter.core.progress import Progress
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
HERE = Path(__file__).parent


def test_rebuild_builds_from_the_current_base_then_deprecates_and_keeps_the_old_build(
    service: CwsService, fresh: Any, template_dir: Path, cleanup: Cleanup
) -> None:
    """The new image is a build of the template from the newer base (tags and all), its builder
    and security group are gone, and only then is the old build deprecated, from now + the
    grace period: still there, never deregistered. The rebuild is a job any front door sees."""
    lab = Lab(service, template_dir, "us-west-2", cleanup)
    lab.new_base()
    old = lab.build()
    newer = lab.new_base()
    rebuilder = fresh()  # its own clients: the answers injected below stay in this test
    deprecations = on_send(
        rebuilder, lab.region, "EnableImageDeprecation", lambda r, _: deprecation_done(r)
    )
    deregistrations = on_send(rebuilder, lab.region, "DeregisterImage", lambda r, p: None)
    events: list[Progress] = []
    started = dt.datetime.now(dt.timezone.utc)

    result = rebuilder.images.rebuild(lab.slug, lab.region, 3, events.append, yes=True)
    cleanup.image(lab.region, result.ami_id)

    assert result.template == lab.slug and result.region == lab.region
    assert result.base.ami_id == newer and lab.parameter in result.base.source
    new = raw_image(service, lab.region, result.ami_id)
    tags = tags_of(new)
    assert new["State"] == "available"
    assert (tags["cws:template"], tags["cws:base-ami"], tags["cws:source-ami"]) == (
        lab.slug,
        newer,
        newer,
    )
    assert tags["cws:source-instance"] == result.builder_instance == result.build.source_instance
    assert result.build.creation_status == "available" and result.build.snapshot_ids

    ec2 = lab.ec2()
    builder = ec2.describe_instances(InstanceIds=[result.builder_instance])["Reservations"][0][
        "Instances"
    ][0]
    assert builder["State"]["Name"] == "terminated"
    assert tags_of(builder)["cws:builder"] == result.job_id
    assert builder["ImageId"] == newer and builder["MetadataOptions"]["HttpTokens"] == "required"
    groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert not {sg["GroupId"] for sg in builder.get("SecurityGroups", [])} & groups

    assert [d["ImageId"] for d in deprecations] == [old.ami_id]
    when = dt.datetime.fromisoformat(deprecations[0]["DeprecateAt"].replace("Z", "+00:00"))
    grace = dt.timedelta(days=3)
    assert (
        started + grace - dt.timedelta(minutes=1)
        <= when
        <= dt.datetime.now(dt.timezone.utc) + grace
    )
    assert [(r.ami_id, r.status) for r in result.deprecated] == [(old.ami_id, "deprecated")]
    assert (
        not deregistrations and raw_image(service, lab.region, old.ami_id)["State"] == "available"
    )

    steps = [e.step for e in events]
    for step in ("launch", "provision", "image", "deprecate"):
        assert step in steps, steps
    assert steps.index("provision") < steps.index("image") < steps.index("deprecate")

    job = service.jobs.require(result.job_id or "")
    assert job.kind == "ami_rebuild" and job.status is JobState.SUCCEEDED
    assert job.result["ami_id"] == result.ami_id and job.params["base_ami"] == newer
    assert job.params["supersedes"] == [old.ami_id]

    report = service.images.outdated([lab.slug], lab.region)
    statuses = {r.ami_id: r.status for r in report.images}
    assert statuses == {result.ami_id: "current", old.ami_id: "outdated"}


def test_the_builder_runs_the_template_script_then_powers_off(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """The builder's user data is the template's provisioning script, which reports how it
    ended on the console and powers the instance off, either way; a stop is a stop."""
    lab = Lab(service, template_dir, "us-west-2", cleanup)
    lab.new_base()
    result = service.images.rebuild(lab.slug, lab.region, yes=True)
    cleanup.image(lab.region, result.ami_id)
    ec2 = lab.ec2()
    data = ec2.describe_instance_attribute(InstanceId=result.builder_instance, Attribute="userData")
    script = base64.b64decode(data["UserData"]["Value"]).decode()
    assert script == builder_user_data(service.get_template(lab.slug).template)
    behaviour = ec2.describe_instance_attribute(
        InstanceId=result.builder_instance, Attribute="instanceInitiatedShutdownBehavior"
    )
    assert behaviour["InstanceInitiatedShutdownBehavior"]["Value"] == "stop"
    assert any("sandbox runs no scripts" in n for n in result.notes)
    assert result.deprecated == []  # the lab had no earlier build


def test_builder_script_is_valid_bash_and_reports_either_way(tmp_path: Path) -> None:
    """`bash -n` accepts it; run with a failing provisioning script and without root's paths,
    it still says how provisioning ended before powering off."""
    from cws_jupyter.core.templates.loader import TemplateLibrary, shipped_templates_dir

    template = TemplateLibrary([shipped_templates_dir()]).get("python-ml").template
    script = builder_user_data(template)
    assert script.startswith("#!/bin/bash\n") and script.rstrip().endswith("poweroff")
    assert "apt-get install" in script or "conda install" in script
    check = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert check.returncode == 0, check.stderr
    # the wrapper around a script that fails: outcome reported, the power-off reached
    body = script.split("\n")
    start = body.index(next(line for line in body if line.startswith("cat > /root/")))
    fence = body[start].split("<<'")[1].rstrip("'")
    end = body.index(fence, start + 1)
    failing = "printf 'exit 7\\n' > /root/cws-provision.sh"
    wrapper = "\n".join([*body[:start], failing, *body[end + 1 :]])
    wrapper = wrapper.replace("/root/", f"{tmp_path}/").replace("/dev/console", "/dev/null")
    wrapper = wrapper.replace("\nsync\npoweroff", '\necho "powered off"')
    ran = subprocess.run(["bash", "-c", wrapper], text=True, capture_output=True, timeout=30)
    assert f"{OUTCOME}failed (exit 7)" in ran.stdout and ran.stdout.rstrip().endswith("powered off")


def test_without_yes_it_says_what_it_would_do_and_makes_nothing(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """BadInput on field yes, naming the base, the builder and the builds it would deprecate."""
    lab = Lab(service, template_dir, "ap-southeast-2", cleanup)
    lab.new_base()
    old = lab.build()
    newer = lab.new_base()
    before = account_state(service, [lab.region])
    with pytest.raises(BadInput) as refused:
        service.images.rebuild(lab.slug, lab.region)
    assert refused.value.field == "yes" and "--yes" in refused.value.message
    assert newer in refused.value.message and old.ami_id in refused.value.message
    assert "in 14 days" in refused.value.message
    assert account_state(service, [lab.region]) == before


def test_a_failed_provisioning_leaves_the_account_as_it_was(
    service: CwsService, fresh: Any, template_dir: Path, cleanup: Cleanup
) -> None:
    """The builder's console says provisioning failed: nothing is imaged, the builder and its
    group are removed, the earlier build is neither deprecated nor deregistered, the job failed
    with the console's last lines."""
    lab = Lab(service, template_dir, "ap-southeast-2", cleanup)
    lab.new_base()
    old = lab.build()
    lab.new_base()
    before = account_state(service, [lab.region])
    faulty = fresh()
    log = "E: Unable to locate package nonexistent-package\n"
    on_send(
        faulty,
        lab.region,
        "GetConsoleOutput",
        lambda r, p: console_output(r, p["InstanceId"], f"{log}{OUTCOME}failed (exit 100)\n"),
    )
    touched = on_send(faulty, lab.region, "EnableImageDeprecation", lambda r, p: None)
    touched += on_send(faulty, lab.region, "DeregisterImage", lambda r, p: None)

    with pytest.raises(OperationFailed) as failed:
        faulty.images.rebuild(lab.slug, lab.region, yes=True)
    assert (
        "failed (exit 100)" in failed.value.message and "nothing was imaged" in failed.value.message
    )
    assert "terminated" in failed.value.message and "deleted" in failed.value.message
    assert log.strip() in failed.value.details["console_tail"]
    assert not touched and account_state(service, [lab.region]) == before
    assert raw_image(service, lab.region, old.ami_id)["State"] == "available"
    job = faulty.jobs.list(kinds=("ami_rebuild",))[0]
    assert job.status is JobState.FAILED and job.error and job.error["error"] == "operation_failed"


def test_a_failed_image_is_removed_and_the_old_build_kept(
    service: CwsService, fresh: Any, template_dir: Path, cleanup: Cleanup
) -> None:
    """The new image ends `failed`: it is deregistered with its snapshots, the builder removed,
    the earlier build untouched."""
    lab = Lab(service, template_dir, "ap-southeast-2", cleanup)
    lab.new_base()
    old = lab.build()
    lab.new_base()
    before = account_state(service, [lab.region])
    faulty = fresh()
    made: list[str] = []
    faulty.access.client("ec2", lab.region).meta.events.register(
        "after-call.ec2.CreateImage", lambda parsed, **_: made.append(parsed["ImageId"])
    )

    def describe(request: Any, params: dict[str, str]) -> Any:
        if made and params.get("ImageId.1") == made[0] and not removed:
            return failed_image(request, made[0], "snapshot failed")
        return None  # the sandbox answers (once deregistered: no such image)

    on_send(faulty, lab.region, "DescribeImages", describe)
    removed = on_send(faulty, lab.region, "DeregisterImage", lambda r, p: None)
    touched = on_send(faulty, lab.region, "EnableImageDeprecation", lambda r, p: None)

    with pytest.raises(OperationFailed) as failed:
        faulty.images.rebuild(lab.slug, lab.region, yes=True)
    assert made and "snapshot failed" in failed.value.message
    assert f"the half-made image {made[0]} was removed" in failed.value.message
    assert [r["ImageId"] for r in removed] == made
    assert not touched and account_state(service, [lab.region]) == before
    assert raw_image(service, lab.region, old.ami_id)["State"] == "available"


def test_on_the_sandbox_the_old_build_is_kept_and_the_row_says_why(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """The sandbox does not simulate deprecation: the new image is still made, the old build is
    kept as it was, and its row says why."""
    lab = Lab(service, template_dir, "us-west-2", cleanup)
    lab.new_base()
    old = lab.build()
    result = service.images.rebuild(lab.slug, lab.region, yes=True)
    cleanup.image(lab.region, result.ami_id)
    [kept] = result.deprecated
    assert (kept.ami_id, kept.status, kept.deprecate_at) == (old.ami_id, "kept", None)
    assert "does not simulate image deprecation" in kept.message
    assert raw_image(service, lab.region, old.ami_id)["State"] == "available"


def test_what_cannot_be_rebuilt_is_refused(service: CwsService) -> None:
    """An AMI-only template (its software lives in its image), a grace period out of range, and
    a region without a base image for the template."""
    with pytest.raises(Conflict) as ami_only:
        service.images.plan_rebuild("deep-learning-gpu", "us-east-1")
    assert ami_only.value.field == "template" and "AMI-only" in ami_only.value.message
    for days in (0, 3651):
        with pytest.raises(BadInput) as grace:
            service.images.plan_rebuild("ubuntu-24-server", "us-east-1", grace_days=days)
        assert grace.value.field == "grace_days"
    with pytest.raises(Conflict) as nowhere:
        service.images.plan_rebuild("ubuntu-24-server", "ca-central-1")
    assert nowhere.value.field == "region" and "ca-central-1" in nowhere.value.message
    with pytest.raises(BadInput) as bad_type:
        service.images.plan_rebuild("ubuntu-24-server", "us-east-1", instance_type="huge")
    assert bad_type.value.field == "instance_type"


@pytest.mark.parametrize(
    ("operation", "left"),
    [("CreateImage", "a running builder"), ("CreateTags", "a builder and a half-made image")],
)
def test_an_abandoned_rebuild_is_cleaned_up_by_the_next_reconcile(
    service: CwsService,
    fresh: Any,
    up_home: Path,
    template_dir: Path,
    cleanup: Cleanup,
    operation: str,
    left: str,
) -> None:
    """A rebuild whose process died (at CreateImage: a running builder; at the snapshots'
    CreateTags: an image not finished too) is cleaned up by the next reconcile of a front door
    that manages images: builder terminated, group and image deleted, earlier build kept."""
    lab = Lab(service, template_dir, "ap-southeast-2", cleanup)
    lab.new_base()
    old = lab.build()
    before = account_state(service, [lab.region])
    died = subprocess.run(
        [sys.executable, str(HERE / "rebuild_crash.py"), str(up_home), str(template_dir)]
        + [operation, lab.slug, lab.region],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == -9, died.stdout + died.stderr
    job = service.jobs.list(limit=100, kinds=("ami_rebuild",))[0]
    assert job.status is JobState.RUNNING and job.params["template"] == lab.slug
    builder = job.resources["builder"]["instance"]
    assert builder in account_state(service, [lab.region])[lab.region]["instances"], left

    other = fresh()
    other.images  # noqa: B018 - a front door that manages images (it registers the cleanup)
    overview = other.jobs.overview(limit=100)
    ended = next(j for j in overview.jobs if j.job_id == job.job_id)
    assert ended.status is JobState.ABANDONED and ended.error is not None
    assert f"builder {builder} terminated" in ended.error["message"]
    assert account_state(service, [lab.region]) == before
    assert raw_image(service, lab.region, old.ami_id)["State"] == "available"


def test_a_base_image_the_policy_denies_is_not_rebuilt_from(fresh, tmp_path: Path) -> None:  # noqa: ANN001
    """CWS_POLICY_FILE applies to a rebuild's base as to any launch: refused, naming the rule."""
    policy = tmp_path / "policy.yaml"
    policy.write_text("allowed_owners: ['111111111111']\n")
    with pytest.raises(Conflict) as denied:
        fresh(policy_file=policy).images.plan_rebuild("ubuntu-24-server", "us-east-1")
    assert "denied by policy" in denied.value.message
    assert "allowed_owners" in denied.value.message and str(policy) in denied.value.message
