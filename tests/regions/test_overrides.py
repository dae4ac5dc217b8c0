"""User override files for the fallback map."""

from __future__ import annotations

from pathlib import Path

import pytest

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.regions import RegionMap


def write(tmp_path: Path, text: str) -> Path:
    """Write an override file and return its path."""
    path = tmp_path / "fallbacks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_replaces_an_entry(tmp_path):
    """A listed region gets exactly the override's neighbours; others keep the shipped ones."""
    shipped = RegionMap.load()
    path = write(tmp_path, "eu-west-1: [eu-central-1, us-east-1]\n")
    region_map = RegionMap.load(path)
    assert region_map.fallbacks("eu-west-1") == ["eu-central-1", "us-east-1"]
    assert region_map.fallbacks("us-east-1") == shipped.fallbacks("us-east-1")
    assert region_map.overridden == {"eu-west-1"}
    assert region_map.display_name("eu-west-1") == "Europe (Ireland)"


def test_override_can_disable_fallback(tmp_path):
    """An empty list means never fall back from that region (e.g. data residency)."""
    region_map = RegionMap.load(write(tmp_path, "eu-central-1: []\n"))
    assert region_map.fallbacks("eu-central-1") == []


def test_override_can_add_another_partition(tmp_path):
    """GovCloud regions can be given neighbours within GovCloud."""
    region_map = RegionMap.load(write(tmp_path, "us-gov-west-1: [us-gov-east-1]\n"))
    assert region_map.fallbacks("us-gov-west-1") == ["us-gov-east-1"]
    assert "us-gov-west-1" in region_map.regions()
    assert region_map.display_name("us-gov-west-1") == "us-gov-west-1"


def test_empty_override_file_changes_nothing(tmp_path):
    """An empty file is allowed."""
    assert RegionMap.load(write(tmp_path, "")).as_table() == RegionMap.load().as_table()


@pytest.mark.parametrize(
    ("text", "region", "problem"),
    [
        ("- eu-west-1\n- eu-west-2\n", None, "expected a mapping"),
        ("just a string\n", None, "expected a mapping"),
        ("eu-wst-1: [eu-west-2]\n", "eu-wst-1", "did you mean eu-west-1"),
        ("eu-west-1: [eu-west-1, eu-west-2]\n", "eu-west-1", "its own fallback"),
        ("eu-west-1: [eu-west-2, eu-mars-1]\n", "eu-west-1", "not an AWS region"),
        ("eu-west-1: eu-west-2\n", "eu-west-1", "expected a list"),
        ("eu-west-1: [eu-west-2, eu-west-2]\n", "eu-west-1", "listed twice"),
        ("eu-west-1: [3]\n", "eu-west-1", "not a region name"),
        ("us-gov-west-1: [us-east-1]\n", "us-gov-west-1", "another AWS partition"),
        ("1: [us-east-1]\n", None, "not a region name"),
        ("eu-west-1: [eu-west-2\n", None, "not valid YAML"),
    ],
)
def test_malformed_override_names_file_region_and_problem(tmp_path, text, region, problem):
    """Every bad override is BadInput naming the file, the region and the problem."""
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as info:
        RegionMap.load(path)
    error = info.value
    assert str(path) in error.message
    assert problem in error.message
    assert error.field == "region_fallbacks_file"
    assert error.details["file"] == str(path)
    if region is not None:
        assert repr(region) in error.message
        assert error.details["region"] == region


def test_missing_override_file(tmp_path):
    """A file that does not exist is BadInput naming it."""
    path = tmp_path / "nope.yaml"
    with pytest.raises(BadInput) as info:
        RegionMap.load(path)
    assert str(path) in info.value.message
    assert "cannot be read" in info.value.message
