"""Approximate AWS prices for comparing AMI launches with script provisioning."""

from __future__ import annotations

from .book import PriceBook
from .models import PricePair, RefreshedPrices, RefreshReport
from .refresh import on_demand_usd, product_filters, refresh_from_pricing_api
from .table import PriceTable, shipped_table

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
