"""The in-memory catalog answers exactly what SQL answers (pages, totals, best images, details),
keeps up with writes (its own at once, other processes' within ``max_staleness``), and its word
index finds exactly the texts ``LIKE`` finds."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from registry_support import GOOD_ACCOUNT

from cws_jupyter.core.errors import NotFound
from cws_jupyter.core.registry import AmiDetails, BrowsePage, CommunityRegistry, limits, queries
from cws_jupyter.core.registry.textindex import TextIndex

TEMPLATES = ("python-ml", "r-research", "geo.spatial")
CATEGORIES = (None, "machine-learning", "data_science")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1")
WORDS = ("PyTorch", "über-fast", "100%", "lab_1", "GPU", "gpu-ready", "R 4.4", "a.b", "naïve")


def _fill(registry: CommunityRegistry, count: int = 70) -> list[str]:
    """``count`` records of mixed templates, categories, regions, words, ratings and downloads;
    half share one timestamp (ties in the recent and best orders, broken by id)."""
    rng = random.Random(11)
    fixed = datetime(2026, 1, 1, 12, 0, 0)
    ids = []
    for n in range(count):
        registry.clock = (lambda: fixed) if n % 2 else (lambda n=n: fixed + timedelta(hours=n))
        regions = rng.sample(REGIONS, rng.randint(1, 3))
        body = {
            "template": rng.choice(TEMPLATES),
            "name": f"{rng.choice(WORDS)} image {n % 9}",  # repeated names: ties broken by id
            "description": " ".join(rng.sample(WORDS, 3)),
            "version": "1.0",
            "regions": {r: f"ami-{n:08x}{REGIONS.index(r):09x}" for r in regions},
        }
        category = rng.choice(CATEGORIES)
        if category:
            body["category"] = category
        ids.append(registry.submit("alice", body).ami_id)
    for ami_id in rng.sample(ids, 40):
        for voter in rng.sample(range(12), rng.randint(1, 4)):
            registry.rate(f"voter{voter}", ami_id, rng.randint(1, 5), f"review by {voter}")
    for ami_id in rng.sample(ids, 25):
        for _ in range(rng.randint(1, 3)):
            registry.use(ami_id)
    return ids


@pytest.fixture
def filled(registry: CommunityRegistry) -> CommunityRegistry:
    """A registry (catalog on) holding ``_fill``'s records."""
    registry.create_token("alice", GOOD_ACCOUNT)
    _fill(registry)
    return registry


def _sql_page(registry: CommunityRegistry, order: str, page: int, size: int, **filters):
    full = {"template": None, "category": None, "region": None, "q": None, **filters}
    return registry._browse_sql(full, order, page, size)


def test_catalog_pages_are_the_sql_pages(filled: CommunityRegistry) -> None:
    assert filled.catalog is not None
    rng = random.Random(5)
    texts = [word.lower() for word in WORDS] + ["image 3", "ch i", "%", "_", "e", "zzz", " "]
    for _ in range(300):
        filters = {
            "template": rng.choice((None, *TEMPLATES, "unknown")),
            "category": rng.choice((None, *CATEGORIES[1:], "none-such")),
            "region": rng.choice((None, *REGIONS, "eu-north-1")),
            "q": rng.choice((None, None, *texts)),
        }
        filters = {key: value for key, value in filters.items() if value is not None}
        order = rng.choice(limits.SORTS)
        size = rng.choice((1, 3, 7, 20))
        page = rng.randint(1, 6)
        listed = filled.browse(**filters, sort=order, page=page, per_page=size)
        expected = _sql_page(filled, order, page, size, **filters)
        assert listed == expected, (filters, order, page, size)


def test_catalog_answers_best_and_details_as_sql_does(filled: CommunityRegistry) -> None:
    for template in TEMPLATES:
        for region in REGIONS:
            found = filled.find_best_ami(template, region)
            with filled.db.read() as sql:
                expected = queries.best(sql, template, region)
            if expected is None:
                assert found is None
            else:
                assert found is not None
                assert (found.ami_id, found.image_id) == (expected[0].ami_id, expected[1])
    for ami_id in [item.ami_id for item in filled.browse(per_page=100).items][:30]:
        details = filled.details(ami_id, reviews_per_page=3)
        with filled.db.read() as sql:
            record, histogram, _ = queries.one_by_ref(sql, ami_id)
            listed = queries.reviews(sql, ami_id, 1, 3)
        assert details.model_dump(exclude={"reviews", "review_page", "reviews_per_page"}) == {
            **record.model_dump(),
            "review_total": record.rating_count,
            "rating_histogram": histogram,
        }
        assert details.reviews == listed


def test_the_newest_reviews_kept_with_a_record_are_its_newest_ratings(
    filled: CommunityRegistry,
) -> None:
    """The kept reviews (page 1 of details) match ``ami_ratings`` after rates and re-rates."""
    ami_id = filled.browse(sort="rating").items[0].ami_id
    clock = datetime(2026, 2, 1)
    for n in range(limits.MAX_REVIEWS_PER_PAGE + 15):  # more ratings than are kept
        filled.clock = lambda n=n: clock + timedelta(seconds=n // 2)  # pairs share a second
        filled.rate(f"crowd{n % (limits.MAX_REVIEWS_PER_PAGE + 5)}", ami_id, 1 + n % 5)
    for page, size in ((1, limits.MAX_REVIEWS_PER_PAGE), (2, 50), (3, 50), (7, 15)):
        with filled.db.read() as sql:
            expected = queries.reviews(sql, ami_id, page, size)
        assert filled.details(ami_id, review_page=page, reviews_per_page=size).reviews == expected
    assert len(filled.details(ami_id, reviews_per_page=100).reviews) == 100


def _sql_details(registry: CommunityRegistry, ref: str, page: int = 1, size: int = 20) -> dict:
    with registry.db.read() as sql:
        record, histogram, _ = queries.one_by_ref(sql, ref)
        listed = queries.reviews(sql, record.ami_id, page, size)
    return {
        **record.model_dump(),
        "reviews": [review.model_dump() for review in listed],
        "review_page": page,
        "reviews_per_page": size,
        "review_total": record.rating_count,
        "rating_histogram": histogram,
    }


def _no_database(registry: CommunityRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("answered from memory: no database read expected")

    monkeypatch.setattr(registry.db, "read", refuse)


def test_details_come_from_memory_by_registry_or_image_id(
    filled: CommunityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A details page within the kept reviews is answered on the spot (an event loop's quick
    answer), for a registry id and for each EC2 image id the record holds, as SQL answers it."""
    records = filled.browse(sort="rating", per_page=40).items
    expected = {
        ref: _sql_details(filled, ref, 1, 5)
        for record in records
        for ref in (record.ami_id, *record.images.values())
    }
    _no_database(filled, monkeypatch)
    for ref, answer in expected.items():
        quick = filled.plan_details(ref, reviews_per_page=5).quick_answer()
        assert quick is not None, ref
        assert AmiDetails.model_validate_json(quick).model_dump() == answer, ref


def test_details_past_the_kept_reviews_or_of_unknown_images_read_the_database(
    filled: CommunityRegistry,
) -> None:
    ami_id = filled.browse(sort="rating").items[0].ami_id
    deep = filled.plan_details(ami_id, review_page=2, reviews_per_page=limits.MAX_REVIEWS_PER_PAGE)
    assert deep.quick_answer() is None  # page 2 of 100 lies past the 100 kept
    assert AmiDetails.model_validate_json(deep.compute()).model_dump() == _sql_details(
        filled, ami_id, 2, limits.MAX_REVIEWS_PER_PAGE
    )
    unknown = filled.plan_details("ami-0123456789abcdef0")
    assert unknown.quick_answer() is None
    with pytest.raises(NotFound):
        unknown.compute()


def test_a_rating_shows_in_details_from_memory_at_once(
    filled: CommunityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = filled.browse(sort="downloads", page=2).items[0]
    filled.rate("newcomer", record.ami_id, 5, "just rated")
    image = next(iter(record.images.values()))
    expected = _sql_details(filled, image)
    _no_database(filled, monkeypatch)
    quick = filled.plan_details(image).quick_answer()
    assert quick is not None
    details = AmiDetails.model_validate_json(quick)
    assert details.model_dump() == expected
    assert (details.reviews[0].user, details.reviews[0].review) == ("newcomer", "just rated")


def test_a_record_whose_copies_change_is_found_by_its_new_images_only() -> None:
    """The table maps each EC2 image id to the record holding it now (a newer version of a
    record listing other copies drops the old ids)."""
    from cws_jupyter.core.registry.recordtable import VERSION, RecordTable

    def row(version: int, regions_text: str) -> list:
        fixed = datetime(2026, 1, 1)
        return [
            "cami-00000000000000a1", "copies", "python-ml", None, "alice", "", "1.0",
            0, 0, 0, False, "unverified", fixed, fixed, regions_text,
            0, 0, 0, 0, 0, True, 0.0, 0.0, "copies python-ml", None, version,
        ]  # fmt: skip

    table = RecordTable()
    table.load([row(1, " eu-west-1=ami-000000000000000e1 us-east-1=ami-000000000000000a1 ")])
    assert table.find("ami-000000000000000e1") == table.find("ami-000000000000000a1") == 0
    table.upsert(row(2, " us-east-1=ami-000000000000000a1 us-west-2=ami-000000000000000b2 "))
    assert len(row(2, "")) == VERSION + 1
    assert table.find("ami-000000000000000e1") is None
    assert table.find("ami-000000000000000b2") == table.find("cami-00000000000000a1") == 0
    assert table.reviews(0) is None


def test_a_write_shows_at_once_in_its_own_process(filled: CommunityRegistry) -> None:
    top = filled.browse(sort="downloads").items[0]
    underdog = filled.browse(sort="downloads", page=3, per_page=10).items[0]
    for _ in range(top.download_count - underdog.download_count + 1):
        filled.use(underdog.ami_id)
    assert filled.browse(sort="downloads").items[0].ami_id == underdog.ami_id
    assert filled.browse(sort="downloads") == _sql_page(filled, "downloads", 1, 20)


def test_other_processes_writes_show_within_max_staleness(pg_url: str) -> None:
    """Two registries on one PostgreSQL database, as two processes would be."""
    writer = CommunityRegistry.open(pg_url)
    lazy = CommunityRegistry.open(pg_url, max_staleness=3600)
    prompt = CommunityRegistry.open(pg_url, max_staleness=0)
    bounded = CommunityRegistry.open(pg_url, max_staleness=0.2)
    try:
        writer.create_token("alice", GOOD_ACCOUNT)
        for registry in (writer, lazy, prompt, bounded):
            assert registry.browse().total == 0
        writer.submit("alice", _body(1))
        assert writer.browse().total == 1  # its own write: at once
        assert prompt.browse().total == 1  # a check on every read
        assert lazy.browse().total == 0  # within its hour-long bound it may lag
        time.sleep(0.3)
        assert bounded.browse().total == 1  # past its bound it has caught up
        bounded.warm()  # following: a thread fetches on the beat, no read needed
        writer.submit("alice", _body(2))
        deadline = time.monotonic() + 10
        while bounded.catalog.version(fetch=False) < writer.catalog.version(fetch=False):
            assert time.monotonic() < deadline, "the follower never fetched"
            time.sleep(0.05)
    finally:
        for registry in (writer, lazy, prompt, bounded):
            registry.close()


def _body(n: int) -> dict:
    return {
        "template": "python-ml",
        "name": f"Image {n}",
        "version": "1.0",
        "regions": {"us-east-1": f"ami-{n:08x}000000001"},
    }


def test_totals_are_exact_from_facets_and_capped_for_text_searches(
    filled: CommunityRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = filled.browse().total
    assert everything == 70
    for region in REGIONS:
        with filled.db.read() as sql:
            counted = sql.value(
                "SELECT count(DISTINCT ami_id) FROM ami_regions WHERE region = ?", (region,)
            )
        assert _sql_page(filled, "best", 1, 1, region=region).total == counted
    monkeypatch.setattr(queries, "COUNT_CAP", 10)
    capped = _sql_page(filled, "best", 1, 20, q="image")
    assert (capped.total, capped.total_is_estimate) == (10, True)
    assert len(capped.items) == 20  # pages go on past the cap
    assert len(_sql_page(filled, "best", 4, 20, q="image").items) == 10  # 70 in all
    exact = filled.browse(q="image")  # the catalog counts exactly
    assert (exact.total, exact.total_is_estimate) == (70, False)


def test_browse_answers_are_browse_pages(filled: CommunityRegistry) -> None:
    raw = filled.plan_browse(template="python-ml").answer()
    page = BrowsePage.model_validate_json(raw)
    assert page.total == sum(
        1 for i in filled.browse(per_page=100).items if i.template == "python-ml"
    )


# -- the word index ------------------------------------------------------------------------
ALPHABET = st.sampled_from(list("ab1 -_%.éÜ"))


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(ALPHABET, max_size=12), min_size=1, max_size=12),
    q=st.text(ALPHABET, min_size=1, max_size=5),
)
def test_the_word_index_finds_exactly_the_texts_containing_the_search(
    texts: list[str], q: str
) -> None:
    index = TextIndex()
    lowered = [text.lower() for text in texts]
    for text in lowered:
        index.add(text)
    needle = q.lower()
    expected = [n for n, t in enumerate(lowered) if needle in t]
    quick = index.quick_search(needle)  # nothing remembered yet: only "not quick" or right
    assert quick is None or quick.tolist() == expected
    assert index.search(needle).tolist() == expected
    quick = index.quick_search(needle)  # its look-ups remembered now
    assert quick is None or quick.tolist() == expected
    index.add(needle)  # a later text: remembered look-ups must not hide it
    assert index.search(needle).tolist()[-1] == len(lowered)


def test_a_prefix_of_many_words_finds_exactly_the_texts_holding_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short prefix beginning thousands of words (read from the postings array), before and
    after texts are added (the array then out of date until it is remade)."""
    from cws_jupyter.core.registry import textindex

    texts = [f"gpu build {n} lab {n % 97}" for n in range(3000)]
    index = TextIndex()
    for text in texts:
        index.add(text)

    def check(q: str) -> None:
        assert index.search(q).tolist() == [n for n, t in enumerate(texts) if q in t], q

    for q in ("gpu build 1", "build 2", "lab 9", "d 12", "gpu build 29"):
        check(q)
    texts += ["gpu build 1x", "cpu build 10 lab 1"]
    for text in texts[-2:]:
        index.add(text)
    for q in ("gpu build 1", "build 10", "lab 1"):  # the array is not remade yet: words looped
        check(q)
    monkeypatch.setattr(textindex, "POSTINGS_SECONDS", 0.0)
    texts.append("gpu build 100000")
    index.add(texts[-1])
    for q in ("gpu build 1", "build 100", "lab 1"):  # remade
        check(q)


def test_a_fetch_applied_late_never_takes_a_record_back(filled: CommunityRegistry) -> None:
    """Two fetches can overlap (a write's and the follower's): rows only move forward."""
    from cws_jupyter.core.registry.recordtable import DOWNLOADS, VERSION, RecordTable

    rows = list(filled.catalog._load(-1))
    table = RecordTable()
    table.load(rows)
    row = list(max(rows, key=lambda r: r[VERSION]))
    newer = [
        *row[:DOWNLOADS],
        row[DOWNLOADS] + 1000,
        *row[DOWNLOADS + 1 : VERSION],
        row[VERSION] + 1,
    ]
    older = [*row[:DOWNLOADS], 0, *row[DOWNLOADS + 1 : VERSION], row[VERSION] - 1]
    table.upsert(newer)
    table.upsert(older)  # the earlier fetch, applied last
    assert table.page(None, None, None, None, "downloads", 0, 1)[1] == [table.find(row[0])]
