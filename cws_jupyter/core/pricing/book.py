"""PriceBook: hourly, storage and transfer prices plus the AMI copy-time estimate."""

from __future__ import annotations

import math
import pathlib
from typing import Literal

from ..errors import BadInput
from ..regions.validate import validate_region
from ..templates.fields import check_instance_type
from .cache import read_refreshed
from .models import RefreshedPrices
from .table import PriceTable, shipped_table

Basis = Literal["refreshed", "published", "recalled", "derived"]


def _instance_type(value: str) -> str:
    """Validate an instance type name, raising BadInput(field="instance_type")."""
    try:
        return check_instance_type(value)
    except ValueError as exc:
        raise BadInput(str(exc), field="instance_type") from None


class PriceBook:
    """Approximate AWS prices: the shipped table, overlaid by a refreshed one if present."""

    def __init__(self, table: PriceTable, refreshed: RefreshedPrices | None = None) -> None:
        """Combine the shipped table with an optional refreshed overlay."""
        self._table = table
        self._refreshed = refreshed
        self.shipped_as_of: str = table.as_of
        self.refreshed_as_of: str | None = refreshed.as_of if refreshed else None
        self.as_of: str = refreshed.as_of if refreshed else table.as_of
        if refreshed:
            self.source = (
                f"{refreshed.source}, {refreshed.count()} prices refreshed {refreshed.as_of}; "
                f"other prices from the shipped table of {table.as_of} ({table.source})"
            )
        else:
            self.source = table.source

    @classmethod
    def load(cls, cache_dir: pathlib.Path | None = None) -> PriceBook:
        """The shipped table, overlaid by ``cache_dir/prices.json`` if it exists and is valid."""
        return cls(shipped_table(), read_refreshed(cache_dir))

    def _refreshed_price(self, instance_type: str, region: str) -> float | None:
        """A price from the refreshed overlay, if it has one."""
        if self._refreshed is None:
            return None
        return self._refreshed.hourly.get(region, {}).get(instance_type)

    def hourly(self, instance_type: str, region: str) -> float | None:
        """On-demand Linux USD/hour, or None if the type is unknown or not offered there."""
        instance_type, region = _instance_type(instance_type), validate_region(region)
        refreshed = self._refreshed_price(instance_type, region)
        if refreshed is not None:
            return refreshed
        return self._table.hourly(instance_type, region)

    def basis(self, instance_type: str, region: str) -> Basis | None:
        """How ``hourly`` got its price: refreshed, published, recalled, derived; None if none."""
        instance_type, region = _instance_type(instance_type), validate_region(region)
        if self._refreshed_price(instance_type, region) is not None:
            return "refreshed"
        if self._table.hourly(instance_type, region) is None:
            return None
        return self._table.regions[region].basis

    def instance_types(self) -> list[str]:
        """Every instance type the book can price, sorted."""
        types = set(self._table.base)
        if self._refreshed:
            types.update(t for prices in self._refreshed.hourly.values() for t in prices)
        return sorted(types)

    def regions(self) -> list[str]:
        """Every region the shipped table covers, sorted."""
        return sorted(self._table.regions)

    def snapshot_gb_month(self, region: str) -> float:
        """EBS snapshot storage (standard tier), USD per GB-month."""
        rate = self._table.storage.regions.get(validate_region(region), self._table.storage.default)
        return rate.snapshot

    def ebs_gb_month(self, region: str) -> float:
        """EBS gp3 volume storage, USD per GB-month."""
        rate = self._table.storage.regions.get(validate_region(region), self._table.storage.default)
        return rate.gp3

    def transfer_per_gb(self, source_region: str, dest_region: str) -> float:
        """Inter-region data transfer, USD per GB, charged by the source region; 0 within one."""
        source, dest = validate_region(source_region), validate_region(dest_region)
        if source == dest:
            return 0.0
        transfer = self._table.transfer
        for pair in transfer.pairs:
            if {source, dest} == set(pair.between):
                return pair.per_gb
        return transfer.from_.get(source, transfer.default)

    def copy_seconds(self, size_gb: float) -> int:
        """Estimated seconds to copy an AMI of ``size_gb`` GB to another region (an estimate)."""
        if not isinstance(size_gb, (int, float)) or not math.isfinite(size_gb) or size_gb < 0:
            raise BadInput(f"{size_gb!r} is not an image size in GB (>= 0)", field="size_gb")
        model = self._table.copy_time
        return math.ceil(model.fixed_seconds + model.seconds_per_gb * size_gb)
