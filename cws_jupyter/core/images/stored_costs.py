"""What keeping a template's images costs: a model of its own, so that a resolve (which reports it)
does not build every lifecycle model."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StoredImageCost(BaseModel):
    """One stored image's part of the monthly bill."""

    ami_id: str
    region: str
    snapshot_gb: int
    monthly_usd: float
    source_region: str | None = Field(None, description="For a copy: the region it came from")
    transfer_usd: float = Field(0.0, description="What copying it here cost, once")


class StoredImageCosts(BaseModel):
    """What a template's stored images cost: storage in every region holding them, transfers."""

    template: str
    images: list[StoredImageCost] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    total_gb: int = 0
    monthly_usd: float = 0.0
    transfer_usd: float = 0.0
    break_even_launches_per_month: float | None = None
    recommendation: str = ""
    notes: list[str] = Field(default_factory=list)
