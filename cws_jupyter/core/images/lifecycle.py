"""An image's later life: delete it (with its snapshots), deprecate it, publish it in SSM."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from ..aws.errors import aws_errors
from ..errors import BadInput
from .models import DeleteResult, DeprecateResult, PublishResult

if TYPE_CHECKING:
    from .context import ImageContext

PARAMETER_RE = re.compile(r"^/?[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
PARAMETER_MAX = 1011
MAX_DEPRECATION = dt.timedelta(days=3650)


def delete_image(
    ctx: ImageContext, ami_id: str, region: str | None = None, *, yes: bool = False
) -> DeleteResult:
    """Deregister an image of this account and delete its snapshots (only with ``yes``)."""
    region = ctx.region(region)
    if not yes:
        raise BadInput(
            f"deleting {ami_id} deregisters it and deletes its snapshots for good; "
            "add --yes to confirm (REST: DELETE is the confirmation)",
            field="yes",
        )
    image = ctx.describe(region, ami_id)
    ctx.require_owned(image, "delete")
    snapshot_ids = ctx.snapshots_of(region, image, ami_id)
    deleted, kept = ctx.deregister(region, ami_id, snapshot_ids)
    ctx.catalog.forget(ami_id)
    return DeleteResult(
        ami_id=ami_id,
        region=region,
        deregistered=True,
        snapshots_deleted=deleted,
        snapshots_kept=kept,
    )


def deprecate_image(
    ctx: ImageContext, ami_id: str, at: str, region: str | None = None
) -> DeprecateResult:
    """Mark an image deprecated from ``at`` (a date or an ISO time, UTC; within ten years)."""
    region = ctx.region(region)
    when = parse_when(at)
    image = ctx.describe(region, ami_id)
    ctx.require_owned(image, "deprecate")
    with aws_errors(region, f"deprecating {ami_id}"):
        ctx.ec2(region).enable_image_deprecation(ImageId=ami_id, DeprecateAt=when)
    ctx.changed()
    return DeprecateResult(
        ami_id=ami_id, region=region, deprecate_at=when.isoformat(timespec="seconds")
    )


def parse_when(text: str) -> dt.datetime:
    """``2027-01-31`` or ``2027-01-31T12:00:00Z`` as an aware UTC time in the future."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise BadInput(
            f"{text!r} is not a date: use YYYY-MM-DD or an ISO time such as 2027-01-31T12:00:00Z",
            field="at",
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    when = when.astimezone(dt.timezone.utc).replace(microsecond=0)
    now = dt.datetime.now(dt.timezone.utc)
    if when <= now:
        raise BadInput(f"{text!r} is in the past: AWS deprecates from a future time", field="at")
    if when - now > MAX_DEPRECATION:
        raise BadInput(f"{text!r} is more than ten years away (AWS's limit)", field="at")
    return when


def publish_image(
    ctx: ImageContext, ami_id: str, parameter: str, region: str | None = None
) -> PublishResult:
    """Write the image id into an SSM parameter (overwriting it) so templates can name it there."""
    region = ctx.region(region)
    name = check_parameter(parameter)
    ctx.describe(region, ami_id)  # it must exist here; AWS checks it again (aws:ec2:image)
    with aws_errors(region, f"writing parameter {name}"):
        reply = ctx.access.client("ssm", region).put_parameter(
            Name=name,
            Value=ami_id,
            Type="String",
            DataType="aws:ec2:image",
            Overwrite=True,
            Description=f"AMI published by cws-jupyter ({ami_id})",
        )
    ctx.changed()  # a cached lookup of this parameter would name the image it named before
    return PublishResult(
        ami_id=ami_id,
        region=region,
        parameter=name,
        version=int(reply.get("Version", 1)),
        hint=f"templates can now name it with `ssm_parameter: {name}` (in {region}, for accounts "
        "that can read this parameter)",
    )


def check_parameter(name: str) -> str:
    """An SSM parameter name AWS accepts for our use, else BadInput naming the rule."""
    name = (name or "").strip()
    if not name or len(name) > PARAMETER_MAX or not PARAMETER_RE.match(name):
        raise BadInput(
            f"{name!r} is not an SSM parameter name: letters, digits, _ . - and / between "
            "levels, e.g. /my-lab/ami/python-ml",
            field="parameter",
        )
    if name.lstrip("/").lower().startswith(("aws", "ssm")):
        raise BadInput(
            f"{name!r}: names beginning with 'aws' or 'ssm' are reserved by AWS; choose "
            "another, e.g. /my-lab/ami/<template>",
            field="parameter",
        )
    if name.count("/") > 15:
        raise BadInput(f"{name!r} is nested deeper than AWS's 15 levels", field="parameter")
    return name
