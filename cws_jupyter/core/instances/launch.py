"""Launch a workstation from a template: resolve, copy the image in if it lives elsewhere, open
the template's ports to the user's addresses only, launch hardened (IMDSv2, encrypted root),
wait until it runs. A failure undoes the launch (instance, security group, reserved name)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_code, aws_error, aws_errors
from ..aws.waiting import wait_for
from ..cleanup import undo_on_failure
from ..errors import BadInput, Conflict, CwsError, OperationFailed
from ..images import copy as copying
from ..images.tags import JOB, NAME, TEMPLATE, as_aws
from ..progress import Progress, Reporter, silent
from ..registry.ids import PREFIX as REGISTRY_ID_PREFIX
from ..resolver.costs import compare_costs
from ..resolver.instances import architecture_of
from ..resolver.models import Provisioning
from ..templates.fields import check_instance_type
from .base import base_image
from .book import check_name
from .models import InstanceRecord, LaunchPlan, LaunchResult
from .network import check_cidrs, create_group, default_vpc

if TYPE_CHECKING:
    from ..jobs import JobHandle, JobRecord
    from ..resolver.models import Resolution
    from ..templates.loader import LoadedTemplate
    from .context import InstanceContext

RUNNING_ESTIMATE_S = 45
MAX_WAIT_S = 30 * 60


def plan_launch(
    ctx: InstanceContext,
    loaded: LoadedTemplate,
    name: str,
    *,
    region: str | None = None,
    instance_type: str | None = None,
    strategy: str | None = None,
    ami: str | None = None,
    cidrs: list[str] | None = None,
    allow_any_ip: bool = False,
    copy: bool = True,
    key_name: str | None = None,
) -> LaunchPlan:
    """Resolve and check everything a launch needs, before anything is made."""
    region = ctx.region(region)
    check_name(name)
    if ctx.book.find(name) is not None:
        raise Conflict(
            f"a workstation named {name!r} already exists (see `cws list`): choose another name",
            field="name",
        )
    ranges = check_cidrs(cidrs or [], allow_any_ip)
    wanted_type = _instance_type(instance_type)
    arch = architecture_of(wanted_type) if wanted_type else None
    template = loaded.template
    if ami and ami.startswith(REGISTRY_ID_PREFIX) and ctx.community_image is not None:
        res = ctx.resolver().resolve_pinned(loaded, region, ctx.community_image(ami, region))
        res.community_id = ami
    elif ami:
        res = ctx.resolver().resolve_pinned(loaded, region, ami)
    else:
        res = ctx.resolve(loaded, region, strategy, arch)
    if wanted_type and architecture_of(wanted_type) != res.architecture:
        raise BadInput(
            f"{wanted_type} is {architecture_of(wanted_type)} but the image is "
            f"{res.architecture}: choose a {res.architecture} instance type",
            field="instance_type",
        )
    if res.copy_required and not copy:
        raise Conflict(
            f"the image for {template.slug} ({res.ami_id}) is in {res.source_region}, not "
            f"{region}: launching copies it first (about "
            f"{res.cost_comparison.copy_seconds // 60 if res.cost_comparison else '?'} min). "
            f"Drop --no-copy, or launch in {res.source_region}",
            field="region",
        )
    image_id, image_gb, root_device = _image(ctx, res, template, region)
    chosen = wanted_type or res.instance_type or "t3.medium"
    costs = res.cost_comparison
    if wanted_type and wanted_type != res.instance_type:
        costs = compare_costs(
            template, region, chosen, ctx.prices, image_gb=image_gb, source_region=res.source_region
        )
    complete = res.provisioning is Provisioning.NONE
    saving = (costs.script_setup_cost or 0.0) if (complete and costs) else 0.0
    plan = LaunchPlan(
        name=name,
        template=template.slug,
        region=region,
        strategy=res.strategy,
        resolution_method=res.resolution_method.value,
        ami_id=image_id,
        source_region=res.source_region,
        copy_required=res.copy_required,
        provisioning=res.provisioning.value,
        instance_type=chosen,
        architecture=res.architecture,
        root_volume_gb=max(template.instance_defaults.root_volume_gb or 0, image_gb or 0, 8),
        root_device=root_device,
        open_ports=template.ports() if ranges else [],
        cidrs=ranges,
        hourly_price=costs.hourly_price if costs else None,
        estimated_launch_time=res.estimated_launch_time,
        cost_comparison=costs,
        cost_savings=round(saving, 5),
        user_data=res.user_data,
        key_name=key_name,
        warnings=list(res.warnings),
        community_id=res.community_id,
    )
    if not ranges and template.ports():
        plan.warnings.append(
            f"no port is opened ({', '.join(map(str, template.ports()))} stay closed): reach it "
            "with SSM Session Manager, or launch with --cidr YOUR-ADDRESS/32"
        )
    return plan


def _instance_type(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return check_instance_type(value)
    except ValueError as exc:
        raise BadInput(str(exc), field="instance_type") from None


def _image(
    ctx: InstanceContext, res: Resolution, template: Any, region: str
) -> tuple[str, int | None, str]:
    """(image to launch, its root size, its root device): the answer's, or a base image."""
    if res.ami is not None and res.provisioning is not Provisioning.SCRIPT:
        return res.ami.ami_id, res.ami.root_volume_gb, res.ami.root_device_name or "/dev/sda1"
    base = base_image(ctx.catalog, template, region, res.architecture)
    return base.ami_id, base.root_volume_gb, base.root_device_name or "/dev/sda1"


def dry_run(ctx: InstanceContext, plan: LaunchPlan) -> LaunchPlan:
    """Ask AWS (DryRun) whether each call of the launch would be allowed; nothing is made."""
    region = plan.region
    ec2 = ctx.ec2(region)
    checks = []
    if plan.copy_required:
        checks.append(
            _verdict(
                "CopyImage",
                region,
                lambda: ec2.copy_image(
                    SourceImageId=plan.ami_id,
                    SourceRegion=plan.source_region,
                    Name=f"cws-dry-run-{plan.name}",
                    DryRun=True,
                ),
            )
        )
    vpc = default_vpc(ec2, region)
    checks.append(
        _verdict(
            "CreateSecurityGroup",
            region,
            lambda: ec2.create_security_group(
                GroupName=f"cws-{plan.name}-dry-run",
                Description="dry run",
                VpcId=vpc,
                DryRun=True,
            ),
        )
    )
    if plan.copy_required:
        checks.append(
            f"RunInstances: checked once the copy exists ({plan.ami_id} is in {plan.source_region})"
        )
    else:
        params = run_parameters(plan, security_group="sg-00000000000000000", token="dry-run")
        params.pop("SecurityGroupIds")
        checks.append(
            _verdict("RunInstances", region, lambda: ec2.run_instances(**params, DryRun=True))
        )
    return plan.model_copy(update={"dry_run": True, "checks": checks})


def _verdict(action: str, region: str, call: Any) -> str:
    """``Action: would succeed`` or ``Action: would fail: why`` from a DryRun call."""
    try:
        call()
    except Exception as exc:
        if aws_code(exc) == "DryRunOperation":
            return f"{action}: would succeed"
        mapped = aws_error(exc, region, f"checking {action}")
        if mapped is exc:
            raise
        return f"{action}: would fail: {getattr(mapped, 'message', mapped)}"
    return f"{action}: would succeed"


def run_parameters(plan: LaunchPlan, *, security_group: str, token: str) -> dict[str, Any]:
    """RunInstances as cws launches: IMDSv2 only, an encrypted gp3 root, tagged, idempotent."""
    tags = {"Name": plan.name, NAME: plan.name, TEMPLATE: plan.template, JOB: token}
    params: dict[str, Any] = {
        "ImageId": plan.ami_id,
        "InstanceType": plan.instance_type,
        "MinCount": 1,
        "MaxCount": 1,
        "SecurityGroupIds": [security_group],
        "MetadataOptions": {
            "HttpTokens": "required",
            "HttpEndpoint": "enabled",
            "HttpPutResponseHopLimit": 2,
        },
        "BlockDeviceMappings": [
            {
                "DeviceName": plan.root_device,
                "Ebs": {
                    "VolumeSize": plan.root_volume_gb,
                    "VolumeType": "gp3",
                    "Encrypted": True,
                    "DeleteOnTermination": True,
                },
            }
        ],
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": as_aws(tags)},
            {"ResourceType": "volume", "Tags": as_aws(tags)},
        ],
        "ClientToken": token[:64],
    }
    if plan.user_data:
        params["UserData"] = plan.user_data
    if plan.key_name:
        params["KeyName"] = plan.key_name
    return params


def run_launch(
    ctx: InstanceContext,
    plan: LaunchPlan,
    job: JobHandle,
    *,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> LaunchResult:
    """Launch as planned; on any failure, undo what was made (a copy made is kept for next time)."""
    started = time.monotonic()
    region = plan.region
    record = ctx.book.reserve(
        InstanceRecord(
            name=plan.name,
            template=plan.template,
            region=region,
            state="launching",
            resolution_method=plan.resolution_method,
            provisioning=plan.provisioning,
            instance_type=plan.instance_type,
            hourly_price=plan.hourly_price,
            cost_savings=plan.cost_savings,
            copied_from=plan.source_region,
            open_ports=plan.open_ports,
            cidrs=plan.cidrs,
            job_id=job.job_id,
        )
    )
    made: dict[str, str] = {}
    notes: list[str] = []
    with undo_on_failure(
        lambda: undo_launch(ctx, region, made, record.key), f"launching {plan.name} failed"
    ):
        job.add_resource("reservation", record.key)
        copied = _copy_in(ctx, plan, job, progress, cancel) if plan.copy_required else None
        image = copied or plan.ami_id
        if copied:
            notes.append(f"copied {plan.ami_id} from {plan.source_region} as {copied}")
        progress(Progress(step="network", message="creating the security group", region=region))
        tags = {NAME: plan.name, TEMPLATE: plan.template, JOB: job.job_id}
        ec2 = ctx.ec2(region)
        made["security_group"] = create_group(
            ec2, region, plan.name, plan.template, plan.open_ports, plan.cidrs, tags
        )
        job.add_resource("security_group", {"region": region, "id": made["security_group"]})
        ctx.book.update(
            record.key, lambda r: setattr(r, "security_group_id", made["security_group"])
        )
        progress(Progress(step="launch", message=f"launching {plan.instance_type}", region=region))
        params = run_parameters(
            plan.model_copy(update={"ami_id": image}),
            security_group=made["security_group"],
            token=job.job_id,
        )
        with aws_errors(region, f"launching {plan.name}"):
            instance_id = ec2.run_instances(**params)["Instances"][0]["InstanceId"]
        made["instance"] = instance_id
        job.add_resource("instance", {"region": region, "id": instance_id})
        ctx.book.update(record.key, lambda r: _launched(r, instance_id, image))
        wait_for(
            ec2,
            "instance_running",
            {"InstanceIds": [instance_id]},
            region=region,
            what=f"instance {instance_id}",
            poll_seconds=ctx.access.poll_seconds,
            timeout_seconds=MAX_WAIT_S,
            estimate_seconds=RUNNING_ESTIMATE_S,
            progress=progress,
            step="start",
            cancel=cancel,
        )
        addresses = _addresses(ec2, region, instance_id)
        seconds = round(time.monotonic() - started, 2)
        record = ctx.book.update(record.key, lambda r: _running(r, addresses, seconds))
    if plan.provisioning != "none":
        notes.append("first boot runs the template's provisioning script: ready in a few minutes")
    if plan.community_id and ctx.community_launched is not None:
        note = ctx.community_launched(plan.community_id, plan.source_region or region)
        if note:
            notes.append(note)
    return LaunchResult(instance=record, plan=plan, copied_ami=copied, notes=notes)


def _copy_in(
    ctx: InstanceContext,
    plan: LaunchPlan,
    job: JobHandle,
    progress: Reporter,
    cancel: threading.Event | None,
) -> str:
    """Copy the image into the launch region (or find the copy made before); its id."""
    assert plan.ami_id and plan.source_region
    images = ctx.images.ctx
    copy_plan = copying.plan_copy(
        images, plan.ami_id, [plan.region], source_region=plan.source_region
    )
    result = copying.run_copy(images, copy_plan, job, progress=progress, cancel=cancel)
    row = result.rows[0]
    if row.status == "failed" or not row.ami_id:
        raise OperationFailed(f"copying {plan.ami_id} to {plan.region} failed: {row.message}")
    return row.ami_id


def _launched(record: InstanceRecord, instance_id: str, image: str | None) -> None:
    record.id, record.state, record.ami_used = instance_id, "pending", image


def _running(record: InstanceRecord, addresses: dict[str, str | None], seconds: float) -> None:
    record.state = "running"
    record.public_ip, record.private_ip = addresses["public"], addresses["private"]
    record.launch_time_seconds = seconds
    record.launched_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _addresses(ec2: Any, region: str, instance_id: str) -> dict[str, str | None]:
    with aws_errors(region, f"reading {instance_id}"):
        reply = ec2.describe_instances(InstanceIds=[instance_id])
    instance = reply["Reservations"][0]["Instances"][0]
    return {"public": instance.get("PublicIpAddress"), "private": instance.get("PrivateIpAddress")}


def undo_launch(ctx: InstanceContext, region: str, made: dict[str, str], key: str) -> str:
    """Terminate what a failed launch made and free its name; returns what was done, in words."""
    from .teardown import tear_down

    result = tear_down(
        ctx.ec2(region),
        region,
        made,
        poll_seconds=ctx.access.poll_seconds,
        timeout_seconds=MAX_WAIT_S,
    )
    try:
        ctx.book.release(key)
    except CwsError as exc:
        result.problems.append(f"the name stays reserved ({exc.message})")
    return result.summary("nothing was made")


def recover_launch(ctx: InstanceContext, record: JobRecord) -> str | None:
    """After a launch whose process died: adopt an instance that runs, else undo it."""
    key = record.resources.get("reservation")
    instance = record.resources.get("instance") or {}
    group = record.resources.get("security_group") or {}
    region = instance.get("region") or group.get("region") or record.params.get("region")
    if not key or not region:
        return None
    notes = [copying.recover_copy(ctx.images.ctx, record) or ""]
    if instance.get("id"):
        try:
            with aws_errors(region, "checking an abandoned launch"):
                found = ctx.ec2(region).describe_instances(InstanceIds=[instance["id"]])
            state = found["Reservations"][0]["Instances"][0]["State"]["Name"]
        except (CwsError, IndexError, KeyError):
            state = "gone"
        if state in ("pending", "running"):
            ctx.book.update(key, lambda r: _adopt(r, instance["id"], state))
            notes.append(
                f"{instance['id']} was running: it is kept as workstation {record.params.get('name')}"
            )
            return "; ".join(n for n in notes if n)
    made = {
        k: v
        for k, v in (("instance", instance.get("id")), ("security_group", group.get("id")))
        if v
    }
    notes.append(undo_launch(ctx, region, made, key))
    return "; ".join(n for n in notes if n)


def _adopt(record: InstanceRecord, instance_id: str, state: str) -> None:
    record.id, record.state = instance_id, state
