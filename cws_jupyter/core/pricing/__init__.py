"""Approximate AWS prices for comparing AMI launches with script provisioning."""

from __future__ import annotations

from .book import PriceBook
from .models import PricePair, RefreshedPrices, RefreshReport
from .table import PriceTable, shipped_table

#: Imported on first use: ``refresh`` needs boto3, which reading prices does not.
_FROM_REFRESH = ("on_demand_usd", "product_filters", "refresh_from_pricing_api")


def __getattr__(name: str) -> object:
    if name in _FROM_REFRESH:
        from . import refresh

        return getattr(refresh, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PriceBook",
    "PricePair",
    "PriceTable",
    "RefreshReport",
    "RefreshedPrices",
    "on_demand_usd",
    "product_filters",
    "refresh_from_pricing_api",
    "shipped_table",
]
