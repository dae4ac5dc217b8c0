"""What images there are: the builds and copies of this account (``ami list``), and everything
about one image (``ami info``): owner, age, tags, shares, snapshots, copies and their cost."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_errors
from ..errors import CwsError
from ..resolver.selection import parse_time
from . import tags as T
from .models import ImageCopyRef, ImageDetails, ImageList, SnapshotInfo, StoredImage

if TYPE_CHECKING:
    from .context import ImageContext


def list_images(
    ctx: ImageContext,
    template: str | None = None,
    regions: list[str] | None = None,
    all_regions: bool = False,
) -> ImageList:
    """Builds (and copies of builds) this account owns or may launch, in the regions asked."""
    wanted = ctx.regions.regions() if all_regions else [ctx.region(r) for r in regions or [None]]
    wanted = list(dict.fromkeys(wanted))
    mine = ctx.account()
    found = ctx.for_regions(wanted, lambda region: builds_in(ctx, region, template))
    images: list[StoredImage] = []
    notes: list[str] = []
    for region, outcome in found.items():
        if isinstance(outcome, CwsError):
            notes.append(f"{region}: {outcome.message}")
            continue
        images += [_stored(ctx, raw, region, mine) for raw in outcome]
    images.sort(key=lambda i: (i.template or "", i.region, _neg(i.created), i.ami_id))
    return ImageList(images=images, regions=wanted, template=template, notes=notes)


def builds_in(ctx: ImageContext, region: str, template: str | None) -> list[dict[str, Any]]:
    """Own builds (by tag) and builds shared with us (by description marker), fresh from EC2."""
    ec2 = ctx.ec2(region)
    tag_filter = (
        {"Name": f"tag:{T.TEMPLATE}", "Values": [template]}
        if template
        else {"Name": "tag-key", "Values": [T.TEMPLATE]}
    )
    with aws_errors(region, "listing images"):
        own = [
            image
            for page in ec2.get_paginator("describe_images").paginate(
                Owners=["self"], Filters=[tag_filter]
            )
            for image in page.get("Images", [])
        ]
        shared = [
            image
            for page in ec2.get_paginator("describe_images").paginate(ExecutableUsers=["self"])
            for image in page.get("Images", [])
        ]
    seen = {image["ImageId"] for image in own}
    for image in shared:
        built = T.read_marker(image.get("Description"))
        if image["ImageId"] in seen or built is None or (template and built[0] != template):
            continue
        seen.add(image["ImageId"])
        own.append(image)
    return own


def _stored(ctx: ImageContext, raw: dict[str, Any], region: str, mine: str | None) -> StoredImage:
    tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
    built = T.build_of(tags, raw.get("Description"))
    template, digest = built if built else (None, None)
    now_hash = ctx.template_hash_of(template) if template else None
    return StoredImage(
        ami_id=raw["ImageId"],
        region=region,
        name=raw.get("Name", ""),
        template=template,
        template_hash=digest,
        current=(digest == now_hash) if (digest and now_hash) else None,
        state=raw.get("State", "available"),
        created=raw.get("CreationDate", ""),
        owner_id=raw.get("OwnerId", ""),
        owned=mine is None or raw.get("OwnerId") == mine,
        public=raw.get("Public"),
        source_ami=tags.get(T.SOURCE_AMI) if tags.get(T.SOURCE_REGION) else None,
        snapshot_gb=snapshot_gb(raw),
        deprecation_time=raw.get("DeprecationTime"),
    )


def image_info(ctx: ImageContext, ami_id: str, region: str | None = None) -> ImageDetails:
    """One image: who owns it, how old, its tags, shares, snapshots, copies and storage cost."""
    region = ctx.region(region)
    raw = ctx.describe(region, ami_id)
    mine = ctx.account()
    owned = mine is None or raw.get("OwnerId") == mine
    tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
    built = T.build_of(tags, raw.get("Description"))
    created = parse_time(raw.get("CreationDate"))
    notes: list[str] = []
    snapshots = _snapshots(ctx, region, raw, notes) if owned else []
    gb = sum(s.size_gb for s in snapshots) or snapshot_gb(raw)
    shares = launch_permissions(ctx, region, ami_id) if owned else []
    copies = _copies(ctx, region, ami_id, notes) if owned else []
    monthly = gb * ctx.prices.snapshot_gb_month(region) + sum(
        gb * ctx.prices.snapshot_gb_month(c.region) for c in copies
    )
    if not owned:
        notes.append("owned by another account: its shares, snapshots and copies are private")
    return ImageDetails(
        ami_id=ami_id,
        region=region,
        name=raw.get("Name", ""),
        description=raw.get("Description") or "",
        owner_id=raw.get("OwnerId", ""),
        owner_alias=raw.get("ImageOwnerAlias"),
        owned=owned,
        state=raw.get("State", "available"),
        architecture=raw.get("Architecture", "x86_64"),
        created=raw.get("CreationDate", ""),
        age_days=(dt.datetime.now(dt.timezone.utc) - created).days if created else None,
        public=raw.get("Public"),
        template=built[0] if built else None,
        template_hash=built[1] if built else None,
        tags=tags,
        deprecation_time=raw.get("DeprecationTime"),
        shares=shares,
        snapshots=snapshots,
        snapshot_gb=gb,
        copies=copies,
        regions_holding=[region, *sorted({c.region for c in copies})],
        monthly_storage_usd=round(monthly, 4),
        notes=notes,
    )


def launch_permissions(ctx: ImageContext, region: str, ami_id: str) -> list[str]:
    """Who may launch the image besides its owner: account ids, organization/OU ARNs, 'public'."""
    with aws_errors(region, f"reading who may launch {ami_id}"):
        reply = ctx.ec2(region).describe_image_attribute(
            ImageId=ami_id, Attribute="launchPermission"
        )
    shares = []
    for permission in reply.get("LaunchPermissions", []):
        if permission.get("Group") == "all":
            shares.append("public")
        for key in ("UserId", "OrganizationArn", "OrganizationalUnitArn"):
            if permission.get(key):
                shares.append(permission[key])
    return shares


def _snapshots(
    ctx: ImageContext, region: str, raw: dict[str, Any], notes: list[str]
) -> list[SnapshotInfo]:
    ids = ctx.snapshots_of(region, raw, raw["ImageId"])
    if not ids:
        return []
    try:
        with aws_errors(region, "reading the image's snapshots"):
            found = ctx.ec2(region).describe_snapshots(SnapshotIds=ids)["Snapshots"]
    except CwsError as exc:
        notes.append(f"snapshots not readable: {exc.message}")
        return []
    return [
        SnapshotInfo(
            snapshot_id=s["SnapshotId"],
            size_gb=int(s.get("VolumeSize", 0)),
            encrypted=bool(s.get("Encrypted")),
            state=s.get("State", "completed"),
        )
        for s in found
    ]


def _copies(ctx: ImageContext, region: str, ami_id: str, notes: list[str]) -> list[ImageCopyRef]:
    """Copies of the image in every region (found by their ``cws:source-ami`` tag), at once."""
    found = ctx.for_regions(ctx.regions.regions(), lambda r: find_copies(ctx, r, ami_id))
    copies = []
    failed = []
    for other, outcome in found.items():
        if isinstance(outcome, CwsError):
            failed.append(other)
            continue
        copies += [
            ImageCopyRef(region=other, ami_id=i["ImageId"], state=i["State"]) for i in outcome
        ]
    if failed:
        notes.append(f"copies not searched in {len(failed)} region(s): {', '.join(sorted(failed))}")
    return [c for c in copies if not (c.region == region and c.ami_id == ami_id)]


def find_copies(ctx: ImageContext, region: str, ami_id: str) -> list[dict[str, Any]]:
    """This account's copies of ``ami_id`` in one region (pending or available)."""
    with aws_errors(region, f"looking for copies of {ami_id}"):
        return ctx.ec2(region).describe_images(  # type: ignore[no-any-return]
            Owners=["self"],
            Filters=[
                {"Name": f"tag:{T.SOURCE_AMI}", "Values": [ami_id]},
                # builds carry cws:source-ami too (the image their instance ran); only copies
                # say which region they came from
                {"Name": "tag-key", "Values": [T.SOURCE_REGION]},
                {"Name": "state", "Values": ["pending", "available"]},
            ],
        )["Images"]


def snapshot_gb(raw: dict[str, Any]) -> int:
    """An image's snapshot size from its block device mappings."""
    return sum(
        int(m.get("Ebs", {}).get("VolumeSize", 0)) for m in raw.get("BlockDeviceMappings", [])
    )


def _neg(created: str) -> float:
    stamp = parse_time(created)
    return -stamp.timestamp() if stamp else 0.0
