"""Region names, display names and the cross-region fallback map."""

from __future__ import annotations

from .fallback_map import RegionMap, shipped_data
from .models import RegionFallback
from .validate import commercial_regions, partition_of, validate_region

__all__ = [
    "RegionFallback",
    "RegionMap",
    "commercial_regions",
    "partition_of",
    "shipped_data",
    "validate_region",
]
