"""The registry's reads: browse pages, one record with its reviews, the best image for a region.

Every value from a request is a parameter; the only text formatted into SQL is chosen from fixed
tables here (the ORDER BY of each sort, the filter fragments).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from . import facets
from .limits import COUNT_CAP
from .models import CommunityAMI, Review
from .storage import Sql

COLUMNS = (
    "a.ami_id, a.name, a.template_name, a.category, a.creator, a.description, a.version, "
    "a.rating_sum, a.rating_count, a.download_count, a.verified, a.verification, "
    "a.created_at, a.last_updated, a.regions_text"
)
#: The ORDER BY of each sort (ties broken by id, so pages never overlap).
ORDER_BY = {
    "best": "a.rank_score DESC, a.ami_id",
    "rating": "a.rating_bayes DESC, a.ami_id",
    "downloads": "a.download_count DESC, a.ami_id",
    "recent": "a.last_updated DESC, a.ami_id",
    "name": "a.name, a.ami_id",
}
#: Records with an available image in a region: a probe of ``ami_regions``' primary key per
#: record, so a page ordered by an index reads only the records it shows.
REGION_FILTER = (
    "EXISTS (SELECT 1 FROM ami_regions r WHERE r.ami_id = a.ami_id AND r.region = ? "
    "AND r.available)"
)
#: The star counts of a record, 1 to 5 (kept current by every rating).
STARS_COLUMNS = "a.stars_1, a.stars_2, a.stars_3, a.stars_4, a.stars_5"


def like_pattern(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere (its own ``%``, ``_`` and ``\\`` taken literally)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_text(*parts: str | None) -> str:
    """What ``q`` searches: the record's words, lower-cased, in one column."""
    return " ".join(p for p in parts if p).lower()


def parse_regions(text: str | None) -> dict[str, str]:
    """``regions_text`` as {region: image_id}."""
    pairs = (item.partition("=") for item in (text or "").split())
    return {region: image for region, _, image in pairs if image}


def record(row: Sequence[Any]) -> CommunityAMI:
    """A ``COLUMNS`` row as a record."""
    (ami_id, name, template, category, creator, description, version) = row[:7]
    (rating_sum, rating_count, downloads, verified, verification, created, updated) = row[7:14]
    images = parse_regions(row[14])
    return CommunityAMI(
        ami_id=ami_id,
        name=name,
        template=template,
        category=category,
        creator=creator,
        description=description or "",
        version=version or "",
        rating=round(rating_sum / rating_count, 4) if rating_count else None,
        rating_count=rating_count,
        download_count=downloads,
        regions=sorted(images),
        images=dict(sorted(images.items())),
        verified=bool(verified),
        verification=verification,
        created_at=_utc(created),
        last_updated=_utc(updated),
    )


def _utc(value: datetime) -> datetime:
    from datetime import timezone

    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def browse_filter(
    template: str | None, category: str | None, region: str | None, q: str | None
) -> tuple[str, list[Any]]:
    """The WHERE condition (fixed fragments only) and its parameters for browse's filters."""
    where = ["a.public"]
    params: list[Any] = []
    if template:
        where.append("a.template_name = ?")
        params.append(template)
    if category:
        where.append("a.category = ?")
        params.append(category)
    if region:
        where.append(REGION_FILTER)
        params.append(region)
    if q:
        where.append("a.search_text LIKE ? ESCAPE '\\'")
        params.append(like_pattern(q))
    return " AND ".join(where), params


def total(
    sql: Sql, template: str | None, category: str | None, region: str | None, q: str | None
) -> tuple[int, bool]:
    """How many public records browse's filters match: exact from the facet counts without a
    text search; with one, counted up to ``COUNT_CAP`` ((COUNT_CAP, True) beyond it)."""
    if not q:
        return facets.count(sql, template, category, region), False
    condition, params = browse_filter(template, category, region, q)
    return count_capped(sql, condition, params, COUNT_CAP)


def count_capped(sql: Sql, condition: str, params: list[Any], cap: int) -> tuple[int, bool]:
    """How many public records match ``condition``, counting no further than ``cap``:
    (count, True) when there are more than ``cap``, and the count is then ``cap``."""
    found = int(
        sql.value(
            f"SELECT count(*) FROM (SELECT 1 FROM ami_registry a WHERE {condition} LIMIT ?) s",
            [*params, cap + 1],
        )
    )
    return (cap, True) if found > cap else (found, False)


def page(
    sql: Sql, condition: str, params: list[Any], sort: str, page: int, per_page: int
) -> list[CommunityAMI]:
    """One page of the records matching ``condition``, in ``sort`` order."""
    rows = sql.all(
        f"SELECT {COLUMNS} FROM ami_registry a WHERE {condition} "
        f"ORDER BY {ORDER_BY[sort]} LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    )
    return [record(row) for row in rows]


def images_of(sql: Sql, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """{record id: {region: image_id}} of the available images of ``ids``."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    found: dict[str, dict[str, str]] = {}
    for ami_id, region, image in sql.all(
        f"SELECT ami_id, region, ami_image_id FROM ami_regions WHERE ami_id IN ({marks}) "
        "AND available",
        list(ids),
    ):
        found.setdefault(ami_id, {})[region] = image
    return found


def resolve(sql: Sql, ref: str) -> str | None:
    """The record id of a registry id or of any EC2 image id a record holds (None: unknown)."""
    if ref.startswith("cami-"):
        return sql.value("SELECT ami_id FROM ami_registry WHERE ami_id = ?", (ref,))
    return sql.value("SELECT ami_id FROM ami_regions WHERE ami_image_id = ?", (ref,))


def one(sql: Sql, ami_id: str) -> CommunityAMI | None:
    """One record by id, or None."""
    row = sql.one(f"SELECT {COLUMNS} FROM ami_registry a WHERE a.ami_id = ?", (ami_id,))
    return None if row is None else record(row)


def _by_ref(ref: str) -> str:
    """The condition picking the record of a registry id or of an EC2 image id it holds."""
    if ref.startswith("cami-"):
        return "a.ami_id = ?"
    return "a.ami_id = (SELECT ami_id FROM ami_regions WHERE ami_image_id = ?)"


def one_by_ref(sql: Sql, ref: str) -> tuple[CommunityAMI, dict[str, int], str | None] | None:
    """The record of a registry id or of any EC2 image id it holds, its rating histogram
    (``{"1": count, ..., "5": count}``) and its newest reviews (``reviews``), in one query;
    None when no record matches."""
    row = sql.one(
        f"SELECT {COLUMNS}, {STARS_COLUMNS}, a.recent_reviews FROM ami_registry a "
        f"WHERE {_by_ref(ref)}",
        (ref,),
    )
    if row is None:
        return None
    return record(row[:15]), histogram(row[15:20]), row[20]


def histogram(counts: Sequence[Any]) -> dict[str, int]:
    """Star counts 1..5 as ``{"1": n1, ..., "5": n5}``."""
    return {str(stars): int(n or 0) for stars, n in enumerate(counts, start=1)}


def reviews(sql: Sql, ami_id: str, page: int, per_page: int) -> list[Review]:
    """A page of a record's ratings, newest first."""
    rows = sql.all(
        "SELECT user_id, rating, review, created_at FROM ami_ratings WHERE ami_id = ? "
        "ORDER BY created_at DESC, user_id LIMIT ? OFFSET ?",
        (ami_id, per_page, (page - 1) * per_page),
    )
    return [
        Review(user=user, rating=rating, review=text, created_at=_utc(at))
        for user, rating, text, at in rows
    ]


def best(sql: Sql, template: str, region: str) -> tuple[CommunityAMI, str] | None:
    """The best-ranked public record of ``template`` with an available image in ``region``."""
    row = sql.one(
        f"SELECT {COLUMNS}, r.ami_image_id FROM ami_registry a JOIN ami_regions r "
        "ON r.ami_id = a.ami_id AND r.region = ? AND r.available "
        "WHERE a.public AND a.template_name = ? ORDER BY a.rank_score DESC, a.ami_id LIMIT 1",
        (region, template),
    )
    if row is None:
        return None
    return record(row[:15]), row[15]


def stats(sql: Sql) -> dict[str, int]:
    """Counts of records, verified records, ratings, users, live tokens and downloads."""
    records, verified = sql.one(
        "SELECT count(*), count(*) FILTER (WHERE verified) FROM ami_registry"
    ) or (0, 0)
    return {
        "records": int(records),
        "verified_records": int(verified or 0),
        "ratings": int(sql.value("SELECT coalesce(sum(rating_count), 0) FROM ami_registry")),
        "users": int(sql.value("SELECT count(*) FROM users")),
        "active_tokens": int(sql.value("SELECT count(*) FROM tokens WHERE revoked_at IS NULL")),
        "downloads": int(sql.value("SELECT coalesce(sum(download_count), 0) FROM ami_registry")),
    }
