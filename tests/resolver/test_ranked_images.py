"""Image lists kept ranked in the lookup cache: the same choice as ranking the whole list, a warm
lookup converts nothing, and a kept choice still honours deprecation times as they pass."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from cws_jupyter.core.aws.images import RankedImages, _images
from cws_jupyter.core.resolver.selection import pick_newest

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc)


def _items(seed: int, count: int) -> list[dict]:
    """DescribeImages items with ties, missing dates, deprecations and other states."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        day = rng.choice([1, 2, 2, 3, 5, 8])
        item = {
            "ImageId": f"ami-{rng.randrange(16**8):08x}{n:09x}",
            "Name": f"img-{rng.choice(['2025.1', '2025.10', '2026.2', 'x'])}-{n}",
            "OwnerId": "123456789012",
            "Architecture": rng.choice(["x86_64", "arm64"]),
            "State": rng.choice(["available"] * 5 + ["pending"]),
            "Tags": [{"Key": "k", "Value": str(n)}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8 + n}}],
            "RootDeviceName": "/dev/sda1",
        }
        if rng.random() < 0.9:
            item["CreationDate"] = f"2026-0{rng.choice([1, 3, 5])}-0{day}T00:00:00.000Z"
        if rng.random() < 0.3:
            item["DeprecationTime"] = rng.choice(
                ["2026-05-01T00:00:00.000Z", "2026-06-01T12:00:30.000Z", "2027-01-01T00:00:00Z"]
            )
        items.append(item)
    return items


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("archs", [["x86_64"], ["arm64"], ["arm64", "x86_64"], ["x86_64", "arm64"]])
@pytest.mark.parametrize(
    "options",
    [{}, {"min_creation": dt.date(2026, 3, 2)}, {"version_constraint": ">=2025.10"}],
    ids=["plain", "min-creation", "version"],
)
def test_ranked_choice_is_the_choice_over_the_whole_list(seed, archs, options):
    """Kept ranked (and read back from the cache's JSON): the same image, at several moments
    (before and after a deprecation time), and the same reasons when nothing is chosen."""
    items = _items(seed, 40)
    ranked = _images("us-east-1")(RankedImages.from_ec2(items, "us-east-1").cached())
    plain = list(_images("us-east-1")(items))
    for now in (NOW, NOW + dt.timedelta(minutes=1), NOW + dt.timedelta(days=400)):
        expected, why = pick_newest(plain, archs, now, **options)
        for _ in range(2):  # the second time from the kept choice
            got, reasons = pick_newest(ranked, archs, now, **options)
            assert (got.ami_id if got else None) == (expected.ami_id if expected else None)
            if expected is None:
                assert reasons == why
            else:
                assert got == expected  # every field, materialised from the row


def test_answer_order_and_fields_are_kept():
    """Iterating gives the images in the order AWS listed them, with every field."""
    items = _items(3, 25)
    ranked = _images("eu-west-1")(RankedImages.from_ec2(items, "eu-west-1").cached())
    assert [i.ami_id for i in ranked] == [i["ImageId"] for i in items]
    assert list(ranked) == list(_images("eu-west-1")(items))
    assert ranked[0].ami_id == items[0]["ImageId"] and len(ranked) == 25


def test_a_warm_lookup_converts_nothing(aws_world, make_service):
    """The memory cache keeps the converted images: the same objects, and the same choice kept."""
    from resolver_world import family

    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    svc = make_service({})
    filters = {"name": ["ubuntu-*"], "state": ["available"]}
    first = svc.catalog.search("us-east-1", ["099720109477"], filters)
    assert svc.catalog.search("us-east-1", ["099720109477"], filters) is first
    chosen, _ = pick_newest(first, ["x86_64"], NOW)
    assert chosen is not None and pick_newest(first, ["x86_64"], NOW)[0] is chosen
