"""The rest of the CLI's verbs over REST: template validation and schema, the sandbox, prices."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.sandbox


async def test_validate_reports_problems_in_the_answer(api: Any) -> None:
    """POST templates/validate: ok with warnings, or per-field errors; never a 400 for the template."""
    status, good, _ = await api(
        "templates/validate", method="POST", body={"template": "name: Lab\nminimum_size: M\n"}
    )
    assert status == 200 and good["ok"] and "minimum_size" in good["warnings"][0]
    status, bad, _ = await api(
        "templates/validate",
        method="POST",
        body={"template": "name: Lab\nami_config: {strategy: sometimes}\n", "origin": "lab.yml"},
    )
    assert status == 200 and not bad["ok"]
    assert bad["errors"][0].startswith("lab.yml: field 'ami_config.strategy'")


async def test_validate_rejects_a_malformed_request(api: Any) -> None:
    """A body without the template text is a 400 naming the field."""
    status, error, _ = await api("templates/validate", method="POST", body={"yaml": "name: x"})
    assert status == 400 and error["error"] == "bad_input"


async def test_template_schema(api: Any) -> None:
    """GET templates/schema: the editor schema, with the AMI config in it."""
    status, schema, _ = await api("templates/schema")
    assert status == 200 and "ami_config" in schema["properties"]


async def test_sandbox_status_start_and_unknown_action(api: Any) -> None:
    """GET sandbox and POST sandbox/start answer where it runs; an unknown action is a 404."""
    status, started, _ = await api("sandbox/start", method="POST", body="")
    assert status == 200 and started["running"] and started["sandbox"]["endpoint_url"]
    status, current, _ = await api("sandbox")
    assert status == 200 and current["sandbox"]["pid"] == started["sandbox"]["pid"]
    status, error, _ = await api("sandbox/explode", method="POST", body="")
    assert status in (400, 404) and error["error"] in ("bad_input", "not_found")


async def test_prices_refresh_on_the_sandbox_is_a_clear_409(api: Any) -> None:
    """The sandbox has no Pricing API: 409 unsupported, the shipped prices stay."""
    status, error, _ = await api("prices/refresh", method="POST", body="")
    assert status == 409 and error["error"] == "unsupported" and "Pricing API" in error["message"]
