"""Real-shaped AWS Price List entries and a stubbed ``pricing`` client for refresh tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

DISPLAY = {"us-east-1": "US East (N. Virginia)", "eu-west-1": "Europe (Ireland)"}
SPECS = {
    "t3.medium": {
        "vcpu": "2",
        "memory": "4 GiB",
        "instanceFamily": "General purpose",
        "physicalProcessor": "Intel Skylake E5 2686 v5",
        "processorArchitecture": "64-bit",
    },
    "g5.xlarge": {
        "vcpu": "4",
        "memory": "16 GiB",
        "instanceFamily": "GPU instance",
        "physicalProcessor": "AMD EPYC 7R32",
        "processorArchitecture": "64-bit",
    },
}


def price_list_entry(
    instance_type: str,
    region: str,
    usd: str,
    *,
    sku: str,
    reserved_usd: str = "0.0262000000",
    location_type: str = "AWS Region",
) -> str:
    """One GetProducts PriceList item, a JSON string shaped like the real AmazonEC2 offer."""
    on_demand_offer, rate = "JRTCKXETXF", "6YS6EN2CT7"
    reserved_offer, reserved_rate = "4NA7Y494T4", "6YS6EN2CT7"
    attributes = {
        "servicecode": "AmazonEC2",
        "servicename": "Amazon Elastic Compute Cloud",
        "location": DISPLAY.get(region, region),
        "locationType": location_type,
        "regionCode": region,
        "instanceType": instance_type,
        "currentGeneration": "Yes",
        "tenancy": "Shared",
        "operatingSystem": "Linux",
        "licenseModel": "No License required",
        "preInstalledSw": "NA",
        "capacitystatus": "Used",
        "marketoption": "OnDemand",
        "operation": "RunInstances",
        "usagetype": f"BoxUsage:{instance_type}",
        "storage": "EBS only",
        "networkPerformance": "Up to 5 Gigabit",
        "ecu": "Variable",
        "normalizationSizeFactor": "2",
        "vpcnetworkingsupport": "true",
        "classicnetworkingsupport": "false",
        "availabilityzone": "NA",
        **SPECS.get(instance_type, {}),
    }
    document = {
        "product": {"productFamily": "Compute Instance", "attributes": attributes, "sku": sku},
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {
                f"{sku}.{on_demand_offer}": {
                    "priceDimensions": {
                        f"{sku}.{on_demand_offer}.{rate}": {
                            "unit": "Hrs",
                            "endRange": "Inf",
                            "description": f"${float(usd):.4f} per On Demand Linux "
                            f"{instance_type} Instance Hour",
                            "appliesTo": [],
                            "rateCode": f"{sku}.{on_demand_offer}.{rate}",
                            "beginRange": "0",
                            "pricePerUnit": {"USD": usd},
                        }
                    },
                    "sku": sku,
                    "effectiveDate": "2025-11-01T00:00:00Z",
                    "offerTermCode": on_demand_offer,
                    "termAttributes": {},
                }
            },
            "Reserved": {
                f"{sku}.{reserved_offer}": {
                    "priceDimensions": {
                        f"{sku}.{reserved_offer}.{reserved_rate}": {
                            "unit": "Hrs",
                            "endRange": "Inf",
                            "description": f"Linux/UNIX (Amazon VPC), {instance_type} reserved "
                            "instance applied",
                            "appliesTo": [],
                            "rateCode": f"{sku}.{reserved_offer}.{reserved_rate}",
                            "beginRange": "0",
                            "pricePerUnit": {"USD": reserved_usd},
                        }
                    },
                    "sku": sku,
                    "effectiveDate": "2025-11-01T00:00:00Z",
                    "offerTermCode": reserved_offer,
                    "termAttributes": {
                        "LeaseContractLength": "1yr",
                        "OfferingClass": "standard",
                        "PurchaseOption": "No Upfront",
                    },
                }
            },
        },
        "version": "20251120013023",
        "publicationDate": "2025-11-20T01:30:23Z",
    }
    return json.dumps(document)


class StubSession:
    """Stands in for boto3.Session, handing out one real, stubbed ``pricing`` client."""

    def __init__(self, client: Any) -> None:
        """Keep the client to hand out."""
        self._client = client
        self.calls: list[tuple[str, str | None]] = []

    def client(self, service_name: str, region_name: str | None = None, **_: Any) -> Any:
        """Return the stubbed client (only ``pricing`` is expected)."""
        self.calls.append((service_name, region_name))
        assert service_name == "pricing"
        return self._client


@pytest.fixture
def pricing_stub() -> Iterator[tuple[StubSession, Stubber]]:
    """A real botocore ``pricing`` client in us-east-1 under a Stubber."""
    session = boto3.Session(
        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="secret", region_name="us-east-1"
    )
    client = session.client("pricing", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield StubSession(client), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def entry() -> Callable[..., str]:
    """The PriceList entry builder."""
    return price_list_entry
