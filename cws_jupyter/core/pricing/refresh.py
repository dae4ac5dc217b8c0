"""Refresh hourly prices from the AWS Price List Query API (``pricing:GetProducts``)."""

from __future__ import annotations

import json
import pathlib
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.parsers import ResponseParserError

from ..errors import AwsUnavailable, BadInput
from ..regions.validate import validate_region
from ..templates.fields import check_instance_type
from .cache import read_refreshed, write_refreshed
from .models import PricePair, RefreshedPrices, RefreshReport
from .table import shipped_table

PRICING_REGION = "us-east-1"
SERVICE_CODE = "AmazonEC2"
PAGE_SIZE = 100
SOURCE = "AWS Price List Query API (pricing:GetProducts), on-demand Linux, shared tenancy"
FIXED_FILTERS = (
    ("operatingSystem", "Linux"),
    ("tenancy", "Shared"),
    ("preInstalledSw", "NA"),
    ("capacitystatus", "Used"),
)


def product_filters(instance_type: str, region: str) -> list[dict[str, str]]:
    """The TERM_MATCH filters selecting one type's on-demand Linux product in one region."""
    pairs = (("instanceType", instance_type), ("regionCode", region), *FIXED_FILTERS)
    return [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in pairs]


def on_demand_usd(item: str | dict[str, Any], instance_type: str, region: str) -> float | None:
    """The hourly on-demand USD price in one PriceList entry, if it is the product asked for."""
    data = json.loads(item) if isinstance(item, str) else item
    attrs = data.get("product", {}).get("attributes", {})
    if attrs.get("instanceType") != instance_type or attrs.get("regionCode") != region:
        return None
    if attrs.get("locationType", "AWS Region") != "AWS Region":
        return None
    prices: list[float] = []
    for term in data.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is None or dimension.get("unit", "Hrs") != "Hrs":
                continue
            value = float(usd)
            if value > 0:
                prices.append(value)
    return min(prices) if prices else None


def _fetch_price(paginator: Any, instance_type: str, region: str) -> float | None:
    """Page through GetProducts for one pair and return its on-demand price, if any."""
    prices: list[float] = []
    pages = paginator.paginate(
        ServiceCode=SERVICE_CODE,
        Filters=product_filters(instance_type, region),
        FormatVersion="aws_v1",
        PaginationConfig={"PageSize": PAGE_SIZE},
    )
    for page in pages:
        for item in page.get("PriceList", []):
            price = on_demand_usd(item, instance_type, region)
            if price is not None:
                prices.append(price)
    return min(prices) if prices else None


NO_PRICING_API = {"404", "UnknownOperationException", "NotImplemented", "InvalidAction"}


def _unavailable(exc: Exception, cache_dir: pathlib.Path, endpoint: str | None) -> AwsUnavailable:
    """Explain an AWS failure and that the prices in use did not change."""
    code = None
    if isinstance(exc, NoCredentialsError):
        reason = "no AWS credentials are configured (set AWS_PROFILE or run `aws configure`)"
    elif isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in {"AccessDeniedException", "AccessDenied"}:
            reason = (
                f"access denied; the credentials need pricing:GetProducts ({error.get('Message')})"
            )
        elif (
            code in NO_PRICING_API
            or status == 404
            or "<html" in str(error.get("Message", "")).lower()
        ):
            reason = (
                f"the endpoint {endpoint} does not offer the Pricing API (the sandbox has none)"
            )
        else:
            reason = f"the request was refused ({code}: {error.get('Message') or exc})"
    elif isinstance(exc, ResponseParserError):
        reason = (
            f"the endpoint {endpoint} does not answer like the Pricing API (the sandbox has none)"
        )
    else:
        reason = f"it could not be reached ({exc})"
    return AwsUnavailable(
        f"Could not refresh prices from the AWS Pricing API: {reason}. The shipped price table "
        f"(as of {shipped_table().as_of}) and any earlier refresh in {cache_dir} are still used.",
        details={"service": "pricing", "operation": "GetProducts", "code": code},
    )


def _check_inputs(instance_types: list[str], regions: list[str]) -> tuple[list[str], list[str]]:
    """Validate and de-duplicate the requested types and regions."""
    types: list[str] = []
    for value in instance_types:
        try:
            types.append(check_instance_type(value))
        except ValueError as exc:
            raise BadInput(str(exc), field="instance_type") from None
    checked = [validate_region(r) for r in regions]
    return list(dict.fromkeys(types)), list(dict.fromkeys(checked))


def refresh_from_pricing_api(
    session: boto3.Session,
    instance_types: list[str],
    regions: list[str],
    cache_dir: pathlib.Path,
) -> RefreshReport:
    """Fetch on-demand Linux prices for every (type, region) pair and merge them into the cache."""
    types, regions = _check_inputs(instance_types, regions)
    cache_dir = pathlib.Path(cache_dir)
    fetched: dict[str, dict[str, float]] = {}
    missing: list[PricePair] = []
    endpoint: str | None = None
    try:
        client = session.client("pricing", region_name=PRICING_REGION)
        endpoint = client.meta.endpoint_url
        paginator = client.get_paginator("get_products")
        for region in regions:
            for instance_type in types:
                price = _fetch_price(paginator, instance_type, region)
                if price is None:
                    missing.append(PricePair(instance_type=instance_type, region=region))
                else:
                    fetched.setdefault(region, {})[instance_type] = price
    except (BotoCoreError, ClientError, ResponseParserError) as exc:
        raise _unavailable(exc, cache_dir, endpoint) from exc
    as_of = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    merged = read_refreshed(cache_dir) or RefreshedPrices(as_of=as_of, source=SOURCE)
    for region, prices in fetched.items():
        merged.hourly.setdefault(region, {}).update(prices)
    merged = merged.model_copy(update={"as_of": as_of, "source": SOURCE})
    updated = sum(len(p) for p in fetched.values())
    path = write_refreshed(cache_dir, merged) if updated else cache_dir / "prices.json"
    return RefreshReport(
        updated=updated, missing=missing, as_of=as_of, path=str(path), source=SOURCE
    )
