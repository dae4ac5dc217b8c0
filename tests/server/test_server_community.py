"""The community registry through this Jupyter server (one origin for the lab panel and the
widgets): browse, details, publish, rate, count a launch; errors as the rest of the API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.sandbox


async def test_browse_filters_and_pages(api: Any) -> None:
    status, page, _ = await api("community/amis", params={"template": "r-research"})
    assert status == 200, page
    assert page["total"] >= 2 and {i["template"] for i in page["items"]} == {"r-research"}
    first = page["items"][0]
    assert first["ami_id"].startswith("cami-") and first["verified"] is True
    for key in ("name", "creator", "rating", "rating_count", "download_count", "regions"):
        assert key in first

    status, one, _ = await api("community/amis", params={"per_page": "1", "sort": "downloads"})
    assert status == 200 and len(one["items"]) == 1 and one["per_page"] == 1


@pytest.mark.parametrize(
    "params, field",
    [({"sort": "loudest"}, "sort"), ({"per_page": "500"}, "per_page"), ({"page": "x"}, "page")],
)
async def test_bad_browse_parameters_name_the_field(
    api: Any, params: dict[str, str], field: str
) -> None:
    status, body, _ = await api("community/amis", params=params)
    assert status == 400 and body["field"] == field, body


async def test_details_by_registry_id_and_by_image_id(api: Any) -> None:
    _, page, _ = await api("community/amis", params={"template": "bioinformatics"})
    record = page["items"][0]
    status, details, _ = await api(f"community/amis/{record['ami_id']}")
    assert status == 200 and details["ami_id"] == record["ami_id"]
    assert "reviews" in details and details["rating_count"] == record["rating_count"]
    image = record["images"]["us-east-1"]
    status, same, _ = await api(f"community/amis/{image}")
    assert status == 200 and same["ami_id"] == record["ami_id"]
    status, missing, _ = await api("community/amis/cami-0000000000000000")
    assert status == 404 and missing["error"] == "not_found"


async def test_rate_then_see_the_rating(api: Any) -> None:
    _, page, _ = await api("community/amis", params={"template": "r-research"})
    target = page["items"][-1]["ami_id"]
    review = f"rest review {uuid.uuid4().hex[:6]}"
    status, rated, _ = await api(
        f"community/amis/{target}/rate", method="POST", body={"rating": 4, "review": review}
    )
    assert status == 200, rated
    assert rated["ami_id"] == target and rated["rating"] == 4
    _, details, _ = await api(f"community/amis/{target}")
    assert any(r["review"] == review for r in details["reviews"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"rating": 3, "review": "x" * 5000}, "review"),
        ({"rating": 3, "stars": 3}, "stars"),
    ],
)
async def test_bad_ratings_name_the_field(api: Any, body: dict[str, Any], field: str) -> None:
    _, page, _ = await api("community/amis")
    target = page["items"][0]["ami_id"]
    status, error, _ = await api(f"community/amis/{target}/rate", method="POST", body=body)
    assert status == 400 and error["field"] == field, error


async def test_use_counts_a_launch(api: Any) -> None:
    _, page, _ = await api("community/amis", params={"template": "bioinformatics"})
    record = page["items"][0]
    status, used, _ = await api(
        f"community/amis/{record['ami_id']}/use", method="POST", body={"region": "us-east-1"}
    )
    assert status == 200, used
    assert used["download_count"] == record["download_count"] + 1
    assert used["image_id"] == record["images"]["us-east-1"]


async def test_publish_an_image_of_the_sandbox_account(api: Any, cws_app: Any) -> None:
    # The teaching-lab build in eu-central-1 belongs to the sandbox account.
    from cws_jupyter.core.sandbox.world import load_world

    image = next(
        i.image_id
        for i in load_world().family("cws-teaching-lab").expand("123456789012")
        if i.region == "eu-central-1"
    )
    body = {"ami_id": image, "template": "teaching-lab", "region": "eu-central-1"}
    status, record, _ = await api("community/amis", method="POST", body=body)
    assert status == 201, record
    assert record["verified"] is True and record["images"] == {"eu-central-1": image}
    # Once listed, the same image cannot be published again.
    status, again, _ = await api("community/amis", method="POST", body=body)
    assert status == 409, again
    # And nobody rates their own image.
    status, own, _ = await api(
        f"community/amis/{record['ami_id']}/rate", method="POST", body={"rating": 5}
    )
    assert status == 403 and own["error"] == "self_rating", own


async def test_registry_down_is_a_503_naming_it(api: Any, cws_app: Any) -> None:
    service = cws_app.service
    url = "http://127.0.0.1:9"
    from cws_jupyter.core.registry.client import CommunityRegistryClient

    real = service.__dict__.get("registry_client")
    service.__dict__["_community"] = None  # rebuilt below around the dead registry
    service.__dict__.pop("_community")
    service.__dict__["registry_client"] = CommunityRegistryClient(url, timeout=0.5)
    try:
        status, body, _ = await api("community/amis")
    finally:
        service.__dict__.pop("_community", None)
        if real is not None:
            service.__dict__["registry_client"] = real
        else:
            service.__dict__.pop("registry_client", None)
    assert status == 503 and body["error"] == "registry_unavailable" and url in body["message"]
