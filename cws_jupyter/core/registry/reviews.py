"""Each record's newest reviews, kept with the record as JSON: a details page reads one row.

A record's reviews page is its ratings newest first. Reading it from ``ami_ratings`` costs a
scan of the record's ratings: on DuckDB (no ordered index reads, ~20 µs to fetch each rating's
strings) 2-6 ms for a typical record and far more for a popular one with thousands. So every
record keeps its ``RECENT`` newest reviews in ``ami_registry.recent_reviews``, changed by each
rating in the same transaction; a details page within them reads that one value, and only deeper
pages read ``ami_ratings``.

Keeping it needs no query of ``ami_ratings``: a new rating is the newest (it is stamped now), so
it goes first; if it replaces the user's earlier rating, that one leaves the list; otherwise the
list is cut back to ``RECENT``. Should a rating not be the newest (the clock went back) and the
list come out short, it is read afresh from ``ami_ratings``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from .limits import MAX_REVIEWS_PER_PAGE
from .models import Review
from .storage import Sql

#: How many of the newest reviews each record keeps (a full first page at the largest size).
RECENT = MAX_REVIEWS_PER_PAGE

_ORDERED = "ORDER BY created_at DESC, user_id"
#: Writes every record's ``recent_reviews`` from its ratings (migration 3, bulk loads), per
#: backend (each has its own JSON functions; both spell timestamps so ``parse`` reads them).
REBUILD = {
    "duckdb": (
        "UPDATE ami_registry SET recent_reviews = s.listed FROM (SELECT ami_id, "
        'to_json(list(struct_pack("user" := user_id, rating := rating, review := review, '
        f"created_at := created_at) {_ORDERED}))::VARCHAR AS listed FROM (SELECT *, "
        f"row_number() OVER (PARTITION BY ami_id {_ORDERED}) AS n FROM ami_ratings) r "
        f"WHERE n <= {RECENT} GROUP BY ami_id) s WHERE s.ami_id = ami_registry.ami_id"
    ),
    "postgresql": (
        "UPDATE ami_registry SET recent_reviews = s.listed FROM (SELECT ami_id, "
        "json_agg(json_build_object('user', user_id, 'rating', rating, 'review', review, "
        f"'created_at', created_at) {_ORDERED})::text AS listed FROM (SELECT *, "
        f"row_number() OVER (PARTITION BY ami_id {_ORDERED}) AS n FROM ami_ratings) r "
        f"WHERE n <= {RECENT} GROUP BY ami_id) s WHERE s.ami_id = ami_registry.ami_id"
    ),
}


def parse(text: str | None) -> list[Review]:
    """The reviews kept as JSON (timestamps are UTC)."""
    if not text:
        return []
    found = []
    for item in json.loads(text):
        review = Review.model_validate(item)
        if review.created_at.tzinfo is None:
            review.created_at = review.created_at.replace(tzinfo=timezone.utc)
        found.append(review)
    return found


def page(text: str | None, page: int, per_page: int) -> list[Review] | None:
    """A page of the kept reviews, or None when it reaches past them (read ``ami_ratings``)."""
    start = (page - 1) * per_page
    if start + per_page > RECENT:
        return None
    return parse(text)[start : start + per_page]


def _dump(items: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(items), separators=(",", ":"))


def _key(item: dict[str, Any]) -> tuple[float, str]:
    """Newest first, then by user (as ``ORDER BY created_at DESC, user_id``)."""
    at = Review.model_validate(item).created_at.replace(tzinfo=timezone.utc)
    return (-at.timestamp(), item["user"])


def with_rating(
    text: str | None,
    user: str,
    rating: int,
    review: str | None,
    now: datetime,
    count: int,
) -> str | None:
    """The kept reviews (``text``) with a rating just stored put in (``count``: the record's
    ratings now); None when they must be read afresh (``rebuilt``)."""
    items = [item for item in json.loads(text or "[]") if item["user"] != user]
    fresh = {"user": user, "rating": rating, "review": review, "created_at": now.isoformat()}
    items = sorted([*items, fresh], key=_key)[:RECENT]
    if len(items) < min(count, RECENT):  # it sorted past the kept ones (the clock went back)
        return None
    return _dump(items)


def rebuilt(sql: Sql, ami_id: str) -> str:
    """A record's kept reviews, read from ``ami_ratings``."""
    rows = sql.all(
        f"SELECT user_id, rating, review, created_at FROM ami_ratings WHERE ami_id = ? "
        f"{_ORDERED} LIMIT ?",
        (ami_id, RECENT),
    )
    return _dump(
        [
            {"user": u, "rating": r, "review": t, "created_at": at.replace(tzinfo=None).isoformat()}
            for u, r, t, at in rows
        ]
    )
