"""The institutional policy (CWS_POLICY_FILE) in the resolver: an image the policy denies is
refused in the fallback chain with the rule as the reason, and the next tier (or region) is
tried; an image named by the caller (`cws launch --ami`, a pin) is refused outright; edits to the
policy file apply to the next resolve; a broken policy file is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from resolver_world import AMAZON, CANONICAL, family, image_id

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.service import CwsService

TEMPLATE = {
    "t": f"""
    name: T
    ami_config:
      ami_mappings: {{eu-west-1: {image_id("ubuntu", "eu-west-1")}}}
      ami_search: {{owner: "{AMAZON}", name_pattern: "al-*"}}
      fallback_strategy: script_provisioning
"""
}


@pytest.fixture
def world(aws_world):  # noqa: ANN001, ANN201 - the resolver tests' moto world
    return aws_world(
        [
            family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1"),
            family("al", ["eu-west-1"], owner=AMAZON, name="al-{arch}-1"),
        ]
    )


def policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def test_a_denied_image_is_refused_in_the_chain_and_the_next_tier_answers(
    world, make_service, tmp_path: Path
) -> None:
    file = policy(tmp_path, f'allowed_owners: ["{AMAZON}"]\n')
    svc: CwsService = make_service(TEMPLATE, policy_file=file)
    res = svc.resolve("t", region="eu-west-1")
    assert res.resolution_method.value == "dynamic_search"
    assert res.ami_id == image_id("al", "eu-west-1")
    refused = res.fallback_chain[0]
    assert (refused.tier.value, refused.outcome.value) == ("direct_mapping", "refused")
    assert refused.ami_id == image_id("ubuntu", "eu-west-1")
    assert "denied by policy" in refused.reason and "allowed_owners" in refused.reason
    assert CANONICAL in refused.reason and str(file) in refused.reason


def test_without_a_policy_the_mapping_answers(world, make_service) -> None:
    res = make_service(TEMPLATE).resolve("t", region="eu-west-1")
    assert res.resolution_method.value == "direct_mapping"


def test_every_image_denied_falls_back_as_the_template_says(
    world, make_service, tmp_path: Path
) -> None:
    file = policy(tmp_path, "allowed_owners: ['111111111111']\n")
    res = make_service(TEMPLATE, policy_file=file).resolve("t", region="eu-west-1")
    assert res.ami_id is None and res.provisioning.value == "script"
    in_region = [a for a in res.fallback_chain if a.region == "eu-west-1"]
    assert {a.outcome.value for a in in_region} >= {"refused"}
    assert all("allowed_owners" in a.reason for a in in_region if a.outcome.value == "refused")


def test_an_image_named_by_the_caller_is_refused_with_the_rule(
    world, make_service, tmp_path: Path
) -> None:
    file = policy(tmp_path, f'allowed_owners: ["{AMAZON}"]\n')
    svc: CwsService = make_service(TEMPLATE, policy_file=file)
    loaded = svc.get_template("t")
    with pytest.raises(BadInput) as caught:
        svc.resolver.resolve_pinned(loaded, "eu-west-1", image_id("ubuntu", "eu-west-1"))
    assert "denied by policy" in caught.value.message
    assert "allowed_owners" in caught.value.message and caught.value.field == "ami"


def test_an_edited_policy_applies_to_the_next_resolve(world, make_service, tmp_path: Path) -> None:
    file = policy(tmp_path, f'allowed_owners: ["{AMAZON}"]\n')
    svc: CwsService = make_service(TEMPLATE, policy_file=file)
    assert svc.resolve("t", region="eu-west-1").resolution_method.value == "dynamic_search"
    file.write_text(f'allowed_owners: ["{AMAZON}", "{CANONICAL}"]  # Canonical approved\n')
    assert svc.resolve("t", region="eu-west-1").resolution_method.value == "direct_mapping"


def test_a_broken_policy_file_is_an_error_naming_it(world, make_service, tmp_path: Path) -> None:
    file = policy(tmp_path, "allowed_owners: [unclosed\n")
    with pytest.raises(BadInput) as caught:
        make_service(TEMPLATE, policy_file=file).resolve("t", region="eu-west-1")
    assert str(file) in caught.value.message


def test_a_missing_policy_file_is_an_error_not_an_open_door(
    world, make_service, tmp_path: Path
) -> None:
    with pytest.raises(BadInput) as caught:
        make_service(TEMPLATE, policy_file=tmp_path / "nope.yaml").resolve("t", region="eu-west-1")
    assert "nope.yaml" in caught.value.message
