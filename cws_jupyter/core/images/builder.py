"""The builder of ``cws ami rebuild``: a temporary instance launched from the template's current
base that provisions the template by script, says on its console how that went, and powers
itself off; cws images it once it has stopped, then removes it (and its security group).

Whether provisioning has finished is told by the instance itself stopping (it is launched with
``InstanceInitiatedShutdownBehavior=stop``), so cws needs no way into the instance: no key pair,
no open port, no agent.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_errors
from ..aws.waiting import wait_for
from ..errors import CwsError, OperationFailed
from ..progress import Progress, Reporter
from . import tags as T

if TYPE_CHECKING:
    from ..jobs import JobHandle
    from ..templates.models import Template
    from .context import ImageContext
    from .rebuild import RebuildPlan

RUNNING_ESTIMATE_S = 45
RUNNING_MAX_S = 30 * 60
#: How long provisioning may take: four times the estimate, within these bounds.
PROVISION_MIN_S, PROVISION_MAX_S = 30 * 60, 6 * 3600
#: What the builder's script writes on the console when provisioning has ended.
OUTCOME = "cws-build: provisioning "
CONSOLE_TAIL_LINES = 20


def launch_builder(
    ctx: ImageContext,
    plan: RebuildPlan,
    job: JobHandle,
    made: dict[str, str],
    progress: Reporter,
    cancel: threading.Event | None,
) -> str:
    """A security group with no port open, then the builder instance; waits until it runs."""
    from ..instances.launch import run_parameters
    from ..instances.models import LaunchPlan
    from ..instances.network import create_group

    region, slug = plan.region, plan.template
    ec2 = ctx.ec2(region)
    tags = {"Name": f"cws rebuild of {slug}", T.TEMPLATE: slug, T.BUILDER: job.job_id}
    tags[T.JOB] = job.job_id
    progress(
        Progress(
            step="launch",
            message=f"launching a {plan.instance_type} builder from {plan.base.ami_id}",
            region=region,
        )
    )
    made["security_group"] = create_group(ec2, region, f"build-{slug}", slug, [], [], tags)
    job.add_resource("builder", {"region": region, "security_group": made["security_group"]})
    launch = LaunchPlan(
        name=f"build-{slug}",
        template=slug,
        region=region,
        strategy="rebuild",
        resolution_method="rebuild",
        ami_id=plan.base.ami_id,
        provisioning="script",
        instance_type=plan.instance_type,
        architecture=plan.architecture,
        root_volume_gb=plan.root_volume_gb,
        root_device=plan.base.root_device_name or "/dev/sda1",
        estimated_launch_time=plan.setup_seconds,
        user_data=builder_user_data(plan.loaded.template),
    )
    params = run_parameters(launch, security_group=made["security_group"], token=job.job_id)
    params["InstanceInitiatedShutdownBehavior"] = "stop"  # its script powers it off when done
    params["TagSpecifications"] = [
        {"ResourceType": kind, "Tags": T.as_aws(tags)} for kind in ("instance", "volume")
    ]
    with aws_errors(region, f"launching the builder of {slug}"):
        instance_id: str = ec2.run_instances(**params)["Instances"][0]["InstanceId"]
    made["instance"] = instance_id
    job.add_resource(
        "builder",
        {"region": region, "security_group": made["security_group"], "instance": instance_id},
    )
    wait_for(
        ec2,
        "instance_running",
        {"InstanceIds": [instance_id]},
        region=region,
        what=f"builder {instance_id}",
        poll_seconds=ctx.access.poll_seconds,
        timeout_seconds=RUNNING_MAX_S,
        estimate_seconds=RUNNING_ESTIMATE_S,
        progress=progress,
        step="launch",
        cancel=cancel,
    )
    return instance_id


def await_provisioning(
    ctx: ImageContext,
    plan: RebuildPlan,
    instance_id: str,
    progress: Reporter,
    cancel: threading.Event | None,
    notes: list[str],
) -> None:
    """Wait until the builder's script has powered it off, and read how provisioning ended."""
    region = plan.region
    ec2 = ctx.ec2(region)
    if ctx.settings.sandbox:  # no script runs there: stop it as the script would
        notes.append(
            "the sandbox runs no scripts: cws stopped the builder itself, so the new image "
            "holds the base image as it was"
        )
        with aws_errors(region, f"stopping builder {instance_id}"):
            ec2.stop_instances(InstanceIds=[instance_id])
    wait_for(
        ec2,
        "instance_stopped",
        {"InstanceIds": [instance_id]},
        region=region,
        what=f"provisioning {plan.template} on {instance_id}",
        poll_seconds=ctx.access.poll_seconds,
        timeout_seconds=min(PROVISION_MAX_S, max(PROVISION_MIN_S, 4 * plan.setup_seconds)),
        estimate_seconds=plan.setup_seconds,
        progress=progress,
        step="provision",
        cancel=cancel,
    )
    outcome, tail = provisioning_outcome(ec2, region, instance_id)
    if outcome is None:
        if not ctx.settings.sandbox:
            notes.append(
                f"the console of {instance_id} did not say how provisioning ended (it can lag); "
                "check /var/log/cws-provision.log on a workstation launched from the new image"
            )
    elif outcome != "ok":
        raise OperationFailed(
            f"provisioning {plan.template} on builder {instance_id} {outcome}: nothing was "
            "imaged (the end of its console output is in this error's details)",
            details={"console_tail": tail},
        )


def provisioning_outcome(ec2: Any, region: str, instance_id: str) -> tuple[str | None, list[str]]:
    """('ok' | 'failed (exit N)' | None when the console does not say, its last lines)."""
    try:
        with aws_errors(region, f"reading the console of {instance_id}"):
            try:
                reply = ec2.get_console_output(InstanceId=instance_id, Latest=True)
            except Exception:  # noqa: BLE001 - Latest is for Nitro instances only: ask plainly
                reply = ec2.get_console_output(InstanceId=instance_id)
    except CwsError:
        return None, []
    lines = (reply.get("Output") or "").splitlines()
    said = [line for line in lines if OUTCOME in line]
    tail = lines[-CONSOLE_TAIL_LINES:]
    if not said:
        return None, tail
    return said[-1].split(OUTCOME, 1)[1].strip() or None, tail


def builder_user_data(template: Template) -> str:
    """The template's provisioning script, run so that the builder reports how it ended on its
    console and powers itself off either way (cws images it once it has stopped)."""
    from ..templates.userdata import render_user_data

    script = render_user_data(template).rstrip("\n")
    fence = "CWS_PROVISION_" + hashlib.sha256(script.encode()).hexdigest()[:16].upper()
    return (
        "\n".join(
            [
                "#!/bin/bash",
                f"# cws-jupyter rebuild of template '{template.slug}': provision, say how it",
                "# went on the console, power off; cws then images this instance and removes it.",
                f"cat > /root/cws-provision.sh <<'{fence}'",
                script,
                fence,
                'if bash /root/cws-provision.sh; then outcome="ok"; '
                'else outcome="failed (exit $?)"; fi',
                f'echo "{OUTCOME}$outcome" | tee /dev/console',
                "rm -f /root/cws-provision.sh",
                "sync",
                "poweroff",
            ]
        )
        + "\n"
    )


def remove_builder(ctx: ImageContext, region: str, made: dict[str, str]) -> str:
    """Terminate the builder, then delete its security group; what was done, in words."""
    from ..instances.teardown import tear_down

    result = tear_down(
        ctx.ec2(region),
        region,
        made,
        poll_seconds=ctx.access.poll_seconds,
        timeout_seconds=RUNNING_MAX_S,
        what="builder",
        fix=True,
    )
    if result.problems:
        return result.summary("")
    return ", ".join(result.done) if result.done else "no builder was made"
