"""Image lists kept ranked in the lookup cache: the same choice as ranking the whole list, a warm
lookup converts nothing, and a kept choice still honours deprecation times as they pass."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from cws_jupyter.core.aws import images as images_module
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


def _kept(items: list[dict], region: str, how: str) -> RankedImages:
    """``items`` cached ranked, read back through JSON: ``whole`` with the tail joined at once,
    ``lazy`` with the tail read when a selection needs it, ``refetch`` with the tail gone (the
    lookup asked again)."""
    fresh = RankedImages.from_ec2(items, region)
    head = json.loads(json.dumps(fresh.cached()))
    tail = json.loads(json.dumps(fresh.cached_tail()))
    if how == "whole":
        return RankedImages.from_cached(head, region, tail)
    ranked = _images(region)(head)
    if not ranked.complete:
        if how == "lazy":
            ranked.loader = lambda r: r.joined(tail)
        else:
            ranked.loader = lambda r: RankedImages.from_ec2(items, region).rows
    return ranked


@pytest.fixture(
    params=[(16, 32, 256), (1, 3, 6), (2, 4, 100)], ids=["head-default", "small", "mid"]
)
def head_size(request, monkeypatch):
    """Heads of several sizes (small ones make the tail matter for most choices)."""
    per_arch, least, most = request.param
    monkeypatch.setattr(images_module, "HEAD_PER_ARCH", per_arch)
    monkeypatch.setattr(images_module, "HEAD_MIN", least)
    monkeypatch.setattr(images_module, "HEAD_MAX", most)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("archs", [["x86_64"], ["arm64"], ["arm64", "x86_64"], ["x86_64", "arm64"]])
@pytest.mark.parametrize(
    "options",
    [{}, {"min_creation": dt.date(2026, 3, 2)}, {"version_constraint": ">=2025.10"}],
    ids=["plain", "min-creation", "version"],
)
@pytest.mark.parametrize("how", ["whole", "lazy", "refetch"])
def test_ranked_choice_is_the_choice_over_the_whole_list(seed, archs, options, how, head_size):
    """Kept ranked (and read back from the cache's JSON, as a head and a tail): the same image,
    at several moments (before and after a deprecation time), and the same reasons when
    nothing is chosen."""
    items = _items(seed, 40)
    ranked = _kept(items, "us-east-1", how)
    plain = list(_images("us-east-1")(items))
    for now in (NOW, NOW + dt.timedelta(minutes=1), NOW + dt.timedelta(days=400)):
        expected, why = pick_newest(plain, archs, now, **options)
        for _ in range(2):  # the second time from the kept choice
            got, reasons = pick_newest(ranked, archs, now, **options)
            assert (got.ami_id if got else None) == (expected.ami_id if expected else None)
            assert reasons == why or expected is not None and len(reasons) <= len(why)
            if expected is None:
                assert reasons == why
            else:
                assert got == expected  # every field, materialised from the row


def test_a_head_that_decides_reads_no_tail(head_size):
    """When the head holds a usable image of the first architecture, the tail is never read,
    and the choice and its reasons are those over the whole list."""
    items = _items(4, 400)
    fresh = RankedImages.from_ec2(items, "us-east-1")
    head = json.loads(json.dumps(fresh.cached()))
    assert head["tail"] is not None and len(head["rows"]) < len(items)
    ranked = _images("us-east-1")(head)

    def no_tail(_):
        raise AssertionError("the tail was read")

    ranked.loader = no_tail
    plain = list(_images("us-east-1")(items))
    for archs in (["x86_64"], ["arm64"], ["arm64", "x86_64"]):
        expected, why = pick_newest(plain, archs, NOW)
        got, reasons = pick_newest(ranked, archs, NOW)
        assert got == expected
        assert reasons == [r for r in why if r in reasons] and len(ranked) == 400
    assert not ranked.complete


def test_a_tail_of_another_answer_is_refused():
    """A tail written for another answer (or damaged) does not join a head."""
    one = RankedImages.from_ec2(_items(1, 300), "us-east-1")
    other = RankedImages.from_ec2(_items(2, 300), "us-east-1")
    ranked = _images("us-east-1")(one.cached())
    with pytest.raises(TypeError):
        ranked.joined(other.cached_tail())
    with pytest.raises((TypeError, ValueError)):
        ranked.joined({**one.cached_tail(), "rows": one.cached_tail()["rows"][:-1]})
    assert ranked.joined(one.cached_tail()) == one.rows


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


def _one_rare_arch(count: int) -> list[dict]:
    """``count`` x86_64 images, newest first by id, and one older arm64 image at the end."""
    items = [
        {
            "ImageId": f"ami-{n:017x}",
            "Name": f"img-{n}",
            "OwnerId": "123456789012",
            "Architecture": "x86_64",
            "State": "available",
            "CreationDate": f"2026-0{1 + n % 5}-{1 + n % 27:02d}T00:00:00.000Z",
        }
        for n in range(count)
    ]
    items.append({**items[0], "ImageId": "ami-0rare", "Architecture": "arm64"})
    items[-1]["CreationDate"] = "2025-01-01T00:00:00.000Z"
    return items


def test_a_new_process_reads_the_tail_only_when_the_head_does_not_decide(tmp_path):
    """Through the disk cache, as new processes would: the head alone answers the common case;
    a choice beyond it reads the tail; a tail gone or damaged asks AWS again, same answer."""
    from cws_jupyter.core.aws.images import TAIL_SUFFIX, ImageCatalog
    from cws_jupyter.core.cache import LayeredCache, MemoryCache
    from cws_jupyter.core.cache_sqlite import CACHE_FILE, SqliteCache

    items = _one_rare_arch(600)
    plain = list(_images("us-east-1")(items))
    fetched: list[int] = []
    read: list[str] = []

    def process() -> ImageCatalog:
        disk = SqliteCache(tmp_path / CACHE_FILE)
        get = disk.get
        disk.get = lambda key: read.append(key) or get(key)  # type: ignore[method-assign]
        catalog = ImageCatalog(None, LayeredCache(MemoryCache(), disk), 3600, "ns")  # type: ignore[arg-type]
        catalog._search = lambda region, params: fetched.append(1) or items  # type: ignore[method-assign]
        return catalog

    def search(catalog: ImageCatalog) -> RankedImages:
        return catalog.search("us-east-1", ["self"], {"name": ["img-*"]})

    for archs in (["x86_64"], ["arm64"]):
        assert pick_newest(search(process()), archs, NOW)[0] == pick_newest(plain, archs, NOW)[0]
    assert len(fetched) == 1  # the first process filled the cache
    key = next(k for k in read if not k.endswith(TAIL_SUFFIX))

    read.clear()
    ranked = search(process())
    assert pick_newest(ranked, ["x86_64"], NOW)[0] == pick_newest(plain, ["x86_64"], NOW)[0]
    assert read == [key] and not ranked.complete  # the head alone decided
    assert pick_newest(ranked, ["arm64"], NOW)[0].ami_id == "ami-0rare"
    assert read == [key, key + TAIL_SUFFIX] and len(fetched) == 1

    SqliteCache(tmp_path / CACHE_FILE).set(key + TAIL_SUFFIX, {"format": "x"}, 3600)
    assert pick_newest(search(process()), ["arm64"], NOW)[0].ami_id == "ami-0rare"
    assert len(fetched) == 2  # a damaged tail: asked again
    SqliteCache(tmp_path / CACHE_FILE).clear(key + TAIL_SUFFIX)
    assert pick_newest(search(process()), ["arm64"], NOW)[0].ami_id == "ami-0rare"
    assert len(fetched) == 3  # a tail gone: asked again
    assert pick_newest(search(process()), ["arm64"], NOW)[0].ami_id == "ami-0rare"
    assert len(fetched) == 3  # and cached anew
