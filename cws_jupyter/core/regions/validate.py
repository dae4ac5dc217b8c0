"""Region name checks shared by the fallback map and the price book."""

from __future__ import annotations

from ..errors import BadInput
from .known import PARTITIONS, check_region, known_regions, partitions

__all__ = ["PARTITIONS", "commercial_regions", "partition_of", "validate_region"]


def validate_region(region: str) -> str:
    """Return ``region`` if AWS has it, else raise BadInput(field="region") with a suggestion."""
    try:
        return check_region(region)
    except ValueError as exc:
        message = str(exc)
        lowered = region.strip().lower() if isinstance(region, str) else ""
        if lowered != region and lowered in known_regions():
            message = f"{region!r} is not an AWS region; did you mean {lowered}?"
        raise BadInput(message, field="region") from None


def partition_of(region: str) -> str | None:
    """The partition (aws, aws-cn, aws-us-gov) a region belongs to, or None if unknown."""
    return partitions().get(region)


def commercial_regions() -> list[str]:
    """Every EC2 region in the commercial ``aws`` partition, sorted."""
    return sorted(r for r, p in partitions().items() if p == "aws")
