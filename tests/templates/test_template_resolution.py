"""The shipped templates against the real resolver and a private sandbox server (over HTTP).

Each resolver tier must be the winning one for some shipped template in some region, as the
templates were designed: SSM parameters for the publishers' images, a pinned id, searches of a
lab's own and a community account, a Marketplace product, a copy from a neighbouring region,
and script provisioning where none of those has an image.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cws_testing import scrub_aws_env

from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import ResolutionFailed
from cws_jupyter.core.sandbox import load_world, stop, world_image_id
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox

WORLD = load_world()


def _image(family: str, region: str, arch: str = "x86_64") -> str:
    """The id of a world image (explicit in world.yaml, or derived)."""
    return WORLD.family(family).image_id(region, arch)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CwsService]:
    home = tmp_path_factory.mktemp("resolution-home")
    with pytest.MonkeyPatch.context() as mp:
        scrub_aws_env(mp, extra=["CWS_TEMPLATE_PATH"])
        mp.setenv("CWS_HOME", str(home))
        settings = Settings.from_env(sandbox=True, region="us-east-1", cache_ttl=0)
        svc = CwsService(settings)
        svc.sandbox_start()
        try:
            yield svc
        finally:
            stop(settings.state_dir)


# (template, region) -> (resolution method, the image it must choose: (family, source region))
EXPECTED = {
    ("python-ml", "eu-west-1"): ("ssm_parameter", ("dlami-pytorch", "eu-west-1")),
    ("deep-learning-gpu", "ap-northeast-1"): ("ssm_parameter", ("dlami-pytorch", "ap-northeast-1")),
    ("ubuntu-24-server", "us-west-2"): ("ssm_parameter", ("ubuntu-24.04", "us-west-2")),
    ("teaching-lab", "us-east-1"): ("direct_mapping", ("cws-teaching-lab", "us-east-1")),
    ("teaching-lab", "eu-central-1"): ("dynamic_search", ("cws-teaching-lab", "eu-central-1")),
    ("r-research", "us-west-2"): ("dynamic_search", ("community-r-research", "us-west-2")),
    ("r-research", "eu-south-2"): ("community", ("community-r-research-eu", "eu-south-2")),
    ("rstudio", "us-east-1"): ("marketplace", ("marketplace-rstudio", "us-east-1")),
    ("teaching-lab", "us-west-2"): ("cross_region", ("cws-teaching-lab", "us-east-1")),
    ("r-research", "us-east-1"): ("cross_region", ("community-r-research", "us-west-2")),
    ("rstudio", "eu-central-1"): ("script_fallback", None),
    ("r-research", "eu-west-1"): ("cross_region", ("community-r-research-eu", "eu-north-1")),
}


@pytest.mark.parametrize(("slug", "region"), sorted(EXPECTED))
def test_shipped_template_resolves_as_designed(service: CwsService, slug: str, region: str) -> None:
    method, image = EXPECTED[slug, region]
    result = service.resolve(slug, region=region)
    assert result.resolution_method.value == method, [a.line() for a in result.fallback_chain]
    if image is None:
        assert result.ami_id is None
        assert result.user_data and f"template '{slug}'" in result.user_data
    else:
        family, source = image
        assert result.ami_id == _image(family, source)
        assert result.copy_required is (source != region)
        assert result.source_region == (source if source != region else None)
    assert result.instance_type == service.get_template(slug).template.instance_defaults.type


def test_every_tier_wins_somewhere() -> None:
    assert {method for method, _ in EXPECTED.values()} == {
        "community",
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
        "script_fallback",
    }


def test_python_ml_resolves_in_every_world_region(service: CwsService) -> None:
    for region in WORLD.regions:
        result = service.resolve("python-ml", region=region)
        assert result.ami_id == world_image_id("dlami-pytorch", region, "x86_64")
        assert result.architecture == "x86_64"


def test_amazon_linux_prefers_graviton_and_serves_both(service: CwsService) -> None:
    arm = service.resolve("amazon-linux-2023", region="us-east-2")
    assert (arm.ami_id, arm.instance_type) == (_image("al2023", "us-east-2", "arm64"), "t4g.medium")
    x86 = service.resolve("amazon-linux-2023", region="us-east-2", architecture="x86_64")
    assert (x86.ami_id, x86.instance_type) == (_image("al2023", "us-east-2", "x86_64"), "t3.medium")


def test_deep_learning_gpu_never_falls_back_to_a_script(service: CwsService) -> None:
    with pytest.raises(ResolutionFailed) as err:
        service.resolve("deep-learning-gpu", region="us-east-1", architecture="arm64")
    assert "deep-learning-gpu" in err.value.message and "ami_required" in err.value.message


def test_bioinformatics_provisions_by_script_with_the_mapped_image_as_fallback(
    service: CwsService,
) -> None:
    result = service.resolve("bioinformatics", region="us-east-1")
    assert result.resolution_method.value == "script_fallback"
    assert result.fallback_ami is not None
    assert result.fallback_ami.ami_id == _image("community-bioinformatics", "us-east-1")
    assert result.fallback_chain[0].tier.value == "direct_mapping"
    assert result.fallback_chain[0].outcome.value == "hit"
    assert "bioconda::samtools" in (result.user_data or "")


def test_desktop_is_installed_by_script_on_canonicals_image(service: CwsService) -> None:
    result = service.resolve("ubuntu-24-desktop", region="eu-central-1")
    assert result.resolution_method.value == "ssm_parameter"
    assert result.ami_id == _image("ubuntu-24.04", "eu-central-1")
    assert result.provisioning.value == "ami_plus_script"  # a base OS image, the desktop on top
    script = result.user_data or ""
    assert "xrdp" in script and "tmux" in script  # the desktop's packages and the server's
    assert result.instance_type == "t3.large"
    assert result.estimated_launch_time == result.cost_comparison.script_launch_seconds


def _untrusted(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "not a trusted publisher" in w]


def test_only_the_community_account_is_untrusted(service: CwsService) -> None:
    community = service.resolve("r-research", region="ap-southeast-2")
    assert community.resolution_method.value == "dynamic_search"
    (warning,) = _untrusted(community.warnings)
    assert "210987654321" in warning and "CWS_TRUSTED_OWNERS=210987654321" in warning
    # your own account's images (pinned or searched) and AWS Marketplace products are trusted
    for slug, region in [
        ("teaching-lab", "us-east-1"),
        ("teaching-lab", "eu-central-1"),
        ("teaching-lab", "us-west-2"),
        ("rstudio", "us-east-1"),
        ("python-ml", "us-east-1"),
    ]:
        assert _untrusted(service.resolve(slug, region=region).warnings) == [], (slug, region)


def test_no_shipped_search_can_pick_the_squatter(service: CwsService) -> None:
    squatter = {i.image_id for i in WORLD.images() if i.family == "squatter-ubuntu"}
    for slug in service.library.slugs():
        for region in ("us-east-1", "eu-west-1"):
            try:
                result = service.resolve(slug, region=region)
            except ResolutionFailed:
                continue
            assert result.ami_id not in squatter and (
                result.fallback_ami is None or result.fallback_ami.ami_id not in squatter
            )
