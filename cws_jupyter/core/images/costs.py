"""What a template's stored images cost: their snapshots in every region holding one, and what
copying them there cost, against what each launch from an image saves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CwsError
from . import tags as T
from .inventory import builds_in, snapshot_gb
from .stored_costs import StoredImageCost, StoredImageCosts

if TYPE_CHECKING:
    from .context import ImageContext


def stored_costs(
    ctx: ImageContext, template: str, saving_per_launch: float | None
) -> StoredImageCosts:
    """Every build and copy of ``template`` this account keeps, in every region, and its cost."""
    found = ctx.for_regions(ctx.regions.regions(), lambda r: builds_in(ctx, r, template))
    mine = ctx.account()
    rows: list[StoredImageCost] = []
    notes: list[str] = []
    for region, outcome in sorted(found.items()):
        if isinstance(outcome, CwsError):
            notes.append(f"{region}: not searched ({outcome.message})")
            continue
        for image in outcome:
            if mine is not None and image.get("OwnerId") != mine:
                continue  # shared with us: its owner pays for its storage
            tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
            gb = snapshot_gb(image)
            source = tags.get(T.SOURCE_REGION)
            transfer = gb * ctx.prices.transfer_per_gb(source, region) if source else 0.0
            rows.append(
                StoredImageCost(
                    ami_id=image["ImageId"],
                    region=region,
                    snapshot_gb=gb,
                    monthly_usd=round(gb * ctx.prices.snapshot_gb_month(region), 4),
                    source_region=source,
                    transfer_usd=round(transfer, 4),
                )
            )
    monthly = round(sum(r.monthly_usd for r in rows), 4)
    transfer = round(sum(r.transfer_usd for r in rows), 4)
    break_even = round(monthly / saving_per_launch, 1) if saving_per_launch and rows else None
    return StoredImageCosts(
        template=template,
        images=rows,
        regions=sorted({r.region for r in rows}),
        total_gb=sum(r.snapshot_gb for r in rows),
        monthly_usd=monthly,
        transfer_usd=transfer,
        break_even_launches_per_month=break_even,
        recommendation=_advice(template, rows, monthly, break_even),
        notes=notes,
    )


def _advice(
    template: str, rows: list[StoredImageCost], monthly: float, break_even: float | None
) -> str:
    if not rows:
        return (
            f"No stored images of {template}: build one with `cws ami create {template} "
            "<instance-id>` if it is launched often."
        )
    regions = len({r.region for r in rows})
    head = f"{len(rows)} stored image(s) of {template} in {regions} region(s) cost ${monthly:.2f}/month"
    if break_even is None:
        return head + "; no price is known to weigh them against script provisioning."
    if break_even <= 4:
        return head + f" and pay for themselves above {break_even:g} launches a month: keep them."
    return (
        head + f"; they pay for themselves only above {break_even:g} launches a month. Delete "
        "old builds and copies in regions you rarely launch in (`cws ami delete <ami-id> --yes`)."
    )
