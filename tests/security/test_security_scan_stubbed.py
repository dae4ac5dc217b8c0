"""Scans on real-shaped AWS answers (botocore's Stubber checks every request and response against
the service models): what the sandbox cannot show. Amazon Inspector v2 (moto has no findings),
image deprecation, IMDSv2 and encryption flags, and ownership told by who may read an image's
launch permission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from security_helpers import CANONICAL, write_policy

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput, NotFound
from cws_jupyter.core.security import inspector as inspector_module
from cws_jupyter.core.security.inspector import inspector_findings
from cws_jupyter.core.security.wiring import build_security
from cws_jupyter.core.service import CwsService

REGION = "eu-west-1"
MINE = "123456789012"
AMI = "ami-0a1b2c3d4e5f60718"
SEEN = dt.datetime(2026, 5, 30, 8, 0, tzinfo=dt.timezone.utc)
FILTER = {
    "filterCriteria": {
        "ec2InstanceImageId": [{"comparison": "EQUALS", "value": AMI}],
        "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
    },
    "sortCriteria": {"field": "SEVERITY", "sortOrder": "DESC"},
    "maxResults": 100,
}


@dataclass
class Stubbed:
    service: CwsService
    ec2: Stubber
    sts: Stubber
    inspector: Stubber


@pytest.fixture
def stubbed(tmp_path: Path) -> Iterator[Stubbed]:
    """A service (not the sandbox) whose EC2, STS and Inspector clients are stubbed."""
    session = boto3.Session(
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=REGION
    )
    access = AwsAccess(session)
    settings = Settings(
        region=REGION,
        cache_dir=tmp_path / "cache",
        state_dir=tmp_path / "state",
        user_template_dir=tmp_path / "templates",
        policy_file=None,
    )
    ec2 = Stubber(access.client("ec2", REGION))
    sts = Stubber(access.client("sts", REGION))
    inspector = Stubber(access.client("inspector2", REGION))
    with ec2, sts, inspector:
        yield Stubbed(CwsService(settings, access=access), ec2, sts, inspector)
    ec2.assert_no_pending_responses()
    sts.assert_no_pending_responses()
    inspector.assert_no_pending_responses()


def an_image(owner: str = CANONICAL, **extra: Any) -> dict[str, Any]:
    """A DescribeImages item as EC2 returns it: current, encrypted, IMDSv2, UEFI."""
    item = {
        "ImageId": AMI,
        "Name": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260520",
        "OwnerId": owner,
        "State": "available",
        "Architecture": "x86_64",
        "CreationDate": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"
        ),
        "Public": owner == CANONICAL,
        "RootDeviceName": "/dev/sda1",
        "BootMode": "uefi-preferred",
        "ImdsSupport": "v2.0",
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/sda1",
                "Ebs": {"SnapshotId": "snap-0a1b2c3d4e5f60718", "VolumeSize": 8, "Encrypted": True},
            }
        ],
    }
    item.update(extra)
    return item


def expect_image(stub: Stubbed, item: dict[str, Any]) -> None:
    stub.ec2.add_response(
        "describe_images", {"Images": [item]}, {"ImageIds": [AMI], "IncludeDeprecated": True}
    )


def expect_caller(stub: Stubbed) -> None:
    stub.sts.add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": MINE, "Arn": f"arn:aws:iam::{MINE}:user/lab"},
        {},
    )


def a_finding(
    cve: str, severity: str, instance: str, package: str = "openssl", fixed: str | None = "3.0.13"
) -> dict[str, Any]:
    """A ListFindings item as Inspector v2 returns it (a package vulnerability on an instance)."""
    vulnerable: dict[str, Any] = {"name": package, "version": "3.0.2", "packageManager": "OS"}
    if fixed:
        vulnerable["fixedInVersion"] = fixed
    return {
        "findingArn": f"arn:aws:inspector2:{REGION}:{MINE}:finding/{cve.lower()}-{instance}",
        "awsAccountId": MINE,
        "type": "PACKAGE_VULNERABILITY",
        "title": f"{cve} - {package}",
        "description": f"A flaw in {package}.",
        "remediation": {"recommendation": {"text": f"Upgrade {package}."}},
        "severity": severity,
        "firstObservedAt": SEEN,
        "lastObservedAt": SEEN,
        "status": "ACTIVE",
        "inspectorScore": {"CRITICAL": 9.8, "HIGH": 7.5, "MEDIUM": 5.3}.get(severity, 2.0),
        "fixAvailable": "YES" if fixed else "NO",
        "resources": [
            {
                "type": "AWS_EC2_INSTANCE",
                "id": instance,
                "partition": "aws",
                "region": REGION,
                "details": {"awsEc2Instance": {"imageId": AMI, "type": "t3.medium"}},
            }
        ],
        "packageVulnerabilityDetails": {
            "vulnerabilityId": cve,
            "source": "UBUNTU_CVE",
            "vulnerablePackages": [vulnerable],
        },
    }


# -- Inspector ------------------------------------------------------------------------------------
def test_inspector_findings_across_pages_one_per_cve(stubbed: Stubbed) -> None:
    client = stubbed.service.access.client("inspector2", REGION)
    stubbed.inspector.add_response(
        "list_findings",
        {
            "findings": [
                a_finding(
                    "CVE-2024-6387", "CRITICAL", "i-0aaa", "openssh-server", "1:9.6p1-3ubuntu13.3"
                ),
                a_finding("CVE-2024-0727", "MEDIUM", "i-0aaa"),
            ],
            "nextToken": "page-2",
        },
        FILTER,
    )
    stubbed.inspector.add_response(
        "list_findings",
        {
            "findings": [
                a_finding(
                    "CVE-2024-6387", "CRITICAL", "i-0bbb", "openssh-server", "1:9.6p1-3ubuntu13.3"
                ),
                a_finding("CVE-2025-0001", "LOW", "i-0bbb", "zlib", None),
            ]
        },
        {**FILTER, "nextToken": "page-2"},
    )
    result = inspector_findings(lambda: client, AMI, REGION)
    assert [(f.id, f.severity) for f in result.findings] == [
        ("inspector-cve-2024-6387", "critical"),
        ("inspector-cve-2024-0727", "medium"),
        ("inspector-cve-2025-0001", "low"),
    ]
    first = result.findings[0]
    assert first.source == "inspector" and first.check == "inspector"
    assert f"on 2 instance(s) launched from {AMI}" in first.message
    assert "Update openssh-server to 1:9.6p1-3ubuntu13.3" in first.fix
    assert "Upgrade openssh-server" in first.fix and "cws ami create" in first.fix
    assert "No fixed version is published yet" in result.findings[2].fix
    assert result.notes == []


def test_more_findings_than_listed_are_counted_in_a_note(
    stubbed: Stubbed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inspector_module, "MAX_LISTED", 2)
    client = stubbed.service.access.client("inspector2", REGION)
    stubbed.inspector.add_response(
        "list_findings",
        {"findings": [a_finding(f"CVE-2024-000{n}", "HIGH", "i-0aaa") for n in range(5)]},
        FILTER,
    )
    result = inspector_findings(lambda: client, AMI, REGION)
    assert len(result.findings) == 2
    assert result.notes == [
        "3 more Inspector finding(s) not listed here: see Amazon Inspector in the AWS console"
    ]


@pytest.mark.parametrize(
    "code, words",
    [
        ("AccessDeniedException", "not enabled for this account in eu-west-1"),
        ("ValidationException", "Invoking account does not have access"),
        ("ThrottlingException", "(ThrottlingException)"),
    ],
)
def test_inspector_refusing_is_a_note_not_an_error(stubbed: Stubbed, code: str, words: str) -> None:
    client = stubbed.service.access.client("inspector2", REGION)
    stubbed.inspector.add_client_error(
        "list_findings",
        service_error_code=code,
        service_message="Invoking account does not have access to Inspector",
        http_status_code=403 if code.startswith("Access") else 400,
        expected_params=FILTER,
    )
    result = inspector_findings(lambda: client, AMI, REGION)
    assert result.findings == []
    assert len(result.notes) == 1 and result.notes[0].startswith("Inspector not available: ")
    assert words in result.notes[0]


def test_an_inspector_endpoint_that_is_not_there_is_a_note() -> None:
    def no_endpoint() -> Any:
        raise EndpointConnectionError(endpoint_url="https://inspector2.eu-south-9.amazonaws.com/")

    result = inspector_findings(no_endpoint, AMI, "eu-south-9")
    assert result.findings == [] and "Could not connect" in result.notes[0]


# -- whole scans ----------------------------------------------------------------------------------
def test_a_current_encrypted_imdsv2_publisher_image_scores_100(stubbed: Stubbed) -> None:
    expect_image(stubbed, an_image())
    expect_caller(stubbed)
    stubbed.inspector.add_response("list_findings", {"findings": []}, FILTER)
    report = build_security(stubbed.service).scan(AMI)
    assert report.region == REGION and report.owner_id == CANONICAL
    assert report.owned_by_you is False
    assert report.findings == [] and report.score == 100
    assert report.checks[-1] == "inspector"
    assert report.notes == [
        f"Amazon Inspector has no active findings on instances launched from {AMI} in "
        f"{REGION} (it scans running instances, not the image itself)"
    ]


def test_your_deprecated_public_image_with_inspector_findings(stubbed: Stubbed) -> None:
    item = an_image(
        MINE,
        Name="cws-python-ml-20250101-101500",
        DeprecationTime="2026-01-01T00:00:00.000Z",
        Public=False,
    )
    del item["ImdsSupport"]
    item["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] = False
    expect_image(stubbed, item)
    expect_caller(stubbed)
    stubbed.ec2.add_response(
        "describe_image_attribute",
        {"ImageId": AMI, "LaunchPermissions": [{"Group": "all"}, {"UserId": "210987654321"}]},
        {"ImageId": AMI, "Attribute": "launchPermission"},
    )
    stubbed.inspector.add_response(
        "list_findings", {"findings": [a_finding("CVE-2024-6387", "HIGH", "i-0aaa")]}, FILTER
    )
    report = build_security(stubbed.service).scan(AMI, REGION)
    assert report.owned_by_you is True
    assert [(f.id, f.severity) for f in report.findings] == [
        ("deprecated", "high"),
        ("launch-public", "high"),
        ("inspector-cve-2024-6387", "high"),
        ("snapshots-unencrypted", "medium"),
        ("imdsv2-not-required", "medium"),
    ]
    assert report.score == 100 - 25 - 25 - 25 - 10 - 10
    assert report.counts() == {"critical": 0, "high": 3, "medium": 2, "low": 0, "info": 0}
    assert any("Keep your images private" in r for r in report.recommendations)


def test_ownership_is_told_by_the_launch_permission_when_sts_refuses(stubbed: Stubbed) -> None:
    expect_image(stubbed, an_image("210987654321", Name="lab-image", Public=True))
    stubbed.sts.add_client_error(
        "get_caller_identity", service_error_code="AccessDenied", http_status_code=403
    )
    stubbed.ec2.add_client_error(
        "describe_image_attribute",
        service_error_code="AuthFailure",
        service_message="Not authorized for image",
        http_status_code=400,
        expected_params={"ImageId": AMI, "Attribute": "launchPermission"},
    )
    stubbed.inspector.add_response("list_findings", {"findings": []}, FILTER)
    report = build_security(stubbed.service).scan(AMI)
    assert report.owned_by_you is False
    assert [f.id for f in report.findings] == ["owner-untrusted"]  # public, but not yours


def test_inspector_not_enabled_still_scans(stubbed: Stubbed) -> None:
    expect_image(stubbed, an_image(BootMode="legacy-bios"))
    expect_caller(stubbed)
    stubbed.inspector.add_client_error(
        "list_findings",
        service_error_code="AccessDeniedException",
        service_message="Inspector is not enabled",
        http_status_code=403,
    )
    report = build_security(stubbed.service).scan(AMI)
    assert [f.id for f in report.findings] == ["boot-legacy-bios"] and report.score == 95
    assert report.checks[-1] == "inspector"
    assert report.notes[0].startswith("Inspector not available: Amazon Inspector is not enabled")


def test_an_image_that_is_not_there(stubbed: Stubbed) -> None:
    stubbed.ec2.add_client_error(
        "describe_images",
        service_error_code="InvalidAMIID.NotFound",
        service_message=f"The image id '[{AMI}]' does not exist",
        http_status_code=400,
    )
    with pytest.raises(NotFound) as caught:
        build_security(stubbed.service).scan(AMI)
    assert caught.value.field == "ami_id" and f"{AMI} does not exist in {REGION}" in str(
        caught.value
    )


def test_policy_check_judges_the_image_against_the_file(stubbed: Stubbed, tmp_path: Path) -> None:
    path = write_policy(tmp_path, "allowed_owners: [amazon]\nrequire_encrypted: true\n")
    item = an_image()
    item["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] = False
    expect_image(stubbed, item)
    expect_caller(stubbed)
    check = build_security(stubbed.service).policy_check([AMI], policy_file=path)
    assert check.allowed is False and check.policy is not None
    assert check.policy.file == str(path)
    verdict = check.images[0]
    assert (verdict.ami_id, verdict.region, verdict.allowed) == (AMI, REGION, False)
    assert [v.rule for v in verdict.violations] == ["allowed_owners", "require_encrypted"]
    assert verdict.violations[0].message == (
        f"owner {CANONICAL} is not in allowed_owners (policy {path})"
    )


def test_policy_check_refuses_bad_ids_before_any_aws_call(stubbed: Stubbed) -> None:
    with pytest.raises(BadInput) as caught:
        build_security(stubbed.service).policy_check(["ami-xyz"])
    assert caught.value.field == "ami_id"
