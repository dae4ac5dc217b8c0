"""Region name checks shared by the fallback map and the price book."""

from __future__ import annotations

from functools import lru_cache

from ..errors import BadInput
from ..templates.fields import check_region, known_regions

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


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


@lru_cache(maxsize=1)
def _partitions() -> dict[str, str]:
    """Map every EC2 region botocore knows to its partition name."""
    import botocore.session

    session = botocore.session.get_session()
    return {
        region: partition
        for partition in PARTITIONS
        for region in session.get_available_regions("ec2", partition_name=partition)
    }


def partition_of(region: str) -> str | None:
    """The partition (aws, aws-cn, aws-us-gov) a region belongs to, or None if unknown."""
    return _partitions().get(region)


def commercial_regions() -> list[str]:
    """Every EC2 region in the commercial ``aws`` partition, sorted."""
    return sorted(r for r, p in _partitions().items() if p == "aws")
