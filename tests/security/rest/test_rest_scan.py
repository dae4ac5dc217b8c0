"""``GET ami/{ami_id}/scan`` through a Jupyter server (pytest-jupyter's non-root base_url): the
SecurityReport as JSON, errors as the rest of the API, the route in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from security_helpers import ACCOUNT, REGION, SQUATTER, world_image

from cws_jupyter.core.service import CwsService
from cws_jupyter.server.openapi import build_document
from cws_jupyter.server.schemas import MODELS

pytestmark = pytest.mark.sandbox


async def test_scan_answers_the_report(api: Any, service: CwsService) -> None:
    ami = world_image(service, SQUATTER, "ubuntu/images/")
    status, report, _ = await api(f"ami/{ami}/scan", params={"region": REGION})
    assert status == 200, report
    assert report["ami_id"] == ami and report["region"] == REGION
    assert isinstance(report["score"], int) and 0 <= report["score"] <= 100
    assert report["findings"][0]["id"] == "owner-squatting"
    assert {"id", "severity", "message", "fix"} <= set(report["findings"][0])
    assert report["recommendations"]


async def test_scan_defaults_to_the_servers_region(api: Any, service: CwsService) -> None:
    ami = world_image(service, ACCOUNT, "cws-teaching-lab-")
    status, report, _ = await api(f"ami/{ami}/scan")
    assert status == 200 and report["region"] == "us-east-1" and report["owned_by_you"] is True


@pytest.mark.parametrize(
    "path, params, status, field",
    [
        ("ami/ami-0123456789abcdef0/scan", {}, 404, "ami_id"),
        ("ami/ami-zz/scan", {}, 400, "ami_id"),
        ("ami/ami-0123456789abcdef0/scan", {"region": "us-esat-1"}, 400, "region"),
    ],
)
async def test_scan_errors_name_the_field(
    api: Any, path: str, params: dict[str, str], status: int, field: str
) -> None:
    got, body, _ = await api(path, params=params)
    assert got == status and body["field"] == field, body


async def test_scan_needs_the_token(api: Any, service: CwsService) -> None:
    status, _, _ = await api("ami/ami-0123456789abcdef0/scan", headers={"Authorization": ""})
    assert status == 403


def test_the_route_is_documented_with_its_model() -> None:
    assert MODELS["SecurityReport"].__name__ == "SecurityReport"
    document = build_document("/")
    operation = document["paths"]["/ami/{ami_id}/scan"]["get"]
    assert operation["operationId"] == "scanAmi"
    assert {p["name"] for p in operation["parameters"]} == {"ami_id", "region"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SecurityReport"
    )
    assert "SecurityReport" in document["components"]["schemas"]
