"""Share an image (or stop sharing it) with accounts, organizations, OUs, or everyone.

Accounts also get read access to the image's snapshots, so they can copy it to their regions;
snapshots are never made public. Public sharing needs an explicit yes, and is checked first
against the account's image block-public-access setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_code, aws_errors
from ..errors import BadInput, Conflict, CwsError, Unsupported
from .inventory import launch_permissions
from .models import ShareResult

if TYPE_CHECKING:
    from .context import ImageContext

ACCOUNT_RE = re.compile(r"^\d{12}$")
ORG_RE = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
OU_RE = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$"
)
FORMS = (
    "a 12-digit account id (123456789012), an organization ARN "
    "(arn:aws:organizations::123456789012:organization/o-abcd123456), an OU ARN "
    "(arn:aws:organizations::123456789012:ou/o-abcd123456/ou-ab12-cdef3456), or 'all'"
)


@dataclass(frozen=True)
class Target:
    """One checked share target and its launch-permission entry."""

    text: str
    kind: str  # account, organization, ou, public

    def permission(self) -> dict[str, str]:
        """The ``LaunchPermission`` entry AWS expects."""
        key = {
            "account": "UserId",
            "organization": "OrganizationArn",
            "ou": "OrganizationalUnitArn",
            "public": "Group",
        }[self.kind]
        return {key: "all" if self.kind == "public" else self.text}


def parse_targets(targets: list[str]) -> list[Target]:
    """Each target checked; a malformed one is named, with the forms expected."""
    if not targets:
        raise BadInput(f"name at least one target: {FORMS}", field="targets")
    parsed = []
    for raw in targets:
        text = (raw or "").strip()
        if ACCOUNT_RE.match(text):
            parsed.append(Target(text, "account"))
        elif ORG_RE.match(text):
            parsed.append(Target(text, "organization"))
        elif OU_RE.match(text):
            parsed.append(Target(text, "ou"))
        elif text.lower() == "all":
            parsed.append(Target("all", "public"))
        else:
            raise BadInput(f"share target {raw!r} is not {FORMS}", field="targets")
    return list(dict.fromkeys(parsed))


def share_image(
    ctx: ImageContext,
    ami_id: str,
    targets: list[str],
    region: str | None = None,
    *,
    remove: bool = False,
    public: bool = False,
    yes: bool = False,
) -> ShareResult:
    """Add (or with ``remove``, take away) launch permissions; accounts get snapshot access."""
    region = ctx.region(region)
    wanted = parse_targets(targets)
    warnings: list[str] = []
    going_public = any(t.kind == "public" for t in wanted) and not remove
    if going_public and not (public and yes):
        raise BadInput(
            f"'all' makes {ami_id} public: anyone on AWS could launch it and read what it "
            'holds. To do it anyway, add --public --yes (REST: "public": true, "yes": true)',
            field="targets",
        )
    image = ctx.describe(region, ami_id)
    ctx.require_owned(image, "share")
    if going_public:
        warnings += _check_public_access(ctx, region)
    permissions = [t.permission() for t in wanted]
    operation = "Remove" if remove else "Add"
    with aws_errors(region, f"{'unsharing' if remove else 'sharing'} {ami_id}"):
        ctx.ec2(region).modify_image_attribute(
            ImageId=ami_id, LaunchPermission={operation: permissions}
        )
    accounts = [t.text for t in wanted if t.kind == "account"]
    snapshots = _share_snapshots(ctx, region, image, accounts, remove) if accounts else []
    encrypted = any(m.get("Ebs", {}).get("Encrypted") for m in image.get("BlockDeviceMappings", []))
    if not remove and encrypted and any(t.kind != "public" for t in wanted):
        warnings.append(
            "its snapshots are encrypted: other accounts can use it only if the KMS key is a "
            "customer managed key whose policy lets them (the AWS managed key aws/ebs cannot be "
            "shared); if needed, copy it under such a key first (`cws ami copy ... --kms-key "
            "REGION=KEY`)"
        )
    if not remove and any(t.kind in ("organization", "ou") for t in wanted):
        warnings.append(
            "snapshots cannot be shared with an organization or OU: its accounts can launch "
            "the image, and copy it only if you share it with their account ids too"
        )
    ctx.changed()
    names = [t.text for t in wanted]
    return ShareResult(
        ami_id=ami_id,
        region=region,
        added=[] if remove else names,
        removed=names if remove else [],
        public=going_public,
        snapshots_shared=snapshots,
        shares=launch_permissions(ctx, region, ami_id),
        warnings=warnings,
    )


def _share_snapshots(
    ctx: ImageContext, region: str, image: dict[str, Any], accounts: list[str], remove: bool
) -> list[str]:
    """Let (or stop letting) the accounts read the image's snapshots, which copying needs."""
    ids = ctx.snapshots_of(region, image, image["ImageId"])
    operation = "remove" if remove else "add"
    with aws_errors(region, "sharing the image's snapshots"):
        for snapshot_id in ids:
            ctx.ec2(region).modify_snapshot_attribute(
                SnapshotId=snapshot_id,
                Attribute="createVolumePermission",
                OperationType=operation,
                UserIds=accounts,
            )
    return ids


def _check_public_access(ctx: ImageContext, region: str) -> list[str]:
    """Refuse early when AWS would: the account blocks public images in this region."""
    try:
        with aws_errors(region, "checking image block public access"):
            state = ctx.ec2(region).get_image_block_public_access_state()[
                "ImageBlockPublicAccessState"
            ]
    except Unsupported:
        return [
            f"the sandbox does not simulate image block public access; on AWS it is checked "
            f"first (GetImageBlockPublicAccessState in {region})"
        ]
    except CwsError as exc:
        if aws_code(exc) in ("UnauthorizedOperation", "AccessDenied"):
            return [
                f"could not check image block public access in {region} ({exc.message}); AWS "
                "refuses the share if it is on"
            ]
        raise
    if state != "unblocked":
        raise Conflict(
            f"this account blocks public images in {region} (image block public access: "
            f"{state}); AWS would refuse. If the image really must be public, turn it off first: "
            f"`aws ec2 disable-image-block-public-access --region {region}`",
            field="targets",
        )
    return []
