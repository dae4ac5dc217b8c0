"""The spec's resolver scenarios (TestAMIResolver_*) and the safety rules, against moto."""

from __future__ import annotations

import pytest
from resolver_world import AMAZON, CANONICAL, COMMUNITY, family, image_id

from cws_jupyter.core.errors import BadInput, NotFound, ResolutionFailed

UBUNTU_SEARCH = f'ami_search: {{owner: "{CANONICAL}", name_pattern: "ubuntu-*"}}'


def test_direct_mapping(aws_world, make_service):
    """TestAMIResolver_DirectMapping: a mapped AMI that exists wins, verified with one call."""
    aws_world([family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1")])
    mapped = image_id("ubuntu", "eu-west-1")
    svc = make_service(
        {
            "t": f"""
        name: T
        ami_config:
          ami_mappings: {{eu-west-1: {mapped}}}
    """
        }
    )
    res = svc.resolve("t", region="eu-west-1")
    assert res.resolution_method.value == "direct_mapping"
    assert res.ami_id == mapped
    assert res.ami.owner_id == CANONICAL and res.ami.region == "eu-west-1"
    assert res.aws_calls == 1
    assert [a.outcome.value for a in res.fallback_chain] == ["hit"]


def test_direct_mapping_gone_warns_and_falls_through(aws_world, make_service):
    """A mapped AMI that no longer exists is a warning, and the next tier runs."""
    aws_world([family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1")])
    svc = make_service(
        {
            "t": f"""
        name: T
        ami_config:
          ami_mappings: {{eu-west-1: ami-0123456789abcdef0}}
          {UBUNTU_SEARCH}
    """
        }
    )
    res = svc.resolve("t", region="eu-west-1")
    assert res.resolution_method.value == "dynamic_search"
    assert res.ami_id == image_id("ubuntu", "eu-west-1")
    assert any("ami-0123456789abcdef0" in w and "no longer exists" in w for w in res.warnings)
    first = res.fallback_chain[0]
    assert (first.tier.value, first.outcome.value) == ("direct_mapping", "miss")


def test_legacy_per_architecture_mapping(aws_world, make_service):
    """CloudWorkstation v0.5's `amis: {region: {arch: ami}}` is honoured per architecture."""
    aws_world([family("al", ["us-east-1"], architectures=["x86_64", "arm64"], owner=AMAZON)])
    x86, arm = image_id("al", "us-east-1", "x86_64"), image_id("al", "us-east-1", "arm64")
    svc = make_service(
        {
            "t": f"""
        name: T
        ami_config:
          amis: {{us-east-1: {{x86_64: {x86}, arm64: {arm}}}}}
    """
        }
    )
    assert svc.resolve("t", region="us-east-1", architecture="arm64").ami_id == arm
    res = svc.resolve("t", region="us-east-1", architecture="x86_64")
    assert res.ami_id == x86 and res.instance_type == "t3.medium"


def test_ssm_parameter(aws_world, make_service):
    """The SSM public parameter names the AMI; one GetParameters + one DescribeImages."""
    param = (
        "/aws/service/canonical/ubuntu/server/24.04/stable/current/{arch_deb}/hvm/ebs-gp3/ami-id"
    )
    aws_world(
        [family("noble", ["us-west-2"], architectures=["x86_64", "arm64"], ssm_parameter=param)]
    )
    svc = make_service(
        {
            "t": """
        name: T
        ami_config:
          ssm_parameter:
            x86_64: /aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id
            arm64: /aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id
    """
        }
    )
    res = svc.resolve("t", region="us-west-2", architecture="arm64")
    assert res.resolution_method.value == "ssm_parameter"
    assert res.ami_id == image_id("noble", "us-west-2", "arm64")
    assert res.ami.architecture == "arm64" and res.instance_type == "t4g.medium"
    assert res.aws_calls == 4  # own builds (2, side by side), GetParameters, DescribeImages


def test_dynamic_search_newest_wins_with_deterministic_tie_break(aws_world, make_service):
    """TestAMIResolver_DynamicSearch: newest CreationDate wins; equal dates break on the id."""
    aws_world(
        [
            family("old", ["us-east-1"], name="ubuntu-old", creation_date="2026-01-01T00:00:00Z"),
            family(
                "new-a", ["us-east-1"], name="ubuntu-new-a", creation_date="2026-10-01T00:00:00Z"
            ),
            family(
                "new-b", ["us-east-1"], name="ubuntu-new-b", creation_date="2026-10-01T00:00:00Z"
            ),
            family(
                "squat",
                ["us-east-1"],
                owner="666666666666",
                name="ubuntu-evil",
                creation_date="2026-11-01T00:00:00Z",
            ),
        ]
    )
    svc = make_service({"t": f"name: T\nami_config:\n  {UBUNTU_SEARCH}"})
    res = svc.resolve("t", region="us-east-1")
    expected = min(image_id("new-a", "us-east-1"), image_id("new-b", "us-east-1"))
    assert res.resolution_method.value == "dynamic_search"
    assert res.ami_id == expected
    assert res.ami.owner_id == CANONICAL  # the newer look-alike of another owner is never seen


def test_dynamic_search_honours_tags_version_date_and_architecture(aws_world, make_service):
    """required_tags, version_tag, min_creation_date and the architecture preference all filter."""
    tags = {"Template": "lab", "Version": "2.0"}
    aws_world(
        [
            family(
                "lab-v1",
                ["us-east-1"],
                owner=COMMUNITY,
                name="lab-1",
                tags={"Template": "lab", "Version": "1.0"},
                creation_date="2026-11-01T00:00:00Z",
            ),
            family(
                "lab-v2",
                ["us-east-1"],
                owner=COMMUNITY,
                name="lab-2",
                tags=tags,
                architectures=["x86_64", "arm64"],
                creation_date="2026-09-01T00:00:00Z",
            ),
            family(
                "lab-ancient",
                ["us-east-1"],
                owner=COMMUNITY,
                name="lab-0",
                tags=tags,
                creation_date="2023-01-01T00:00:00Z",
            ),
            family(
                "other",
                ["us-east-1"],
                owner=COMMUNITY,
                name="lab-x",
                tags={"Template": "other", "Version": "2.0"},
                creation_date="2026-11-20T00:00:00Z",
            ),
        ]
    )
    svc = make_service(
        {
            "t": f"""
        name: T
        ami_config:
          preferred_architecture: arm64
          ami_search:
            owner: "{COMMUNITY}"
            version_tag: "2.0"
            min_creation_date: 2024-01-01
            required_tags: {{Template: lab}}
            architecture: [arm64, x86_64]
    """
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.ami_id == image_id("lab-v2", "us-east-1", "arm64")
    assert res.architecture == "arm64" and res.instance_type.startswith("t4g.")
    assert any("not a trusted publisher" in w for w in res.warnings)


def test_search_without_owner_is_refused_loudly(aws_world, make_service):
    """AMI squatting (CVE-2018-15869): a search with no owner never picks a public image."""
    aws_world([family("squat", ["us-east-1"], owner="666666666666", name="ubuntu-evil")])
    svc = make_service(
        {
            "t": """
        name: T
        packages: {system: [git]}
        ami_config:
          ami_search: {name_pattern: "ubuntu-*"}
    """
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.ami_id is None
    step = next(a for a in res.fallback_chain if a.tier.value == "dynamic_search")
    assert step.outcome.value == "refused"
    assert any("CVE-2018-15869" in w for w in res.warnings)


def test_marketplace_by_product_code(aws_world, make_service):
    """Marketplace images are found by product code among aws-marketplace's images."""
    aws_world(
        [
            family(
                "rstudio",
                ["us-east-1"],
                owner="679593333241",
                owner_alias="aws-marketplace",
                name="RStudio 2025.09.1-{arch}",
                product_code="4r7bvf6ufc7n9l7xmsjkp3h2d",
            )
        ]
    )
    svc = make_service(
        {
            "t": """
        name: T
        ami_config:
          marketplace_search: {product_code: 4r7bvf6ufc7n9l7xmsjkp3h2d, version_constraint: ">=2025.1"}
    """
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.resolution_method.value == "marketplace"
    assert res.ami_id == image_id("rstudio", "us-east-1")
    assert "subscription is not checked" in res.fallback_chain[-1].reason


def test_old_image_warns(aws_world, make_service):
    """An image older than the age limit is used, with a warning saying how old it is."""
    aws_world(
        [
            family(
                "amzn2",
                ["us-east-1"],
                owner=AMAZON,
                name="ubuntu-2020",
                creation_date="2020-02-07T00:00:00Z",
            )
        ]
    )
    svc = make_service(
        {
            "t": f"name: T\nami_config:\n  ami_search: {{owner: '{AMAZON}', name_pattern: 'ubuntu-*'}}"
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.ami_id == image_id("amzn2", "us-east-1")
    assert any("older than 365 days" in w for w in res.warnings)


def test_arm64_ami_never_paired_with_x86_instance_type(aws_world, make_service):
    """The template's x86 instance type is swapped for a Graviton one when the AMI is arm64."""
    aws_world([family("ubuntu", ["us-east-1"], architectures=["arm64"], name="ubuntu-{arch}")])
    svc = make_service(
        {
            "t": f"""
        name: T
        instance_defaults: {{type: m6i.large}}
        ami_config:
          {UBUNTU_SEARCH}
          preferred_architecture: arm64
    """
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.ami.architecture == "arm64"
    assert res.instance_type == "m7g.large"
    assert any("m6i.large is x86_64" in w for w in res.warnings)


def test_bad_inputs_are_clear_errors(aws_world, make_service):
    """Unknown template -> NotFound; bad region/strategy/arch -> BadInput naming the field."""
    aws_world([])
    svc = make_service({"t": "name: T"})
    with pytest.raises(NotFound, match="no template named 'nope'"):
        svc.resolve("nope")
    with pytest.raises(BadInput, match="eu-west-9") as err:
        svc.resolve("t", region="eu-west-9")
    assert err.value.field == "region"
    with pytest.raises(BadInput, match="ami_sometimes") as err:
        svc.resolve("t", region="us-east-1", strategy="ami_sometimes")
    assert err.value.field == "strategy"
    with pytest.raises(BadInput) as err:
        svc.resolve("t", region="us-east-1", architecture="sparc")
    assert err.value.field == "architecture"
    assert not issubclass(ResolutionFailed, BadInput)


def test_base_image_gets_the_template_installed_on_it(aws_world, make_service):
    """A plain OS image found for a template with packages: the answer adds the first-boot script."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    svc = make_service(
        {
            "t": f"""
        name: T
        packages: {{system: [xfce4, xrdp]}}
        ami_config:
          {UBUNTU_SEARCH}
    """
        }
    )
    res = svc.resolve("t", region="us-east-1")
    assert res.ami_id == image_id("ubuntu", "us-east-1")
    assert res.provisioning.value == "ami_plus_script"
    assert "xrdp" in res.user_data
    assert res.estimated_launch_time == res.cost_comparison.script_launch_seconds


def test_image_built_for_the_template_needs_no_provisioning(aws_world, make_service):
    """An image tagged Template=<slug> already holds the software; only the template's extras run."""
    aws_world(
        [family("lab", ["us-east-1"], owner=COMMUNITY, name="lab-{arch}", tags={"Template": "lab"})]
    )
    svc = make_service(
        {
            "lab": f"""
        name: Lab
        packages: {{conda: [jupyterlab]}}
        ami_config:
          ami_search: {{owner: "{COMMUNITY}", required_tags: {{Template: lab}}}}
          user_data_script: echo ready
    """
        }
    )
    res = svc.resolve("lab", region="us-east-1")
    assert res.provisioning.value == "none"
    assert "echo ready" in res.user_data and "conda install" not in res.user_data
    assert res.estimated_launch_time == res.cost_comparison.ami_launch_seconds
