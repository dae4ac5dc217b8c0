"""Verification of submissions against EC2 (the project's moto sandbox over HTTP; a Stubber
for deprecation, which moto lacks): verified only when the bound account owns every image;
otherwise stored unverified with the reason, never dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cws_testing import scrub_aws_env
from registry_support import Api, LiveServer, submission

from cws_jupyter.core.aws.isolated import isolated_session
from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.registry import CommunityRegistry, Ec2Verifier, Verification
from cws_jupyter.core.registry.verify import NO_ACCOUNT
from cws_jupyter.core.sandbox import SANDBOX_CREDENTIALS, SandboxInfo, ensure_running, stop

AMIS = "/api/v1/community/amis"
OTHER_ACCOUNT = "111122223333"


@pytest.fixture(autouse=True)
def _no_user_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    scrub_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """The project's sandbox (a moto server) for this module."""
    state = tmp_path_factory.mktemp("registry-sandbox")
    info = ensure_running(state)
    yield info
    stop(state)


def _access(endpoint: str, **patience: Any) -> AwsAccess:
    return AwsAccess(
        factory=lambda: isolated_session("us-east-1", SANDBOX_CREDENTIALS),
        endpoint_url=endpoint,
        label="sandbox",
        **patience,
    )


@pytest.fixture(scope="module")
def images(sandbox: SandboxInfo) -> dict[str, str]:
    """Two images owned by the sandbox's account: {region: image_id}."""
    made = {}
    for region in ("eu-west-1", "us-east-1"):
        ec2 = boto3.client(
            "ec2", region_name=region, endpoint_url=sandbox.endpoint_url, **SANDBOX_CREDENTIALS
        )
        made[region] = ec2.register_image(
            Name=f"registry-test-{region}",
            RootDeviceName="/dev/sda1",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}],
        )["ImageId"]
    return made


@pytest.fixture
def aws_registry(open_registry, sandbox: SandboxInfo) -> CommunityRegistry:
    """A registry whose verifier asks the sandbox (through AwsAccess, built on first use)."""
    built: list[AwsAccess] = []

    def factory() -> AwsAccess:
        built.append(_access(sandbox.endpoint_url))
        return built[-1]

    registry = open_registry(verifier=Ec2Verifier(factory))
    assert not built  # nothing of AWS is built before a submission needs it
    return registry


def _body(regions: dict[str, str]) -> dict[str, Any]:
    body = submission(0)
    body["regions"] = regions
    return body


def test_verified_when_the_bound_account_owns_every_image(
    aws_registry: CommunityRegistry, sandbox: SandboxInfo, images: dict[str, str]
) -> None:
    aws_registry.create_token("alice", sandbox.account_id)
    record = aws_registry.submit("alice", _body(images))
    assert record.verified is True
    assert sandbox.account_id in (record.verification or "")
    assert aws_registry.browse().items[0].verified is True


def test_unverified_when_another_account_owns_the_images(
    aws_registry: CommunityRegistry, sandbox: SandboxInfo, images: dict[str, str]
) -> None:
    aws_registry.create_token("mallory", OTHER_ACCOUNT)
    record = aws_registry.submit("mallory", _body(images))
    assert record.verified is False
    note = record.verification or ""
    assert f"owned by {sandbox.account_id}, not by your account {OTHER_ACCOUNT}" in note
    assert aws_registry.details(record.ami_id).ami_id == record.ami_id  # stored all the same


def test_unverified_when_an_image_is_missing(
    aws_registry: CommunityRegistry, sandbox: SandboxInfo, images: dict[str, str]
) -> None:
    aws_registry.create_token("alice", sandbox.account_id)
    claimed = {"eu-west-1": images["eu-west-1"], "us-west-2": "ami-0123456789abcdef0"}
    record = aws_registry.submit("alice", _body(claimed))
    assert record.verified is False
    assert "us-west-2: ami-0123456789abcdef0 does not exist in us-west-2" in (
        record.verification or ""
    )
    assert "eu-west-1" not in (record.verification or "")  # that one was fine


def test_unverified_without_a_bound_account(
    aws_registry: CommunityRegistry, images: dict[str, str]
) -> None:
    aws_registry.create_token("bob")
    record = aws_registry.submit("bob", _body(images))
    assert record.verified is False and record.verification == NO_ACCOUNT


def test_unverified_when_aws_is_unreachable(open_registry, images: dict[str, str]) -> None:
    access = _access("http://127.0.0.1:9", connect_timeout=0.5, read_timeout=0.5, max_attempts=1)
    registry = open_registry(verifier=Ec2Verifier(lambda: access))
    registry.create_token("alice", "123456789012")
    record = registry.submit("alice", _body(images))
    assert record.verified is False
    assert "AWS could not check" in (record.verification or "")
    assert registry.browse().total == 1


def test_unverified_when_an_image_is_deprecated() -> None:
    """moto has no deprecation: a stubbed DescribeImages answer in AWS's shape."""
    client = boto3.client(
        "ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    past = datetime.now(timezone.utc) - timedelta(days=3)
    with Stubber(client) as stub:
        stub.add_response(
            "describe_images",
            {
                "Images": [
                    {
                        "ImageId": "ami-0123456789abcdef0",
                        "OwnerId": "123456789012",
                        "State": "available",
                        "DeprecationTime": past.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    }
                ]
            },
            {
                "ImageIds": ["ami-0123456789abcdef0"],
                "Owners": ["123456789012"],
                "IncludeDeprecated": True,
            },
        )
        found = Ec2Verifier(client_for=lambda region: client).verify(
            "123456789012", {"eu-west-1": "ami-0123456789abcdef0"}
        )
    assert found.verified is False
    assert "is deprecated" in found.note


def test_submission_over_http_is_verified_off_the_event_loop(open_registry, users) -> None:
    """While a submission's check waits on AWS, the server still answers other requests."""
    started, release = threading.Event(), threading.Event()

    class SlowVerifier:
        def verify(self, account_id: str | None, images: dict[str, str]) -> Verification:
            started.set()
            assert release.wait(30)
            return Verification(verified=True, note="verified: slowly")

    registry = open_registry(verifier=SlowVerifier())
    token = registry.create_token("alice", "123456789012").token
    with LiveServer(registry) as live:
        api = Api(live.url)
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(api.fork().post, AMIS, submission(1), token)
            assert started.wait(30)
            assert api.get("/health").status_code == 200  # the loop is free meanwhile
            assert api.get(AMIS).json()["total"] == 0
            release.set()
            answer = pending.result(30)
    assert answer.status_code == 201 and answer.json()["verified"] is True


def test_the_real_verifier_is_built_lazily(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`aws_verifier()` builds no session until it checks an image."""
    from cws_jupyter.core.registry import aws_verifier

    verifier = aws_verifier()
    assert verifier._access is None  # noqa: SLF001
    outcome = verifier.verify(None, {"eu-west-1": "ami-0123456789abcdef0"})
    assert outcome.note == NO_ACCOUNT and verifier._access is None  # noqa: SLF001
