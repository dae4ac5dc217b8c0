"""Pydantic shapes for the refreshed price cache and the refresh report."""

from __future__ import annotations

from pydantic import BaseModel, Field, PositiveFloat

CACHE_FILE = "prices.json"
CACHE_FORMAT = 1


class RefreshedPrices(BaseModel):
    """``<cache dir>/prices.json``: hourly prices fetched from the AWS Pricing API."""

    format: int = CACHE_FORMAT
    as_of: str
    source: str
    hourly: dict[str, dict[str, PositiveFloat]] = Field(
        default_factory=dict, description="region -> instance type -> USD per hour"
    )

    def count(self) -> int:
        """How many (type, region) prices the cache holds."""
        return sum(len(types) for types in self.hourly.values())


class PricePair(BaseModel):
    """An instance type in a region."""

    instance_type: str
    region: str


class RefreshReport(BaseModel):
    """What a refresh from the Pricing API did."""

    updated: int = Field(description="prices fetched and written")
    missing: list[PricePair] = Field(
        default_factory=list, description="pairs the Pricing API had no on-demand price for"
    )
    as_of: str = Field(description="when the prices were fetched (UTC, ISO 8601)")
    path: str = Field(description="the cache file written")
    source: str
