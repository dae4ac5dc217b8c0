"""The shipped price book: coverage, plausibility, storage, transfer and copy time."""

from __future__ import annotations

import json

import pytest

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.pricing import PriceBook, shipped_table
from cws_jupyter.core.regions import RegionMap

LISTED = [
    "t3.micro",
    "t3.small",
    "t3.medium",
    "t3.large",
    "t3.xlarge",
    "t3.2xlarge",
    "t4g.micro",
    "t4g.small",
    "t4g.medium",
    "t4g.large",
    "t4g.xlarge",
    "m6i.large",
    "m6i.xlarge",
    "m6i.2xlarge",
    "m7i.large",
    "m7i.xlarge",
    "m7i.2xlarge",
    "m7g.large",
    "m7g.xlarge",
    "m7g.2xlarge",
    "c6i.large",
    "c6i.xlarge",
    "c7g.large",
    "c7g.xlarge",
    "r5.large",
    "r5.xlarge",
    "r5.2xlarge",
    "r6i.large",
    "r6i.xlarge",
    "r7g.large",
    "r7g.xlarge",
    "m5.xlarge",
    "m5.2xlarge",
    "c5.xlarge",
    "c5.2xlarge",
    "g4dn.xlarge",
    "g4dn.2xlarge",
    "g5.xlarge",
    "g5.2xlarge",
    "g5g.xlarge",
    "g6.xlarge",
    "p3.2xlarge",
]
REGIONS = RegionMap.load().regions()
SIZES = ["micro", "small", "medium", "large", "xlarge", "2xlarge"]


@pytest.fixture(scope="module")
def book() -> PriceBook:
    """The shipped book, no refresh overlay."""
    return PriceBook.load()


def test_header_is_honest(book):
    """The table states its date and that it is approximate and not downloaded."""
    assert book.as_of == "2025-11"
    assert "not downloaded" in book.source
    assert "approximate" in book.source
    assert "cws prices refresh" in book.source


def test_table_covers_exactly_the_fallback_map_regions(book):
    """Every region of the fallback map is priced, and nothing else."""
    assert book.regions() == REGIONS


def test_every_region_named_in_the_data_is_a_map_region():
    """Offering rules, storage and transfer entries name only regions of the fallback map."""
    table = shipped_table()
    named = set(table.storage.regions) | set(table.transfer.from_)
    named |= {r for pair in table.transfer.pairs for r in pair.between}
    for rule in table.offered.values():
        named |= set(rule.only_in or []) | set(rule.absent_in or [])
    assert named <= set(REGIONS)
    assert table.base_region == "us-east-1"


def test_every_listed_type_priced_in_us_east_1(book):
    """us-east-1 has a price for every listed type."""
    assert set(LISTED) <= set(book.instance_types())
    for instance_type in LISTED:
        assert book.hourly(instance_type, "us-east-1") is not None, instance_type


@pytest.mark.parametrize("region", REGIONS)
def test_every_listed_type_priced_unless_declared_unavailable(book, region):
    """A price exists exactly where the table does not declare the type unavailable."""
    table = shipped_table()
    for instance_type in LISTED:
        price = book.hourly(instance_type, region)
        if table.offered_in(instance_type, region):
            assert price is not None, (instance_type, region)
        else:
            assert price is None, (instance_type, region)


def test_cpu_types_offered_everywhere(book):
    """Only GPU types are declared unavailable anywhere."""
    for region in REGIONS:
        for instance_type in LISTED:
            if not instance_type.startswith(("g", "p")):
                assert book.hourly(instance_type, region) is not None


@pytest.mark.parametrize(
    ("instance_type", "price"),
    [
        ("t3.micro", 0.0104),
        ("t3.medium", 0.0416),
        ("t4g.medium", 0.0336),
        ("m5.xlarge", 0.192),
        ("m6i.large", 0.096),
        ("m7g.large", 0.0816),
        ("c5.xlarge", 0.17),
        ("r5.large", 0.126),
        ("g4dn.xlarge", 0.526),
        ("g5.xlarge", 1.006),
        ("p3.2xlarge", 3.06),
    ],
)
def test_well_known_us_east_1_list_prices(book, instance_type, price):
    """The us-east-1 list prices everybody quotes."""
    assert book.hourly(instance_type, "us-east-1") == pytest.approx(price)


@pytest.mark.parametrize("region", REGIONS)
def test_prices_are_plausible(book, region):
    """Positive, within 0.95x-2x of us-east-1, GPUs dearer than CPUs, bigger sizes dearer."""
    for instance_type in LISTED:
        price = book.hourly(instance_type, region)
        if price is None:
            continue
        base = book.hourly(instance_type, "us-east-1")
        assert 0 < price < 10
        assert 0.95 * base <= price <= 2.0 * base, (instance_type, region, price)
    t3_medium = book.hourly("t3.medium", region)
    for gpu in ("g4dn.xlarge", "g5.xlarge", "g6.xlarge", "p3.2xlarge"):
        price = book.hourly(gpu, region)
        assert price is None or price > 5 * t3_medium, (gpu, region)
    for family in ("t3", "t4g", "m6i", "m7i", "m7g", "r5"):
        prices = [book.hourly(f"{family}.{s}", region) for s in SIZES]
        known = [p for p in prices if p is not None]
        assert known == sorted(known) and len(set(known)) == len(known), (family, region)


@pytest.mark.parametrize("region", REGIONS)
def test_graviton_is_cheaper_than_intel(book, region):
    """Arm types undercut their Intel twins in every region."""
    for arm, intel in (
        ("t4g.large", "t3.large"),
        ("m7g.large", "m7i.large"),
        ("c7g.large", "c6i.large"),
        ("r7g.large", "r6i.large"),
    ):
        assert book.hourly(arm, region) < book.hourly(intel, region), (arm, region)


def test_p3_is_absent_from_small_regions(book):
    """Old GPU families are not offered in the newest regions."""
    for region in ("ap-southeast-7", "mx-central-1", "af-south-1"):
        assert book.hourly("p3.2xlarge", region) is None
        assert book.basis("p3.2xlarge", region) is None


def test_basis(book):
    """Each price says how it was obtained."""
    assert book.basis("t3.medium", "us-east-1") == "published"
    assert book.basis("t3.medium", "eu-west-1") == "recalled"
    assert book.basis("t3.medium", "mx-central-1") == "derived"


def test_unknown_type_and_other_partitions_have_no_price(book):
    """A well-formed type the table lacks, or a GovCloud region, gives None."""
    assert book.hourly("x2iedn.32xlarge", "us-east-1") is None
    assert book.hourly("t3.medium", "us-gov-west-1") is None


def test_bad_names_are_bad_input(book):
    """A non-region or non-type is BadInput naming the field."""
    with pytest.raises(BadInput) as info:
        book.hourly("t3.medium", "us-east-7")
    assert info.value.field == "region"
    with pytest.raises(BadInput) as info:
        book.hourly("t3medium", "us-east-1")
    assert info.value.field == "instance_type"


def test_storage_prices(book):
    """Snapshots $0.05 and gp3 $0.08 per GB-month in us-east-1; dearer, not cheaper, elsewhere."""
    assert book.snapshot_gb_month("us-east-1") == pytest.approx(0.05)
    assert book.ebs_gb_month("us-east-1") == pytest.approx(0.08)
    assert book.snapshot_gb_month("sa-east-1") > 0.05
    for region in REGIONS:
        assert 0.05 <= book.snapshot_gb_month(region) < 0.1
        assert 0.08 <= book.ebs_gb_month(region) < 0.2
    assert book.snapshot_gb_month("us-gov-west-1") == pytest.approx(0.05)


def test_transfer_prices(book):
    """0 within a region, $0.02 from US/EU, dearer from Asia Pacific and South America."""
    for region in REGIONS:
        assert book.transfer_per_gb(region, region) == 0
    assert book.transfer_per_gb("us-east-1", "eu-west-1") == pytest.approx(0.02)
    assert book.transfer_per_gb("eu-west-1", "us-east-1") == pytest.approx(0.02)
    assert book.transfer_per_gb("ap-southeast-2", "us-east-1") > 0.02
    assert book.transfer_per_gb("sa-east-1", "us-east-1") > book.transfer_per_gb(
        "us-east-1", "sa-east-1"
    )
    assert (
        book.transfer_per_gb("us-east-1", "us-east-2")
        == book.transfer_per_gb("us-east-2", "us-east-1")
        == 0.01
    )
    with pytest.raises(BadInput):
        book.transfer_per_gb("us-east-1", "mars-1")


def test_copy_seconds(book):
    """A fixed overhead plus a per-GB cost: monotonic, 120 s for nothing, rejects nonsense."""
    assert book.copy_seconds(0) == 120
    assert book.copy_seconds(8) == 168
    sizes = [0, 0.5, 1, 8, 30, 100, 500, 2000]
    times = [book.copy_seconds(s) for s in sizes]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(isinstance(t, int) for t in times)
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(BadInput) as info:
            book.copy_seconds(bad)
        assert info.value.field == "size_gb"


def test_corrupt_cache_is_ignored(tmp_path):
    """A broken prices.json falls back to the shipped table."""
    (tmp_path / "prices.json").write_text("{not json", encoding="utf-8")
    book = PriceBook.load(tmp_path)
    assert book.as_of == "2025-11"
    assert book.hourly("t3.medium", "us-east-1") == pytest.approx(0.0416)


def test_cache_overlay(tmp_path):
    """A valid prices.json overrides single prices and names itself in as_of/source."""
    cache = {
        "format": 1,
        "as_of": "2026-01-02T03:04:05Z",
        "source": "AWS Pricing API",
        "hourly": {"eu-west-1": {"t3.medium": 0.05}, "us-gov-west-1": {"t3.medium": 0.052}},
    }
    (tmp_path / "prices.json").write_text(json.dumps(cache), encoding="utf-8")
    book = PriceBook.load(tmp_path)
    assert book.hourly("t3.medium", "eu-west-1") == 0.05
    assert book.basis("t3.medium", "eu-west-1") == "refreshed"
    assert book.hourly("t3.medium", "us-gov-west-1") == 0.052
    assert book.hourly("t3.large", "eu-west-1") == PriceBook.load().hourly("t3.large", "eu-west-1")
    assert book.as_of == "2026-01-02T03:04:05Z"
    assert book.shipped_as_of == "2025-11"
    assert "2 prices refreshed" in book.source
