"""Pydantic shapes for the region fallback data and the rows the front doors show."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RegionEntry(BaseModel):
    """One region in the shipped fallback map."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    display_name: str
    continent: str
    fallbacks: list[str] = Field(min_length=2, max_length=4)


class FallbackData(BaseModel):
    """The whole shipped ``fallbacks.yaml``."""

    model_config = ConfigDict(extra="forbid")

    source: str
    as_of: str
    regions: dict[str, RegionEntry]


class RegionFallback(BaseModel):
    """A row of the fallback table: a region, its name and its neighbours in order."""

    region: str
    display_name: str
    continent: str | None = None
    fallbacks: list[str]
