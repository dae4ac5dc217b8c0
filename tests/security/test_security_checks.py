"""Each check of a scan, on images built in the test (no AWS): what it finds, how severe, the
fix it gives; and the score and recommendations made of the findings."""

from __future__ import annotations

import pytest
from security_helpers import ACCOUNT, CANONICAL, NOW, REGION, SQUATTER, image

from cws_jupyter.core.aws.images import AMIInfo
from cws_jupyter.core.security.checks import (
    ImageFacts,
    check_age,
    check_boot_mode,
    check_deprecation,
    check_encryption,
    check_imds,
    check_launch_permission,
    check_owner,
    check_state,
    run_checks,
)
from cws_jupyter.core.security.models import Finding
from cws_jupyter.core.security.publishers import imitated_publisher, publisher_table
from cws_jupyter.core.security.scoring import ALL_CLEAR, recommendations, score
from cws_jupyter.core.templates.models import TRUSTED_OWNERS

TRUSTED = frozenset(TRUSTED_OWNERS)
SQUAT_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20991231"


def facts(info: AMIInfo, owned: bool | None = False, **extra: object) -> ImageFacts:
    values: dict[str, object] = {
        "image": info,
        "now": NOW,
        "max_age_days": 365,
        "trusted": TRUSTED,
        "owned_by_caller": owned,
    }
    values.update(extra)
    return ImageFacts(**values)  # type: ignore[arg-type]


def ids(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.id, f.severity) for f in found]


# -- owner ----------------------------------------------------------------------------------------
def test_a_canonical_look_alike_from_another_account_is_squatting() -> None:
    found = check_owner(facts(image(name=SQUAT_NAME, owner_id=SQUATTER)))
    assert ids(found) == [("owner-squatting", "critical")]
    message, fix = found[0].message, found[0].fix
    assert SQUATTER in message and CANONICAL in message and "CVE-2018-15869" in message
    assert "Canonical" in message and "Do not launch it" in fix and "/aws/service/canonical" in fix


@pytest.mark.parametrize(
    "name, owner, alias",
    [
        (SQUAT_NAME, CANONICAL, None),  # Canonical's own
        ("al2023-ami-2023.9.20260101.0-kernel-6.1-x86_64", "137112412989", "amazon"),
        (
            "Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.8 (Ubuntu 24.04) 20260101",
            "898082745236",
            "amazon",
        ),
        ("debian-12-amd64-20260101-1234", "136693071363", None),  # a known, untrusted publisher
    ],
)
def test_a_publishers_own_image_is_not_squatting(name: str, owner: str, alias: str | None) -> None:
    found = check_owner(facts(image(name=name, owner_id=owner, owner_alias=alias)))
    assert "owner-squatting" not in [f.id for f in found]


def test_look_alikes_of_other_publishers_and_letter_case() -> None:
    for name in (
        "Deep Learning AMI GPU PyTorch 2.8 (Ubuntu 22.04) 20260101",
        "AL2023-AMI-2023.9.20260101.0-kernel-6.1-x86_64",
        "Rocky-9-EC2-Base-9.5-20260101.0.x86_64",
        "UBUNTU/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20260101",
    ):
        found = check_owner(facts(image(name=name, owner_id=SQUATTER)))
        assert ids(found) == [("owner-squatting", "critical")], name


def test_squatting_is_not_claimed_for_your_own_copy_or_an_owner_you_trust() -> None:
    copy = image(name=SQUAT_NAME, owner_id=ACCOUNT)
    assert check_owner(facts(copy, owned=True)) == []
    trusted = facts(image(name=SQUAT_NAME, owner_id=SQUATTER), trusted=TRUSTED | {SQUATTER})
    assert check_owner(trusted) == []


def test_an_unknown_owner_is_medium_and_a_known_publisher_low() -> None:
    stranger = check_owner(facts(image(name="my-lab-image", owner_id="210987654321")))
    assert ids(stranger) == [("owner-untrusted", "medium")]
    assert "CWS_TRUSTED_OWNERS=210987654321" in stranger[0].fix
    debian = check_owner(facts(image(name="debian-12-amd64-2026", owner_id="136693071363")))
    assert ids(debian) == [("owner-not-trusted", "low")] and "Debian" in debian[0].message
    canonical = check_owner(facts(image(name="anything", owner_id=CANONICAL)))
    assert canonical == []


def test_unknown_caller_account_is_judged_as_not_yours() -> None:
    found = check_owner(facts(image(name=SQUAT_NAME, owner_id=ACCOUNT), owned=None))
    assert ids(found) == [("owner-squatting", "critical")]


def test_the_publisher_table_has_its_source_and_a_pattern_each() -> None:
    table = publisher_table()
    assert table.source and table.as_of
    assert all(p.names and (p.owners or p.aliases) and p.official for p in table.publishers)
    assert imitated_publisher("cws-teaching-lab-1.4.0-x86_64-20261025") is None
    assert imitated_publisher("") is None


# -- state, age, deprecation ----------------------------------------------------------------------
def test_state() -> None:
    assert check_state(facts(image())) == []
    assert ids(check_state(facts(image(state="failed")))) == [("state-failed", "high")]
    assert ids(check_state(facts(image(state="pending")))) == [("state-pending", "info")]


@pytest.mark.parametrize(
    "created, expected",
    [
        ("2026-05-01T00:00:00.000Z", []),
        ("2025-06-01T00:00:00.000Z", []),  # 365 days: not older than the limit
        ("2025-05-01T00:00:00.000Z", [("age-old", "medium")]),
        ("2020-02-07T19:25:53.000Z", [("age-very-old", "high")]),
        ("", [("age-unknown", "info")]),
    ],
)
def test_age(created: str, expected: list[tuple[str, str]]) -> None:
    found = check_age(facts(image(creation_date=created)))
    assert ids(found) == expected
    if expected and expected[0][0] == "age-very-old":
        assert "2020-02-07" in found[0].message and "CWS_MAX_AMI_AGE_DAYS" in found[0].message


def test_age_fix_depends_on_whose_image_it_is() -> None:
    old = image(creation_date="2025-01-01T00:00:00.000Z")
    assert "cws ami create" in check_age(facts(old, owned=True))[0].fix
    assert "cws ami resolve" in check_age(facts(old))[0].fix


def test_deprecation() -> None:
    assert check_deprecation(facts(image())) == []
    past = check_deprecation(facts(image(deprecation_time="2026-01-01T00:00:00.000Z")))
    assert ids(past) == [("deprecated", "high")] and "2026-01-01" in past[0].message
    soon = check_deprecation(facts(image(deprecation_time="2026-07-01T00:00:00.000Z")))
    assert ids(soon) == [("deprecation-scheduled", "low")] and "in 30 days" in soon[0].message


# -- sharing, encryption, IMDS, boot mode ---------------------------------------------------------
def test_your_public_image_is_high_and_the_fix_names_the_commands() -> None:
    mine = image(owner_id=ACCOUNT)
    found = check_launch_permission(facts(mine, owned=True, launch_public=True))
    assert ids(found) == [("launch-public", "high")]
    fix = found[0].fix
    assert f"cws ami share {mine.ami_id} all --remove --region {REGION}" in fix
    assert f"aws ec2 modify-image-attribute --image-id {mine.ami_id}" in fix
    assert '"Remove=[{Group=all}]"' in fix


def test_public_flag_of_the_description_counts_when_the_permission_was_not_read() -> None:
    mine = image(owner_id=ACCOUNT, public=True)
    assert ids(check_launch_permission(facts(mine, owned=True))) == [("launch-public", "high")]
    private = facts(mine, owned=True, launch_public=False)  # the permission is the truth
    assert check_launch_permission(private) == []


def test_a_publishers_public_image_is_not_a_finding() -> None:
    theirs = image(owner_id=CANONICAL, public=True)
    assert check_launch_permission(facts(theirs, owned=False, launch_public=True)) == []
    assert check_launch_permission(facts(theirs, owned=None)) == []


def test_encryption() -> None:
    assert check_encryption(facts(image())) == []
    mine = check_encryption(facts(image(encrypted=False), owned=True))
    assert ids(mine) == [("snapshots-unencrypted", "medium")]
    assert "aws ec2 copy-image" in mine[0].fix and "--encrypted" in mine[0].fix
    theirs = check_encryption(facts(image(encrypted=False)))
    assert ids(theirs) == [("snapshots-unencrypted", "info")]
    assert ids(check_encryption(facts(image(encrypted=None)))) == [("encryption-unknown", "info")]


def test_imds() -> None:
    assert check_imds(facts(image())) == []
    mine = check_imds(facts(image(imds_support=None), owned=True))
    assert ids(mine) == [("imdsv2-not-required", "medium")]
    assert "--imds-support v2.0" in mine[0].fix
    assert ids(check_imds(facts(image(imds_support=None)))) == [("imdsv2-not-required", "low")]


def test_boot_mode() -> None:
    assert check_boot_mode(facts(image())) == []
    assert ids(check_boot_mode(facts(image(boot_mode="legacy-bios")))) == [
        ("boot-legacy-bios", "low")
    ]
    assert ids(check_boot_mode(facts(image(boot_mode=None)))) == [("boot-mode-unset", "info")]
    assert check_boot_mode(facts(image(boot_mode=None, architecture="arm64"))) == []


# -- score and advice -----------------------------------------------------------------------------
def test_a_clean_image_scores_100_with_the_all_clear() -> None:
    clean = image(owner_id=CANONICAL, name=SQUAT_NAME)
    found = run_checks(facts(clean))
    assert found == [] and score(found) == 100 and recommendations(found) == [ALL_CLEAR]


def test_score_subtracts_each_severity_and_floors_at_zero() -> None:
    def f(severity: str, source: str = "cws", id_: str = "x") -> Finding:
        return Finding(id=id_, severity=severity, check="age", message="m", fix="f", source=source)  # type: ignore[arg-type]

    assert score([f("critical"), f("high"), f("medium"), f("low"), f("info")]) == 20
    assert score([f("critical")] * 3) == 0
    many = [f("medium", "inspector", f"cve-{n}") for n in range(30)]
    assert score(many) == 90  # Inspector's findings weigh once per severity
    assert score([*many, f("critical", "inspector")]) == 50


def test_recommendations_follow_the_findings_most_severe_first() -> None:
    found = run_checks(
        facts(
            image(
                name=SQUAT_NAME,
                owner_id=SQUATTER,
                creation_date="2020-01-01T00:00:00.000Z",
                imds_support=None,
            )
        )
    )
    advice = recommendations(found)
    assert advice[0].startswith("Launch images only from your own account")
    assert any("Keep images current" in a for a in advice)
    assert len(advice) == len(set(advice))
