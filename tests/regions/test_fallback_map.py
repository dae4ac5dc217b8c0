"""The shipped region fallback map: coverage, shape and geography."""

from __future__ import annotations

import botocore.session
import pytest

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.regions import RegionFallback, RegionMap, shipped_data, validate_region


@pytest.fixture(scope="module")
def region_map() -> RegionMap:
    """The shipped map with no override."""
    return RegionMap.load()


@pytest.fixture(scope="module")
def botocore_regions() -> set[str]:
    """Every commercial EC2 region this botocore knows."""
    return set(botocore.session.get_session().get_available_regions("ec2"))


def test_every_botocore_region_has_an_entry_and_vice_versa(region_map, botocore_regions):
    """The map and botocore's commercial EC2 regions are the same set."""
    assert set(region_map.regions()) == botocore_regions
    assert len(botocore_regions) >= 34


def test_regions_are_sorted(region_map):
    """regions() is sorted by code."""
    assert region_map.regions() == sorted(region_map.regions())


def test_lists_are_well_formed(region_map):
    """2-4 distinct neighbours, never the region itself, each a region of the map."""
    known = set(region_map.regions())
    for region in region_map.regions():
        neighbours = region_map.fallbacks(region)
        assert 2 <= len(neighbours) <= 4, region
        assert region not in neighbours, region
        assert len(set(neighbours)) == len(neighbours), region
        assert set(neighbours) <= known, region


def test_same_continent_comes_first(region_map):
    """Where a continent has other regions, they come before any other continent's."""
    data = shipped_data().regions
    for region, entry in data.items():
        peers = {r for r, e in data.items() if e.continent == entry.continent and r != region}
        continents = [data[n].continent == entry.continent for n in entry.fallbacks]
        if peers:
            assert continents[0], f"{region} should fall back within {entry.continent} first"
        assert continents == sorted(continents, reverse=True), f"{region} mixes continents"


def test_europe_falls_back_to_europe(region_map):
    """eu-west-1's neighbours are all European, starting with London."""
    assert region_map.fallbacks("eu-west-1")[0] == "eu-west-2"
    assert all(r.startswith("eu-") for r in region_map.fallbacks("eu-west-1"))


@pytest.mark.parametrize(
    ("region", "expected_first"),
    [
        ("us-east-1", "us-east-2"),
        ("ap-southeast-4", "ap-southeast-2"),
        ("ap-northeast-3", "ap-northeast-1"),
        ("sa-east-1", "us-east-1"),
        ("me-central-1", "me-south-1"),
    ],
)
def test_nearest_neighbour(region_map, region, expected_first):
    """A few neighbours anyone would agree on."""
    assert region_map.fallbacks(region)[0] == expected_first


def test_display_names_match_botocore(region_map):
    """Display names are the descriptions in botocore's endpoint data."""
    endpoints = botocore.session.get_session().get_data("endpoints")
    aws = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    for region in region_map.regions():
        assert region_map.display_name(region) == aws["regions"][region]["description"]
    assert region_map.display_name("eu-west-1") == "Europe (Ireland)"


def test_as_table(region_map):
    """One pydantic row per region, in order, matching fallbacks()."""
    rows = region_map.as_table()
    assert [r.region for r in rows] == region_map.regions()
    row = next(r for r in rows if r.region == "eu-west-1")
    assert isinstance(row, RegionFallback)
    assert row.display_name == "Europe (Ireland)"
    assert row.continent == "Europe"
    assert row.fallbacks == region_map.fallbacks("eu-west-1")


def test_fallbacks_returns_a_copy(region_map):
    """Mutating the returned list does not change the map."""
    region_map.fallbacks("us-east-1").clear()
    assert region_map.fallbacks("us-east-1")


def test_unknown_region_suggests(region_map):
    """A misspelt region is BadInput(field=region) with a 'did you mean'."""
    with pytest.raises(BadInput) as info:
        region_map.fallbacks("eu-wset-1")
    assert info.value.field == "region"
    assert "did you mean eu-west-1" in info.value.message


def test_other_partition_region_is_explained(region_map):
    """A real region outside the map (GovCloud) is BadInput saying how to add it."""
    with pytest.raises(BadInput) as info:
        region_map.fallbacks("us-gov-west-1")
    assert info.value.field == "region"
    assert "CWS_REGION_FALLBACKS" in info.value.message


@pytest.mark.parametrize("value", ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1"])
def test_validate_region_accepts_real_regions(value):
    """Real regions in any partition pass unchanged."""
    assert validate_region(value) == value


@pytest.mark.parametrize(
    ("value", "hint"),
    [("us-east-one", None), ("eu-west1", "eu-west-1"), ("US-EAST-1", "us-east-1")],
)
def test_validate_region_rejects(value, hint):
    """Non-regions are BadInput(field=region), with a suggestion when one is close."""
    with pytest.raises(BadInput) as info:
        validate_region(value)
    assert info.value.field == "region"
    if hint:
        assert f"did you mean {hint}" in info.value.message
