"""The shipped price table (``prices.yaml``): its shape, checks and lookups."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator

from ..yamlio import load_yaml

DATA_FILE = "prices.yaml"


class _Strict(BaseModel):
    """Reject unknown keys so typos in the data file fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Offering(_Strict):
    """Where a type or family is offered: ``only_in`` these regions, or all but ``absent_in``."""

    only_in: list[str] | None = None
    absent_in: list[str] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Offering:
        """Exactly one of only_in / absent_in must be given."""
        if (self.only_in is None) == (self.absent_in is None):
            raise ValueError("give exactly one of only_in or absent_in")
        return self

    def offered_in(self, region: str) -> bool:
        """Whether the type is offered in ``region``."""
        if self.only_in is not None:
            return region in self.only_in
        return region not in (self.absent_in or [])


class RegionPricing(_Strict):
    """A region's ratios to the base region per instance class, and recalled per-type prices."""

    basis: Literal["published", "recalled", "derived"]
    ratio: dict[str, PositiveFloat]
    prices: dict[str, PositiveFloat] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_default(self) -> RegionPricing:
        """Every region needs a default ratio."""
        if "default" not in self.ratio:
            raise ValueError("ratio needs a 'default'")
        return self


class StorageRate(_Strict):
    """EBS prices in USD per GB-month."""

    snapshot: PositiveFloat
    gp3: PositiveFloat


class Storage(_Strict):
    """Default storage prices and per-region ones."""

    default: StorageRate
    regions: dict[str, StorageRate] = Field(default_factory=dict)


class TransferPair(_Strict):
    """Two regions with a special inter-region rate in both directions."""

    between: tuple[str, str]
    per_gb: float = Field(ge=0)


class Transfer(_Strict):
    """Inter-region data transfer out, USD per GB, by source region."""

    default: float = Field(ge=0)
    from_: dict[str, float] = Field(default_factory=dict, alias="from")
    pairs: list[TransferPair] = Field(default_factory=list)


class CopyTime(_Strict):
    """The AMI copy-time estimate: fixed seconds plus seconds per GB."""

    fixed_seconds: float = Field(ge=0)
    seconds_per_gb: float = Field(gt=0)


class PriceTable(_Strict):
    """The whole shipped price table."""

    as_of: str
    source: str
    currency: Literal["USD"]
    base_region: str
    base: dict[str, PositiveFloat]
    classes: dict[str, list[str]]
    offered: dict[str, Offering] = Field(default_factory=dict)
    regions: dict[str, RegionPricing]
    storage: Storage
    transfer: Transfer
    copy_time: CopyTime

    @model_validator(mode="after")
    def _consistent(self) -> PriceTable:
        """Ratio classes, per-type prices and offering rules must name things the table has."""
        families = {t.split(".", 1)[0] for t in self.base}
        for region, pricing in self.regions.items():
            unknown = set(pricing.ratio) - set(self.classes) - {"default"}
            unknown |= set(pricing.prices) - set(self.base)
            if unknown:
                raise ValueError(f"{region}: unknown classes or types {sorted(unknown)}")
        unknown_rules = set(self.offered) - set(self.base) - families
        if unknown_rules:
            raise ValueError(f"offered: unknown types or families {sorted(unknown_rules)}")
        return self

    def class_of(self, instance_type: str) -> str | None:
        """The price class (burstable, general, ...) of a type's family."""
        family = instance_type.split(".", 1)[0]
        return next((name for name, fams in self.classes.items() if family in fams), None)

    def offered_in(self, instance_type: str, region: str) -> bool:
        """Whether the table says ``instance_type`` is offered in ``region``."""
        family = instance_type.split(".", 1)[0]
        rule = self.offered.get(instance_type) or self.offered.get(family)
        return rule.offered_in(region) if rule else True

    def hourly(self, instance_type: str, region: str) -> float | None:
        """The shipped hourly price, or None if not listed or not offered."""
        pricing = self.regions.get(region)
        if pricing is None or instance_type not in self.base:
            return None
        if not self.offered_in(instance_type, region):
            return None
        if instance_type in pricing.prices:
            return pricing.prices[instance_type]
        cls = self.class_of(instance_type)
        ratio = pricing.ratio.get(cls or "default", pricing.ratio["default"])
        return round(self.base[instance_type] * ratio, 4)


@lru_cache(maxsize=1)
def shipped_table() -> PriceTable:
    """Parse and validate the packaged ``prices.yaml`` (once per process)."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return PriceTable.model_validate(load_yaml(text))
