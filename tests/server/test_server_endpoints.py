"""The read routes through jp_fetch (non-root base_url) on the sandbox: answers and error bodies."""

from __future__ import annotations

from typing import Any

import pytest

from cws_jupyter import __version__

pytestmark = pytest.mark.sandbox


def assert_error(body: dict[str, Any], code: str, field: str | None) -> None:
    """An error body: the code, a non-empty message, the field at fault (when one is)."""
    assert body["error"] == code
    assert isinstance(body["message"], str) and len(body["message"]) > 10
    assert body.get("field") == field
    assert "Traceback" not in body["message"]


async def test_resolve_python_ml_in_ireland(api: Any) -> None:
    """The spec's fields, answered from the SSM public parameter of the Deep Learning AMI."""
    status, res, response = await api("ami/resolve/python-ml", params={"region": "eu-west-1"})
    assert status == 200, res
    assert response.headers["Content-Type"].startswith("application/json")
    for key in (
        "ami_id",
        "resolution_method",
        "estimated_launch_time",
        "cost_comparison",
        "warning",
        "fallback_chain",
        "instance_type",
        "estimated_cost",
        "template",
        "region",
        "strategy",
    ):
        assert key in res
    assert res["template"] == "python-ml" and res["region"] == "eu-west-1"
    assert res["ami_id"].startswith("ami-") and res["resolution_method"] == "ssm_parameter"
    assert isinstance(res["estimated_launch_time"], int)
    costs = res["cost_comparison"]
    assert costs["script_launch_seconds"] > costs["ami_launch_seconds"]


async def test_resolve_teaching_lab_crosses_to_frankfurt(api: Any) -> None:
    """No AMI in eu-west-1: the nearest neighbour that has one (eu-central-1), copy required."""
    status, res, _ = await api("ami/resolve/teaching-lab", params={"region": "eu-west-1"})
    assert status == 200, res
    assert res["resolution_method"] == "cross_region"
    assert res["source_region"] == "eu-central-1" and res["copy_required"] is True


async def test_resolve_takes_strategy_and_architecture(api: Any) -> None:
    """Query options reach the resolver."""
    params = {"region": "us-west-2", "strategy": "ami_required", "architecture": "arm64"}
    status, res, _ = await api("ami/resolve/ubuntu-24-server", params=params)
    assert status == 200, res
    assert res["strategy"] == "ami_required" and res["architecture"] == "arm64"


async def test_resolve_unknown_template_is_404(api: Any) -> None:
    """404 with the known templates in the message."""
    status, body, response = await api(
        "ami/resolve/no-such-template", params={"region": "eu-west-1"}
    )
    assert status == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert_error(body, "not_found", "template")
    assert "python-ml" in body["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "eu-atlantis-1"}, "region"),
        ({"region": "EU-WEST-1"}, "region"),
        ({"region": "eu-west-1", "strategy": "cheapest"}, "strategy"),
        ({"region": "eu-west-1", "architecture": "riscv"}, "architecture"),
    ],
)
async def test_resolve_bad_input_is_400_naming_the_field(
    api: Any, params: dict[str, str], field: str
) -> None:
    """Bad region, strategy or architecture: 400 and the field at fault."""
    status, body, _ = await api("ami/resolve/python-ml", params=params)
    assert status == 400
    assert_error(body, "bad_input", field)


async def test_ami_required_failure_is_409_with_the_chain(api: Any) -> None:
    """amazon-linux-2023 (ami_required) where the world has no image: 409 listing every tier."""
    status, body, _ = await api("ami/resolve/amazon-linux-2023", params={"region": "ap-south-1"})
    assert status == 409
    assert_error(body, "resolution_failed", None)
    chain = body["details"]["fallback_chain"]
    tiers = {step["tier"] for step in chain}
    assert tiers >= {
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
    }
    assert all(step["outcome"] != "hit" for step in chain)


async def test_costs(api: Any) -> None:
    """The cost comparison for the template's instance type in the region."""
    status, res, _ = await api("ami/costs/python-ml", params={"region": "eu-west-1"})
    assert status == 200, res
    assert res["region"] == "eu-west-1" and res["instance_type"]
    assert res["script_launch_seconds"] > res["ami_launch_seconds"]
    assert "recommendation" in res
    status, body, _ = await api("ami/costs/python-ml", params={"region": "mars-1"})
    assert status == 400 and body["field"] == "region"
    status, body, _ = await api("ami/costs/nope")
    assert status == 404 and body["field"] == "template"


async def test_region_fallbacks(api: Any) -> None:
    """Every region with display name, continent and its ordered neighbours."""
    status, rows, _ = await api("regions/fallbacks")
    assert status == 200
    by_region = {row["region"]: row for row in rows}
    assert {"region", "display_name", "continent", "fallbacks"} <= set(rows[0])
    assert by_region["eu-west-1"]["fallbacks"][0] == "eu-west-2"
    assert len(rows) >= 20


async def test_templates_list_and_category(api: Any) -> None:
    """The catalogue, and a filter by category."""
    status, listing, _ = await api("templates")
    assert status == 200
    slugs = {t["slug"] for t in listing["templates"]}
    assert {"python-ml", "teaching-lab", "amazon-linux-2023"} <= slugs
    category = next(t["category"] for t in listing["templates"] if t["slug"] == "python-ml")
    status, some, _ = await api("templates", params={"category": category})
    assert status == 200
    assert {t["category"] for t in some["templates"]} == {category}
    assert "python-ml" in {t["slug"] for t in some["templates"]}


async def test_one_template(api: Any) -> None:
    """Template fields, path and warnings; 404 for an unknown slug."""
    status, loaded, _ = await api("templates/python-ml")
    assert status == 200
    assert loaded["template"]["slug"] == "python-ml" and loaded["template"]["ami_config"]
    assert loaded["path"].endswith("python-ml.yml") or loaded["path"].endswith("python-ml.yaml")
    assert isinstance(loaded["warnings"], list)
    status, body, _ = await api("templates/not-a-template")
    assert status == 404
    assert_error(body, "not_found", "template")


async def test_version_and_health(api: Any) -> None:
    """The handshake and the health answer (sandbox, no AWS calls)."""
    status, body, _ = await api("version")
    assert (status, body) == (200, {"version": __version__, "api": "v1"})
    status, body, _ = await api("health")
    assert (status, body) == (
        200,
        {"status": "ok", "sandbox": True, "aws": "sandbox", "region": "us-east-1", "problems": []},
    )


async def test_unknown_route_and_method_are_json(api: Any) -> None:
    """Tornado's own 404/405 under the API root are JSON error bodies too."""
    for path in ("nothing/here", "amis", "ami/resolve", ""):
        status, body, response = await api(path)
        assert status == 404, path
        assert response.headers["Content-Type"].startswith("application/json")
        assert_error(body, "not_found", None)
        assert "openapi.json" in body["message"]
    status, body, _ = await api("version", method="POST", body={})
    assert status == 405
    assert_error(body, "method_not_allowed", None)
