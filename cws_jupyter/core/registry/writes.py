"""The registry's writes, each one transaction: new records, ratings, downloads, users, tokens.

Aggregates (``rating_sum``, ``rating_count``, ``stars_1`` .. ``stars_5``, ``download_count``,
the facet counts) and the stored ranking columns change in the same transaction as the rows they
summarize. On PostgreSQL a rating first locks its
record's row (``FOR UPDATE``), so concurrent ratings of one image take turns and the sums stay
exact; on DuckDB the process runs one write transaction at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import NotFound
from . import facets, reviews
from .errors import DuplicateImage, SelfRating
from .migrations import STARS
from .models import Submission
from .queries import search_text
from .ranking import RESCORE_SQL, bayes_sql, score_sql
from .storage import Sql

#: Rewrites ``regions_text`` (`` region=image region=image ``, sorted, space-delimited) from
#: the available rows of ``ami_regions``: a record's answer lists its images from this one
#: column instead of a join. Run after any change of a record's regions; without the WHERE
#: clause's parameter it serves bulk loads (see the benchmark).
REGIONS_TEXT_SQL = (
    "UPDATE ami_registry SET regions_text = s.listed FROM ("
    "SELECT ami_id, ' ' || string_agg(region || '=' || ami_image_id, ' ' ORDER BY region) || ' ' "
    "AS listed FROM ami_regions WHERE available {where} GROUP BY ami_id) s "
    "WHERE s.ami_id = ami_registry.ami_id"
)


def _lock_suffix(kind: str) -> str:
    return " FOR UPDATE" if kind == "postgresql" else ""


def next_version(sql: Sql) -> int:
    """The next record version, for the record this transaction changes (``row_version``).

    The counter's row stays locked until the transaction ends, so versions become visible in
    order: a reader that sees version N has every change up to N (``catalog`` relies on it).
    Every write takes it as its last lock (after the record's row, rating and facet rows, each
    taken in one order), so the lock is short and writers never deadlock.
    """
    return int(
        sql.value("UPDATE registry_version SET value = value + 1 WHERE id = 1 RETURNING value")
    )


def stamp(sql: Sql, ami_id: str) -> None:
    """Give the record a new version, as the last step of the transaction that changed it."""
    sql.run("UPDATE ami_registry SET row_version = ? WHERE ami_id = ?", (next_version(sql), ami_id))


def claimed_elsewhere(sql: Sql, images: list[str]) -> tuple[str, str] | None:
    """(image id, record id) of the first of ``images`` another record already lists."""
    if not images:
        return None
    marks = ", ".join("?" for _ in images)
    row = sql.one(
        f"SELECT ami_image_id, ami_id FROM ami_regions WHERE ami_image_id IN ({marks}) "
        "ORDER BY ami_image_id LIMIT 1",
        images,
    )
    return (row[0], row[1]) if row else None


def duplicate_error(image: str, holder: str) -> DuplicateImage:
    """The conflict of an image already listed."""
    return DuplicateImage(
        f"image {image} is already listed by registry record {holder}; rate or use that record, "
        "or submit images not listed yet",
        field="regions",
    )


def insert_record(
    sql: Sql,
    ami_id: str,
    creator: str,
    sub: Submission,
    verified: bool,
    verification: str,
    now: datetime,
    tested: datetime | None,
) -> None:
    """Insert a public record and its regions, and score it."""
    found = claimed_elsewhere(sql, list(sub.regions.values()))
    if found:
        raise duplicate_error(*found)
    sql.run(
        "INSERT INTO ami_registry (ami_id, template_name, creator, name, description, version, "
        "category, created_at, last_updated, public, verified, verification, download_count, "
        "rating_sum, rating_count, search_text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, 0, 0, 0, ?)",
        (
            ami_id,
            sub.template,
            creator,
            sub.name,
            sub.description,
            sub.version,
            sub.category,
            now,
            now,
            verified,
            verification,
            search_text(sub.name, sub.template, sub.category, sub.description),
        ),
    )
    sql.many(
        "INSERT INTO ami_regions (ami_id, region, ami_image_id, available, last_tested) "
        "VALUES (?, ?, ?, TRUE, ?)",
        [(ami_id, region, image, tested) for region, image in sorted(sub.regions.items())],
    )
    sql.run(REGIONS_TEXT_SQL.format(where="AND ami_id = ?"), (ami_id,))
    sql.run(RESCORE_SQL, (ami_id,))
    facets.add(sql, sub.template, sub.category, sub.regions)
    stamp(sql, ami_id)


def rate(
    sql: Sql, kind: str, ami_id: str, user: str, rating: int, review: str | None, now: datetime
) -> tuple[bool, int, int]:
    """Store ``user``'s rating of ``ami_id`` (replacing theirs): (replaced, new sum, new count).

    Five statements: the record read (and locked), the user's earlier rating read, the rating
    written, a version taken, and one update of the record's aggregates, star counts, newest
    reviews, scores (from the new values) and version.
    """
    row = sql.one(
        "SELECT creator, rating_sum, rating_count, "
        + ", ".join(f"stars_{n}" for n in STARS)
        + f", recent_reviews FROM ami_registry WHERE ami_id = ?{_lock_suffix(kind)}",
        (ami_id,),
    )
    if row is None:
        raise NotFound(f"no registry record {ami_id}", field="ami_id")
    if row[0] == user:
        raise SelfRating(
            f"you submitted {ami_id}, so you cannot rate it; ratings are for other users' images",
            field="ami_id",
        )
    old = sql.value(
        "SELECT rating FROM ami_ratings WHERE ami_id = ? AND user_id = ?", (ami_id, user)
    )
    sql.run(
        "INSERT INTO ami_ratings (ami_id, user_id, rating, review, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (ami_id, user_id) DO UPDATE SET "
        "rating = excluded.rating, review = excluded.review, created_at = excluded.created_at",
        (ami_id, user, rating, review, now),
    )
    total = int(row[1]) + rating - (old or 0)
    count = int(row[2]) + (0 if old is not None else 1)
    stars = [
        int(had or 0) + int(n == rating) - int(n == old)
        for n, had in zip(STARS, row[3:8], strict=True)
    ]
    kept = reviews.with_rating(row[8], user, rating, review, now, count)
    if kept is None:
        kept = reviews.rebuilt(sql, ami_id)
    sql.run(
        "UPDATE ami_registry SET rating_sum = ?, rating_count = ?, "
        + "".join(f"stars_{n} = ?, " for n in STARS)
        + "recent_reviews = ?, row_version = ?, "
        + f"rating_bayes = {bayes_sql('?', '?')}, rank_score = {score_sql('?', '?')} "
        + "WHERE ami_id = ?",
        (total, count, *stars, kept, next_version(sql), total, count, total, count, ami_id),
    )
    return old is not None, total, count


def use(sql: Sql, ami_id: str, region: str | None, user: str | None, now: datetime) -> int:
    """Count one download of ``ami_id``; its new download count (the count and the score in
    one update; no ``RETURNING``: DuckDB refuses it on a table other tables reference)."""
    sql.run(
        "UPDATE ami_registry SET download_count = download_count + 1, "
        f"rank_score = {score_sql(downloads='download_count + 1')} WHERE ami_id = ?",
        (ami_id,),
    )
    count = sql.value("SELECT download_count FROM ami_registry WHERE ami_id = ?", (ami_id,))
    if count is None:
        raise NotFound(f"no registry record {ami_id}", field="ami_id")
    sql.run(
        "INSERT INTO downloads (ami_id, region, user_id, downloaded_at) VALUES (?, ?, ?, ?)",
        (ami_id, region, user, now),
    )
    stamp(sql, ami_id)
    return int(count)


def upsert_user(sql: Sql, user: str, account: str | None, now: datetime) -> str | None:
    """Create ``user`` if new; bind ``account`` when given. Their bound account afterwards."""
    sql.run(
        "INSERT INTO users (user_id, account_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user, account, now),
    )
    if account is not None:
        sql.run("UPDATE users SET account_id = ? WHERE user_id = ?", (account, user))
    return sql.value("SELECT account_id FROM users WHERE user_id = ?", (user,))


def insert_token(sql: Sql, token_hash: str, user: str, prefix: str, now: datetime) -> None:
    """Store a token's hash (never the token)."""
    sql.run(
        "INSERT INTO tokens (token_hash, user_id, prefix, created_at) VALUES (?, ?, ?, ?)",
        (token_hash, user, prefix, now),
    )


def principal_row(sql: Sql, token_hash: str) -> tuple[Any, ...] | None:
    """(user, bound account, prefix) of a live token, or None."""
    return sql.one(
        "SELECT t.user_id, u.account_id, t.prefix FROM tokens t "
        "LEFT JOIN users u ON u.user_id = t.user_id "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        (token_hash,),
    )


def revoke(sql: Sql, column: str, value: str, now: datetime) -> int:
    """Revoke the live tokens whose ``column`` (user_id, prefix or token_hash) is ``value``."""
    if column not in ("user_id", "prefix", "token_hash"):
        raise ValueError(column)
    rows = sql.all(
        f"UPDATE tokens SET revoked_at = ? WHERE {column} = ? AND revoked_at IS NULL "
        "RETURNING token_hash",
        (now, value),
    )
    return len(rows)


def account_of(sql: Sql, user: str) -> str | None:
    """The AWS account bound to ``user`` (None: none, or no such user)."""
    return sql.value("SELECT account_id FROM users WHERE user_id = ?", (user,))
