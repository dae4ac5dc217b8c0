"""The world data: world.yaml parses, expands to the right images, and bad entries are refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from cws_jupyter.core.sandbox import World, load_world, world_image_id

AMI_RE = re.compile(r"^ami-[0-9a-f]{17}$")


def _family(**overrides: Any) -> dict[str, Any]:
    """A valid family entry, with some fields replaced."""
    entry: dict[str, Any] = {
        "family": "demo",
        "owner": "099720109477",
        "regions": ["us-east-1"],
        "architectures": ["x86_64"],
        "name": "demo-{arch}",
        "creation_date": "2025-01-01T00:00:00.000Z",
    }
    entry.update(overrides)
    return entry


def _world(*families: dict[str, Any]) -> World:
    """A world made of the given family entries."""
    return World.model_validate(
        {"source": "test", "account_id": "123456789012", "families": list(families)}
    )


def test_shipped_world_loads_with_every_family() -> None:
    """world.yaml parses; its source, account and families are the documented ones."""
    world = load_world()
    assert world.source.startswith("cws-jupyter sandbox world")
    assert world.account_id == "123456789012"
    assert [f.family for f in world.families] == [
        "ubuntu-24.04", "ubuntu-22.04", "al2023", "dlami-pytorch", "ubuntu-24.04-previous",
        "cws-teaching-lab", "community-r-research", "community-bioinformatics",
        "community-r-research-eu", "marketplace-rstudio", "squatter-ubuntu", "amzn2-2020",
    ]  # fmt: skip
    expected = sum(len(f.regions) * len(f.architectures) for f in world.families)
    assert len(world.images()) == expected == 79


def test_world_image_id_is_stable_and_well_formed() -> None:
    """Derived ids look like AWS ids, do not change between calls, and differ per input."""
    first = world_image_id("ubuntu-24.04", "us-east-1", "x86_64")
    assert AMI_RE.match(first)
    assert first == world_image_id("ubuntu-24.04", "us-east-1", "x86_64")
    others = {
        world_image_id("ubuntu-24.04", "us-east-1", "arm64"),
        world_image_id("ubuntu-24.04", "eu-west-1", "x86_64"),
        world_image_id("ubuntu-22.04", "us-east-1", "x86_64"),
    }
    assert first not in others and len(others) == 3


def test_expansion_substitutes_architectures() -> None:
    """{arch} becomes x86_64/arm64 and {arch_deb} amd64/arm64, in names and SSM parameters."""
    world = load_world()
    noble = {(i.region, i.architecture): i for i in world.family("ubuntu-24.04").expand("1" * 12)}
    stamp = noble["us-east-1", "x86_64"].creation_date.strftime("%Y%m%d")
    assert noble["us-east-1", "x86_64"].name.endswith(f"-amd64-server-{stamp}")
    assert noble["us-east-1", "arm64"].name.endswith(f"-arm64-server-{stamp}")
    assert "/current/amd64/hvm/" in (noble["us-east-1", "x86_64"].ssm_parameter or "")
    al2023 = {i.architecture: i for i in world.family("al2023").expand("1" * 12)}
    stamp = al2023["arm64"].creation_date.strftime("%Y%m%d")
    assert al2023["arm64"].name == f"al2023-ami-2023.9.{stamp}.0-kernel-6.1-arm64"
    assert al2023["x86_64"].ssm_parameter == (
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    )
    assert noble["us-east-1", "x86_64"].image_id == world_image_id(
        "ubuntu-24.04", "us-east-1", "x86_64"
    )


def test_owner_self_and_visibility() -> None:
    """owner "self" is the sandbox account and private; the others are public."""
    world = load_world()
    by_family = {i.family: i for i in world.images()}
    lab = by_family["cws-teaching-lab"]
    assert (lab.owner_id, lab.public) == ("123456789012", False)
    assert lab.tags == {
        "Template": "teaching-lab", "Version": "1.4.0",
        "Environment": "research", "ManagedBy": "cws-jupyter",
    }  # fmt: skip
    assert by_family["squatter-ubuntu"].public is True
    assert by_family["marketplace-rstudio"].product_codes == ("4r7bvf6ufc7n9l7xmsjkp3h2d",)
    assert all(i.public for i in world.images() if i.family != "cws-teaching-lab")


def test_explicit_ids_are_used() -> None:
    """A single id, or a region/arch map (others derived), overrides the derived ids."""
    single = _world(_family(id="ami-0123456789abcdef0")).images()
    assert [i.image_id for i in single] == ["ami-0123456789abcdef0"]
    mapped = _world(
        _family(architectures=["x86_64", "arm64"], id={"us-east-1/arm64": "ami-0fedcba9876543210"})
    ).images()
    ids = {i.architecture: i.image_id for i in mapped}
    assert ids == {
        "arm64": "ami-0fedcba9876543210",
        "x86_64": world_image_id("demo", "us-east-1", "x86_64"),
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_family(owner="canonical"), "12-digit account id"),
        (_family(id="ami-xyz"), "is not an AMI id"),
        (_family(regions=["us-east-1", "eu-west-1"], id="ami-0123456789abcdef0"), "exactly one"),
        (_family(id={"eu-west-1/x86_64": "ami-0123456789abcdef0"}), "is not one of"),
        (_family(architectures=["x86_64", "arm64"], ssm_parameter="/aws/x"), "{arch}"),
        (_family(creation_date="2025-01-01T00:00:00"), "time zone"),
        (_family(architectures=["i386"]), "architectures"),
        (_family(colour="blue"), "colour"),
    ],
)
def test_bad_family_entries_are_refused(entry: dict[str, Any], message: str) -> None:
    """Each mistake in a family entry is reported with a message that names it."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        _world(entry)


def test_clashes_between_families_are_refused() -> None:
    """Two families may not share a name, an image id, or a region's SSM parameter."""
    with pytest.raises(ValidationError, match="duplicate families: demo"):
        _world(_family(), _family())
    with pytest.raises(ValidationError, match="reuses id"):
        _world(_family(id="ami-0123456789abcdef0"), _family(family="b", id="ami-0123456789abcdef0"))
    with pytest.raises(ValidationError, match="reuses SSM parameter"):
        _world(_family(ssm_parameter="/aws/p"), _family(family="b", ssm_parameter="/aws/p"))
