"""A long-lived service (a Jupyter kernel) follows the sandbox when another process restarts it."""

from __future__ import annotations

import pytest

from cws_jupyter.core.config import Settings
from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox


def test_service_survives_a_sandbox_restart(tmp_path, monkeypatch):
    """Stop the sandbox behind the service's back: the next call starts and uses a new one."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings = Settings(
        sandbox=True,
        state_dir=tmp_path / "state",
        cache_dir=tmp_path / "cache",
        user_template_dir=tmp_path / "user",
        cache_ttl=0,
    )
    service = CwsService(settings)
    try:
        first = service.resolve("python-ml", region="eu-west-1")
        old_endpoint = service.access.endpoint_url
        assert stop(settings.state_dir)  # as `cws sandbox stop` in a terminal would
        again = service.resolve("python-ml", region="eu-west-1")
        assert again.ami_id == first.ami_id
        assert service.access.endpoint_url != old_endpoint
    finally:
        stop(settings.state_dir)
