"""Fixtures: services over one private sandbox per session (its own CWS_HOME), each test with a
template folder of its own, and workstations launched and imaged once for the tests that need them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from migration_helpers import CUSTOM_TEMPLATES, launch, make_settings, write_templates

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.images.models import ImageBuild
from cws_jupyter.core.sandbox import stop
from cws_jupyter.core.service import CwsService


@pytest.fixture(scope="session", autouse=True)
def _no_user_aws() -> Iterator[None]:
    """Keep the developer's AWS profile, endpoints and proxies out of the sandbox's clients (for
    the whole session: session fixtures launch and image workstations too)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in list(os.environ):
            if name.startswith(("AWS_", "CWS_")) or name.lower() in ("http_proxy", "https_proxy"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private CWS_HOME whose sandbox is stopped at the end of the session."""
    path = tmp_path_factory.mktemp("migration-cws-home")
    yield path
    stop(path / "state")


@pytest.fixture(scope="session")
def custom_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CWS_TEMPLATE_PATH folder with templates that have no ami_config."""
    return write_templates(tmp_path_factory.mktemp("custom-templates"), CUSTOM_TEMPLATES)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """This test's own user template folder (where migrated copies go)."""
    return tmp_path / "templates"


@pytest.fixture(scope="session")
def access(home: Path, tmp_path_factory: pytest.TempPathFactory) -> AwsAccess:
    """One connection to the session's sandbox (started here), shared by every test's service:
    its clients for all the regions are made once."""
    folder = tmp_path_factory.mktemp("access-templates")
    return AwsAccess.from_settings(make_settings(home, folder))


@pytest.fixture
def service(home: Path, user_dir: Path, access: AwsAccess) -> CwsService:
    """A service over the shared sandbox; only the shipped templates (and this test's copies)."""
    return CwsService(make_settings(home, user_dir), access=access)


@pytest.fixture
def custom_service(home: Path, user_dir: Path, custom_dir: Path, access: AwsAccess) -> CwsService:
    """A service that also sees the custom templates (CWS_TEMPLATE_PATH)."""
    return CwsService(make_settings(home, user_dir, template_path=[custom_dir]), access=access)


@pytest.fixture(scope="session")
def built(
    home: Path, tmp_path_factory: pytest.TempPathFactory, custom_dir: Path, access: AwsAccess
) -> dict[str, ImageBuild]:
    """Builds made once per session: ubuntu-24-desktop and field-notes imaged in eu-west-1."""
    folder = tmp_path_factory.mktemp("builder-templates")
    builder = CwsService(make_settings(home, folder, template_path=[custom_dir]), access=access)
    builds = {}
    for template, name in (("ubuntu-24-desktop", "desk-1"), ("field-notes", "field-1")):
        launch(builder, template, name)
        builds[template] = builder.images.create(template, name)
        assert builds[template].creation_status == "available"
    return builds
