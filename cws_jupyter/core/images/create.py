"""Build an AMI from a workstation: plan (checks), start (CreateImage), finish (wait, tag the
snapshots). A failure or an interruption at any step deregisters the image and deletes its
snapshots, so nothing is left behind; a build whose process died is cleaned up by ``recover``."""

from __future__ import annotations

import datetime as dt
import getpass
import re
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_errors
from ..aws.waiting import wait_for
from ..cleanup import undo_on_failure
from ..errors import BadInput, Conflict, CwsError
from ..progress import Progress, Reporter, silent
from . import tags as T
from .lineage import base_tags
from .models import ImageBuild

if TYPE_CHECKING:
    from ..jobs import JobHandle, JobRecord
    from ..templates.loader import LoadedTemplate
    from .context import ImageContext

INSTANCE_ID_RE = re.compile(r"^i-[0-9a-f]{8}([0-9a-f]{9})?$")
BUILDABLE_STATES = ("running", "stopped")
MAX_WAIT_S = 3 * 3600


@dataclass
class CreatePlan:
    """A checked build request: what to image, how to name and tag it."""

    template: str
    template_hash: str
    instance_id: str
    region: str
    source_ami: str | None
    name: str
    description: str
    no_reboot: bool
    tags: dict[str, str]
    volume_gb: int
    estimate_seconds: int
    copy_to: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def plan_create(
    ctx: ImageContext,
    loaded: LoadedTemplate,
    instance_id: str,
    *,
    region: str | None = None,
    name: str | None = None,
    description: str | None = None,
    no_reboot: bool = False,
    user_tags: list[str] | dict[str, str] | None = None,
    copy_to: list[str] | None = None,
) -> CreatePlan:
    """Check the request: the instance exists here and can be imaged, the name and tags are
    valid, and the regions to copy the new image to (the spec's ``multi_region``) exist."""
    region = ctx.region(region)
    targets = [r for r in dict.fromkeys(ctx.region(r) for r in copy_to or []) if r != region]
    if not INSTANCE_ID_RE.match(instance_id or ""):
        raise BadInput(
            f"{instance_id!r} is not an instance id (i-0123456789abcdef0) or a workstation name",
            field="instance_id",
        )
    extra = T.parse_user_tags(user_tags)
    template = loaded.template
    digest = T.template_hash(template)
    stamp = dt.datetime.now(dt.timezone.utc)
    name = T.check_ami_name(name or f"cws-{template.slug}-{stamp:%Y%m%d-%H%M%S}")
    instance = _instance(ctx, region, instance_id)
    state = instance["State"]["Name"]
    if state not in BUILDABLE_STATES:
        raise Conflict(
            f"instance {instance_id} is {state}: an image can be made of a running or stopped "
            "instance"
            + (" (wait a moment and try again)" if state in ("pending", "stopping") else ""),
            field="instance_id",
        )
    volume_gb = _volume_gb(ctx, region, instance)
    warnings = _too_early(instance, template)
    tag_set = {
        T.TEMPLATE: template.slug,
        T.TEMPLATE_HASH: digest,
        T.CREATED_BY: _creator(ctx),
        T.SOURCE_INSTANCE: instance_id,
        T.SOURCE_AMI: instance.get("ImageId", ""),
        # the base it started from, for `cws ami outdated` (an earlier build's, when the
        # instance ran one of this template)
        **base_tags(ctx.catalog, region, instance.get("ImageId"), template.slug),
        "Name": name,
        **extra,
    }
    return CreatePlan(
        template=template.slug,
        template_hash=digest,
        instance_id=instance_id,
        region=region,
        source_ami=instance.get("ImageId"),
        name=name,
        description=T.describe(description, template.slug, digest),
        no_reboot=no_reboot,
        tags=tag_set,
        volume_gb=volume_gb,
        estimate_seconds=ctx.prices.copy_seconds(volume_gb),
        copy_to=targets,
        warnings=warnings,
        params={
            "template": template.slug,
            "instance_id": instance_id,
            "region": region,
            "name": name,
            "no_reboot": no_reboot,
            "copy_to": targets,
        },
    )


def start_create(ctx: ImageContext, plan: CreatePlan, job: JobHandle) -> ImageBuild:
    """CreateImage, tagged from the start (snapshots are tagged once they exist)."""
    image_tags = {**plan.tags, T.JOB: job.job_id}
    with aws_errors(plan.region, f"creating an image of {plan.instance_id}"):
        reply = ctx.ec2(plan.region).create_image(
            InstanceId=plan.instance_id,
            Name=plan.name,
            Description=plan.description,
            NoReboot=plan.no_reboot,
            TagSpecifications=[{"ResourceType": "image", "Tags": T.as_aws(image_tags)}],
        )
    ami_id = reply["ImageId"]
    try:
        job.add_resource("image", {"region": plan.region, "ami_id": ami_id})
    except BaseException:
        rollback(ctx, plan.region, ami_id)
        raise
    ctx.changed()
    done_by = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=plan.estimate_seconds)
    return ImageBuild(
        ami_id=ami_id,
        region=plan.region,
        name=plan.name,
        template=plan.template,
        template_hash=plan.template_hash,
        source_instance=plan.instance_id,
        source_ami=plan.source_ami,
        creation_status="pending",
        estimated_completion=done_by.isoformat(timespec="seconds"),
        tags=image_tags,
        job_id=job.job_id,
        warnings=list(plan.warnings),
    )


def finish_create(
    ctx: ImageContext,
    plan: CreatePlan,
    build: ImageBuild,
    *,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> ImageBuild:
    """Wait until the image is available, tag its snapshots; on any failure, leave nothing behind."""
    started = time.monotonic()
    region, ami_id = plan.region, build.ami_id
    with undo_on_failure(lambda: rollback(ctx, region, ami_id), f"building {ami_id} failed"):
        wait_for(
            ctx.ec2(region),
            "image_available",
            {"ImageIds": [ami_id]},
            region=region,
            what=f"image {ami_id}",
            poll_seconds=ctx.access.poll_seconds,
            timeout_seconds=MAX_WAIT_S,
            estimate_seconds=plan.estimate_seconds,
            progress=progress,
            cancel=cancel,
        )
        image = ctx.describe(region, ami_id)
        snapshot_ids = ctx.snapshots_of(region, image, ami_id)
        progress(
            Progress(step="tag", message=f"tagging {len(snapshot_ids)} snapshot(s)", region=region)
        )
        ctx.tag(region, snapshot_ids, plan.tags)
    ctx.changed()
    return build.model_copy(
        update={
            "creation_status": "available",
            "snapshot_ids": snapshot_ids,
            "seconds": round(time.monotonic() - started, 2),
        }
    )


def rollback(ctx: ImageContext, region: str, ami_id: str) -> str:
    """Deregister a half-made image and delete its snapshots; returns what was done, in words."""
    try:
        try:
            image: dict[str, Any] | None = ctx.describe(region, ami_id)
        except CwsError:
            image = None
        snapshot_ids = ctx.snapshots_of(region, image, ami_id)
        deleted, kept = ctx.deregister(region, ami_id, snapshot_ids)
    except CwsError as exc:
        return (
            f"cleaning up failed ({exc.message}): delete {ami_id} in {region} with "
            f"`cws ami delete {ami_id} --region {region} --yes`"
        )
    if kept:
        left = ", ".join(f"{s} ({why})" for s, why in kept.items())
        return f"{ami_id} was deregistered, but snapshot(s) {left} could not be deleted"
    return (
        f"{ami_id} was deregistered and its {len(deleted)} snapshot(s) deleted: nothing is left "
        "behind"
    )


def recover_create(ctx: ImageContext, record: JobRecord) -> str | None:
    """After a build whose process died: keep the image if it was complete, else remove it."""
    made = record.resources.get("image") or {}
    region, ami_id = made.get("region"), made.get("ami_id")
    if not region or not ami_id:
        return None
    try:
        image = ctx.describe(region, ami_id)
    except CwsError:
        image = None
    if image and image.get("State") == "available" and _snapshots_tagged(ctx, region, image):
        return f"the build had finished: {ami_id} is kept"
    return rollback(ctx, region, ami_id)


def _snapshots_tagged(ctx: ImageContext, region: str, image: dict[str, Any]) -> bool:
    ids = ctx.snapshots_of(region, image, image["ImageId"])
    if not ids:
        return False
    with aws_errors(region, "checking snapshot tags"):
        snaps = ctx.ec2(region).describe_snapshots(SnapshotIds=ids)["Snapshots"]
    return all(any(t["Key"] == T.TEMPLATE for t in s.get("Tags", [])) for s in snaps)


def _instance(ctx: ImageContext, region: str, instance_id: str) -> dict[str, Any]:
    with aws_errors(region, f"looking up instance {instance_id}"):
        reply = ctx.ec2(region).describe_instances(InstanceIds=[instance_id])
    for reservation in reply.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            return instance  # type: ignore[no-any-return]
    raise BadInput(f"instance {instance_id} does not exist in {region}", field="instance_id")


def _too_early(instance: dict[str, Any], template: Any) -> list[str]:
    """A warning when the instance may still be installing the template at first boot."""
    from ..templates.userdata import BOOT_SECONDS, setup_seconds

    launched = instance.get("LaunchTime")
    if not template.has_provisioning or not isinstance(launched, dt.datetime):
        return []
    age = (dt.datetime.now(dt.timezone.utc) - launched).total_seconds()
    needed = BOOT_SECONDS + setup_seconds(template)
    if age >= needed:
        return []
    return [
        f"{instance['InstanceId']} started {age / 60:.0f} min ago; provisioning "
        f"{template.slug} by script takes about {needed / 60:.0f} min: if it was provisioned "
        "by script, this image may hold a half-installed workstation (check "
        "/var/log/cws-provision.log on it first)"
    ]


def _volume_gb(ctx: ImageContext, region: str, instance: dict[str, Any]) -> int:
    """The instance's EBS volumes, in GB (what the image's snapshots will hold)."""
    ids = [
        m["Ebs"]["VolumeId"]
        for m in instance.get("BlockDeviceMappings", [])
        if m.get("Ebs", {}).get("VolumeId")
    ]
    if not ids:
        return 8
    with aws_errors(region, "reading the instance's volumes"):
        volumes = ctx.ec2(region).describe_volumes(VolumeIds=ids)["Volumes"]
    return sum(int(v.get("Size", 0)) for v in volumes) or 8


def _creator(ctx: ImageContext) -> str:
    """Who builds: the AWS identity's ARN, else the local user."""
    arn = ctx.catalog.caller_identity().get("Arn")
    if arn:
        return arn[:256]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is no reason to fail a build
        return "unknown"
