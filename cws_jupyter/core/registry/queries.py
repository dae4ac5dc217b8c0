"""The registry's reads: browse pages, one record with its reviews, the best image for a region.

Every value from a request is a parameter; the only text formatted into SQL is chosen from fixed
tables here (the ORDER BY of each sort, the filter fragments).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

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
#: Records with an available image in a region (``regions_text`` lists `` region=image ``).
REGION_FILTER = "a.regions_text LIKE ?"


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
        params.append(f"% {region}=%")  # region names hold no LIKE wildcards
    if q:
        where.append("a.search_text LIKE ? ESCAPE '\\'")
        params.append(like_pattern(q))
    return " AND ".join(where), params


def count(sql: Sql, condition: str, params: list[Any]) -> int:
    """How many public records match ``condition``."""
    return int(sql.value(f"SELECT count(*) FROM ami_registry a WHERE {condition}", params))


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


def reviews(sql: Sql, ami_id: str, page: int, per_page: int) -> tuple[list[Review], dict[str, int]]:
    """A page of ratings (newest first) and how many ratings of each star count there are."""
    rows = sql.all(
        "SELECT user_id, rating, review, created_at FROM ami_ratings WHERE ami_id = ? "
        "ORDER BY created_at DESC, user_id LIMIT ? OFFSET ?",
        (ami_id, per_page, (page - 1) * per_page),
    )
    spread = {str(stars): 0 for stars in range(1, 6)}
    for stars, count in sql.all(
        "SELECT rating, count(*) FROM ami_ratings WHERE ami_id = ? GROUP BY rating", (ami_id,)
    ):
        spread[str(stars)] = int(count)
    found = [
        Review(user=user, rating=rating, review=text, created_at=_utc(at))
        for user, rating, text, at in rows
    ]
    return found, spread


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
