"""Copy an image to other regions, all at once. Each copy gets the source's tags plus where it
came from (AWS copies no tags); a region that fails is reported for that region and cleaned up,
never hiding the others; a region that already holds a copy is skipped."""

from __future__ import annotations

import threading
import time
from concurrent.futures import wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_errors
from ..aws.waiting import wait_for
from ..cleanup import undo_on_failure
from ..errors import BadInput, Conflict, CwsError
from ..progress import Reporter, Tally, silent
from . import tags as T
from .create import rollback
from .inventory import find_copies, snapshot_gb
from .models import CopyResult, CopyRow

if TYPE_CHECKING:
    from ..jobs import JobHandle, JobRecord
    from .context import ImageContext

MAX_WAIT_S = 6 * 3600


@dataclass
class CopyPlan:
    """A checked copy request."""

    source_ami: str
    source_region: str
    regions: list[str]
    name: str
    description: str
    tags: dict[str, str]
    encrypt: bool
    kms_keys: dict[str, str]
    estimate_seconds: int
    params: dict[str, Any] = field(default_factory=dict)


def plan_copy(
    ctx: ImageContext,
    ami_id: str,
    regions: list[str],
    *,
    source_region: str | None = None,
    kms_keys: list[str] | dict[str, str] | None = None,
    encrypt: bool = False,
) -> CopyPlan:
    """Check the request: target regions, KMS keys per region, the source image is available."""
    source = ctx.region(source_region)
    if not regions:
        raise BadInput("name at least one region to copy to", field="regions")
    targets = list(dict.fromkeys(ctx.region(r) for r in regions))
    keys = _kms_keys(kms_keys, targets)
    encrypt = encrypt or bool(keys)
    if source in targets and not encrypt:
        raise BadInput(
            f"{ami_id} is already in {source}: copy to other regions (or within {source} "
            "only with --encrypt)",
            field="regions",
        )
    image = ctx.describe(source, ami_id)
    if image.get("State") != "available":
        raise Conflict(
            f"{ami_id} is {image.get('State')}: only an available image can be copied",
            field="ami_id",
        )
    source_tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
    built = T.build_of(source_tags, image.get("Description"))
    if built and T.TEMPLATE not in source_tags:  # a build shared with us: its tags are private
        source_tags.update({T.TEMPLATE: built[0], T.TEMPLATE_HASH: built[1] or ""})
    gb = snapshot_gb(image) or 8
    return CopyPlan(
        source_ami=ami_id,
        source_region=source,
        regions=targets,
        name=image.get("Name") or ami_id,
        description=image.get("Description") or "",
        tags={**T.copyable(source_tags), T.SOURCE_AMI: ami_id, T.SOURCE_REGION: source},
        encrypt=encrypt,
        kms_keys=keys,
        estimate_seconds=ctx.prices.copy_seconds(gb),
        params={
            "ami_id": ami_id,
            "source_region": source,
            "regions": targets,
            "encrypt": encrypt,
            "kms_keys": keys,
        },
    )


def _kms_keys(given: list[str] | dict[str, str] | None, targets: list[str]) -> dict[str, str]:
    """``["eu-west-1=alias/lab", ...]`` as {region: key}; each region must be a target."""
    if not given:
        return {}
    pairs = given.items() if isinstance(given, dict) else [_split(p) for p in given]
    keys = {}
    for region, key in pairs:
        if region not in targets:
            raise BadInput(
                f"--kms-key names {region}, which is not one of the regions copied to "
                f"({', '.join(targets)})",
                field="kms_keys",
            )
        if not key.strip():
            raise BadInput(f"--kms-key for {region} names no key", field="kms_keys")
        keys[region] = key.strip()
    return keys


def _split(pair: str) -> tuple[str, str]:
    region, sep, key = pair.partition("=")
    if not sep:
        raise BadInput(
            f"--kms-key {pair!r} is not REGION=KEY (e.g. eu-west-1=alias/my-lab)", field="kms_keys"
        )
    return region.strip(), key


def run_copy(
    ctx: ImageContext,
    plan: CopyPlan,
    job: JobHandle,
    *,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> CopyResult:
    """Copy to every target region in parallel; one row per region, whatever happens elsewhere."""
    started = time.monotonic()
    cancel = cancel or threading.Event()
    tally = Tally(progress, "copy", plan.regions)
    futures = {
        region: ctx.pool.submit(_copy_one, ctx, plan, region, job, tally, cancel)
        for region in plan.regions
    }
    try:
        wait(futures.values())
    except KeyboardInterrupt:
        cancel.set()  # every region stops waiting and removes its unfinished copy
        wait(futures.values())
        raise KeyboardInterrupt(_stopped(futures)) from None
    rows = []
    for region, future in futures.items():
        try:
            rows.append(future.result())
        except CwsError as exc:
            rows.append(CopyRow(region=region, status="failed", message=exc.message))
        except InterruptedError as exc:
            rows.append(CopyRow(region=region, status="failed", message=str(exc)))
    if any(row.status == "copied" for row in rows):
        ctx.changed()
    return CopyResult(
        source_ami=plan.source_ami,
        source_region=plan.source_region,
        rows=rows,
        copied=sum(r.status == "copied" for r in rows),
        skipped=sum(r.status == "skipped" for r in rows),
        failed=sum(r.status == "failed" for r in rows),
        encrypted=plan.encrypt,
        job_id=job.job_id,
        seconds=round(time.monotonic() - started, 2),
    )


def _stopped(futures: dict[str, Any]) -> str:
    """What each region did when the copy was stopped, in words."""
    parts = []
    for region, future in futures.items():
        try:
            row = future.result()
            parts.append(f"{region}: {row.status} {row.ami_id or ''}".strip())
        except (CwsError, InterruptedError) as exc:
            parts.append(f"{region}: {getattr(exc, 'message', None) or exc}")
    return "; ".join(parts) or "nothing was copied"


def _copy_one(
    ctx: ImageContext,
    plan: CopyPlan,
    region: str,
    job: JobHandle,
    tally: Tally,
    cancel: threading.Event,
) -> CopyRow:
    """One region: skip if a copy is there, else copy, tag, wait, tag its snapshots."""
    started = time.monotonic()
    existing = find_copies(ctx, region, plan.source_ami)
    if existing:
        tally.update(region, 1.0, "already there")
        found = existing[0]
        return CopyRow(
            region=region,
            status="skipped",
            ami_id=found["ImageId"],
            message=f"already holds {found['ImageId']} ({found['State']}), copied before",
        )
    request: dict[str, Any] = {
        "SourceImageId": plan.source_ami,
        "SourceRegion": plan.source_region,
        "Name": plan.name,
        "Description": plan.description,
        "ClientToken": f"{job.job_id}-{region}"[:64],
        # Tagged as it is made (image and snapshots): a copy is never untagged on AWS, so a
        # re-run always finds it. Endpoints that ignore this (moto) are tagged afterwards.
        "TagSpecifications": [
            {"ResourceType": "image", "Tags": T.as_aws(plan.tags)},
            {"ResourceType": "snapshot", "Tags": T.as_aws(plan.tags)},
        ],
    }
    if plan.encrypt:
        request["Encrypted"] = True
        if region in plan.kms_keys:
            request["KmsKeyId"] = plan.kms_keys[region]
    tally.update(region, 0.01, "starting the copy")
    with aws_errors(region, f"copying {plan.source_ami} from {plan.source_region}"):
        copy_id = ctx.ec2(region).copy_image(**request)["ImageId"]
    with undo_on_failure(
        lambda: rollback(ctx, region, copy_id),
        f"copy to {region} failed",
        stopped_as=InterruptedError,  # a worker thread: the caller turns it into the region's row
    ):
        job.add_resource(f"copy:{region}", copy_id)
        wait_for(
            ctx.ec2(region),
            "image_available",
            {"ImageIds": [copy_id]},
            region=region,
            what=f"copy {copy_id}",
            poll_seconds=ctx.access.poll_seconds,
            timeout_seconds=MAX_WAIT_S,
            estimate_seconds=plan.estimate_seconds,
            progress=lambda e: tally.update(region, 0.99 * e.done / max(e.total, 1), e.message),
            step="copy",
            cancel=cancel,
        )
        image = ctx.describe(region, copy_id)
        if not any(t.get("Key") == T.SOURCE_AMI for t in image.get("Tags", [])):
            ctx.tag(region, [copy_id, *ctx.snapshots_of(region, image, copy_id)], plan.tags)
    tally.update(region, 1.0, "copied")
    seconds = round(time.monotonic() - started, 2)
    return CopyRow(
        region=region,
        status="copied",
        ami_id=copy_id,
        message=f"copied in {seconds:.0f} s",
        seconds=seconds,
    )


def recover_copy(ctx: ImageContext, record: JobRecord) -> str | None:
    """After a copy whose process died: keep finished copies, remove unfinished ones."""
    notes = []
    for key, copy_id in record.resources.items():
        if not key.startswith("copy:"):
            continue
        region = key.split(":", 1)[1]
        try:
            image = ctx.describe(region, copy_id)
        except CwsError:
            image = None
        tags = {t["Key"]: t["Value"] for t in (image or {}).get("Tags", [])}
        if image and image.get("State") == "available" and tags.get(T.SOURCE_AMI):
            notes.append(f"{copy_id} in {region} had finished and is kept")
        else:
            notes.append(rollback(ctx, region, copy_id))
    return "; ".join(notes) or None
