"""Without the sandbox and without credentials: health says so, and AWS routes answer 503 JSON."""

from __future__ import annotations

from typing import Any

import pytest
from cws_server_support import server_config
from traitlets.config import Config


@pytest.fixture
def jp_server_config() -> Config:
    """The extension against 'real AWS' with no credentials anywhere."""
    return server_config(sandbox=False)


async def test_health_reports_unconfigured(api: Any) -> None:
    """No credentials in the chain: aws is 'unconfigured', sandbox false, and the server is
    degraded, with the reason and its fix (the sandbox, or configuring credentials)."""
    status, body, _ = await api("health")
    assert status == 200
    assert {k: body[k] for k in ("status", "sandbox", "aws")} == {
        "status": "degraded",
        "sandbox": False,
        "aws": "unconfigured",
    }
    assert len(body["problems"]) == 1 and "No AWS credentials" in body["problems"][0]
    assert "--sandbox" in body["problems"][0]


async def test_resolve_is_503_with_how_to_fix(api: Any) -> None:
    """The resolver needs AWS: 503 aws_unavailable, telling the user how to configure it."""
    status, body, _ = await api("ami/resolve/python-ml", params={"region": "eu-west-1"})
    assert status == 503
    assert body["error"] == "aws_unavailable" and "--sandbox" in body["message"]


async def test_template_routes_need_no_aws(api: Any) -> None:
    """Templates, costs and fallbacks work without any AWS access."""
    for path in ("templates", "templates/python-ml", "ami/costs/python-ml", "regions/fallbacks"):
        status, _, _ = await api(path)
        assert status == 200, path
