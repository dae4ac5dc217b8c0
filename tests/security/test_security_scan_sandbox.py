"""Scans on the sandbox (moto over HTTP): the seeded world's look-alike Ubuntu image and its old
Amazon Linux 2 image, the lab's own unencrypted images, and an image this account made public."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_helpers import (
    ACCOUNT,
    REGION,
    SQUATTER,
    make_settings,
    register,
    world_image,
    write_policy,
)

from cws_jupyter.core.errors import BadInput, NotFound
from cws_jupyter.core.security.wiring import build_security, scanner_for
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox


def kinds(report: object) -> list[tuple[str, str]]:
    return [(f.id, f.severity) for f in report.findings]  # type: ignore[attr-defined]


def test_the_squatters_ubuntu_look_alike_is_critical(service: CwsService) -> None:
    ami = world_image(service, SQUATTER, "ubuntu/images/")
    report = build_security(service).scan(ami, REGION)
    assert report.owner_id == SQUATTER and report.owned_by_you is False
    assert kinds(report)[0] == ("owner-squatting", "critical")
    assert "possibly AMI squatting" in report.findings[0].message
    assert report.score <= 60
    assert report.notes == [
        "Inspector not available: the sandbox does not simulate Amazon Inspector"
    ]
    assert "inspector" not in report.checks  # not asked on the sandbox


def test_the_old_amazon_linux_2_image_is_very_old(service: CwsService) -> None:
    ami = world_image(service, "137112412989", "amzn2-ami-hvm-2.0.20200207")
    report = build_security(service).scan(ami, REGION)
    assert report.owner_alias == "amazon"
    assert kinds(report)[0] == ("age-very-old", "high")
    assert "was created 2020-02-07" in report.findings[0].message
    assert "owner-squatting" not in [f.id for f in report.findings]


def test_the_labs_own_image_is_unencrypted_and_allows_imdsv1(service: CwsService) -> None:
    ami = world_image(service, ACCOUNT, "cws-teaching-lab-")
    report = build_security(service).scan(ami)  # the configured region
    assert report.owned_by_you is True and report.region == REGION
    assert ("snapshots-unencrypted", "medium") in kinds(report)
    assert ("imdsv2-not-required", "medium") in kinds(report)
    assert not [f for f in report.findings if f.check in ("owner", "launch_permission")]


def test_an_image_you_made_public_is_a_high_public_finding(service: CwsService) -> None:
    ami = register(service, "sec-public-image", public=True)
    report = build_security(service).scan(ami, REGION)
    public = [f for f in report.findings if "public" in f.id]
    assert [(f.id, f.severity) for f in public] == [("launch-public", "high")]
    assert f"cws ami share {ami} all --remove --region {REGION}" in public[0].fix
    service.access.client("ec2", REGION).modify_image_attribute(
        ImageId=ami, LaunchPermission={"Remove": [{"Group": "all"}]}
    )
    again = build_security(service).scan(ami, REGION)
    assert not [f for f in again.findings if "public" in f.id]
    assert again.score > report.score


def test_bad_input_is_refused_before_aws(service: CwsService) -> None:
    scanner = build_security(service)
    with pytest.raises(BadInput) as bad_id:
        scanner.scan("ami-nothex!", REGION)
    assert bad_id.value.field == "ami_id" and "8 or 17 hex digits" in bad_id.value.message
    with pytest.raises(BadInput) as bad_region:
        scanner.scan("ami-0123456789abcdef0", "us-esat-1")
    assert (
        bad_region.value.field == "region" and "did you mean us-east-1" in bad_region.value.message
    )
    with pytest.raises(NotFound, match="does not exist in us-east-1"):
        scanner.scan("ami-0123456789abcdef0", REGION)


def test_a_configured_policy_judges_every_scan(
    service: CwsService, sec_home: Path, tmp_path: Path
) -> None:
    path = write_policy(tmp_path, "allowed_owners: [self, amazon]\nmax_age_days: 400\n")
    svc = CwsService(make_settings(sec_home, policy_file=path))
    scanner = scanner_for(svc)
    squatter = scanner.scan(world_image(service, SQUATTER, "ubuntu/images/"), REGION)
    assert squatter.policy_file == str(path)
    assert [v.rule for v in squatter.policy_violations] == ["allowed_owners"]
    lab = scanner.scan(world_image(service, ACCOUNT, "cws-teaching-lab-"), REGION)
    assert lab.policy_violations == []
    old = scanner.scan(world_image(service, "137112412989", "amzn2-ami-hvm-2.0.20200207"), REGION)
    assert [v.rule for v in old.policy_violations] == ["max_age_days"]

    path.write_text("allowed_owner: [self]\n", encoding="utf-8")  # broken: a note, not a failure
    broken = CwsService(make_settings(sec_home, policy_file=path))
    report = scanner_for(broken).scan(world_image(service, ACCOUNT, "cws-teaching-lab-"), REGION)
    assert report.policy_violations == []
    assert report.notes[-1].startswith(f"policy not checked: policy file {path}: allowed_owner")


def test_policy_check_of_several_images_says_which_are_denied(
    service: CwsService, tmp_path: Path
) -> None:
    path = write_policy(tmp_path, "name: lab\nallowed_owners: [self]\n")
    lab = world_image(service, ACCOUNT, "cws-teaching-lab-")
    squatter = world_image(service, SQUATTER, "ubuntu/images/")
    check = build_security(service).policy_check([lab, squatter, lab], REGION, policy_file=path)
    assert [(v.ami_id, v.allowed) for v in check.images] == [(lab, True), (squatter, False)]
    assert check.allowed is False and check.policy is not None and check.policy.name == "lab"
    none = build_security(service).policy_check([lab])
    assert none.policy is None and none.allowed is True
    assert none.notes == ["no policy configured (CWS_POLICY_FILE): every image is allowed"]
