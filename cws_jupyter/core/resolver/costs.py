"""Cost and launch-time comparison: AMI launch versus script provisioning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..templates.models import Template
from ..templates.userdata import BOOT_SECONDS, setup_seconds
from .models import CostComparison

if TYPE_CHECKING:
    from ..pricing import PriceBook

DEFAULT_SNAPSHOT_GB = 30


def template_image_gb(template: Template, image_gb: int | None = None) -> int:
    """The one size of a template AMI, in GB: the disk of a workstation of the template, the
    larger of the image found (``image_gb``) and the template's ``root_volume_gb`` (30 GB when
    neither is known). Storage, the cross-region transfer and the copy time all use it."""
    sizes = [g for g in (image_gb, template.instance_defaults.root_volume_gb) if g]
    return max(sizes) if sizes else DEFAULT_SNAPSHOT_GB


def compare_costs(
    template: Template,
    region: str,
    instance_type: str,
    prices: PriceBook,
    *,
    image_gb: int | None = None,
    source_region: str | None = None,
) -> CostComparison:
    """What an AMI saves per launch, what it costs to keep (and to copy here), and the verdict."""
    hourly = prices.hourly(instance_type, region)
    setup = setup_seconds(template)
    snapshot_gb = template_image_gb(template, image_gb)
    storage = round(snapshot_gb * prices.snapshot_gb_month(region), 4)
    copy_seconds = 0
    transfer = 0.0
    if source_region and source_region != region:  # the same size is what a copy moves
        copy_seconds = prices.copy_seconds(snapshot_gb)
        transfer = round(snapshot_gb * prices.transfer_per_gb(source_region, region), 4)
    setup_cost = round(hourly * setup / 3600, 5) if hourly is not None else None
    break_even = round(storage / setup_cost, 1) if setup_cost else None
    return CostComparison(
        instance_type=instance_type,
        region=region,
        hourly_price=hourly,
        price_as_of=prices.as_of,
        ami_launch_seconds=BOOT_SECONDS,
        script_launch_seconds=BOOT_SECONDS + setup,
        script_setup_seconds=setup,
        script_setup_cost=setup_cost,
        time_saved_seconds=setup,
        snapshot_gb=snapshot_gb,
        snapshot_storage_per_month=storage,
        cross_region_transfer=transfer,
        copy_seconds=copy_seconds,
        break_even_launches_per_month=break_even,
        recommendation=_recommend(setup, setup_cost, storage, break_even, hourly is None),
    )


def _recommend(
    setup: int, setup_cost: float | None, storage: float, break_even: float | None, unpriced: bool
) -> str:
    minutes = setup / 60
    if unpriced:
        return f"An AMI saves about {minutes:.0f} min per launch; no price is known for this type here."
    if break_even is not None and break_even <= 4:
        return (
            f"Use the AMI: it saves about {minutes:.0f} min per launch and its storage "
            f"(${storage:.2f}/month) pays for itself after {break_even:.1f} launches a month."
        )
    return (
        f"An AMI saves about {minutes:.0f} min (${setup_cost or 0:.3f}) per launch; its storage "
        f"(${storage:.2f}/month) pays off above {break_even or 0:.1f} launches a month, so for "
        "occasional use script provisioning is cheaper, though slower."
    )
