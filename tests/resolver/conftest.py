"""Fixtures: a moto-backed AWS account seeded with a small world, and a service over it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.sandbox import World
from cws_jupyter.core.service import CwsService


@pytest.fixture
def aws_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[dict[str, Any]]], World]]:
    """Within moto's in-process mock: seed a world given as families (world.yaml entries)."""
    from cws_jupyter.core.sandbox import seed

    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "CWS_SANDBOX"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    seed.disable_moto_defaults()
    seed.describe_images_like_aws()
    with mock_aws():

        def load(families: list[dict[str, Any]]) -> World:
            world = World.model_validate(
                {"source": "test world", "account_id": "123456789012", "families": families}
            )
            seed.seed_world(world)
            return world

        yield load


@pytest.fixture
def make_service(tmp_path: Path) -> Callable[..., CwsService]:
    """A service over the mocked account, with the given templates (slug -> YAML) on its path."""

    def build(templates: dict[str, str], cache_ttl: int = 3600, **settings: Any) -> CwsService:
        folder = tmp_path / "templates"
        folder.mkdir(exist_ok=True)
        for slug, text in templates.items():
            (folder / f"{slug}.yml").write_text(textwrap.dedent(text))
        config = Settings(
            region="us-east-1",
            template_path=[folder],
            user_template_dir=tmp_path / "user-templates",
            cache_dir=tmp_path / "cache",
            state_dir=tmp_path / "state",
            cache_ttl=cache_ttl,
            **settings,
        )
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        return CwsService(config, access=AwsAccess(session))

    return build
