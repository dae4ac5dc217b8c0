"""Versioned schema migrations, recorded in ``schema_version``; run on server start and by
``cws-registry migrate``. Running them again does nothing. The pending migrations run in one
transaction (DDL is transactional in both PostgreSQL and DuckDB): a failure leaves the schema as
it was. On PostgreSQL that transaction first takes an advisory lock, so processes starting at once
take turns: the first migrates, the others then find nothing to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import facets, reviews
from .storage import Database, Sql

#: The advisory lock's first key ("cwsr" in ASCII); the second is the schema's name hashed.
LOCK_KEY = 0x63777372
#: The star counts kept per record (``stars_1`` .. ``stars_5``).
STARS = (1, 2, 3, 4, 5)
#: Recounts every record's ``stars_N`` from its ratings (migration 3, and bulk loads).
STARS_REBUILD = (
    "UPDATE ami_registry SET "
    + ", ".join(f"stars_{n} = s.n{n}" for n in STARS)
    + " FROM (SELECT ami_id, "
    + ", ".join(f"count(*) FILTER (WHERE rating = {n}) AS n{n}" for n in STARS)
    + " FROM ami_ratings GROUP BY ami_id) s WHERE s.ami_id = ami_registry.ami_id"
)
#: The columns of each browse order (as ``queries.ORDER_BY``), indexed on PostgreSQL after
#: ``template_name`` and after ``category`` so a filtered page reads only the rows it shows.
SORT_INDEX_COLUMNS = {
    "rank": "rank_score DESC, ami_id",
    "bayes": "rating_bayes DESC, ami_id",
    "downloads": "download_count DESC, ami_id",
    "recent": "last_updated DESC, ami_id",
    "name": "name, ami_id",
}


@dataclass(frozen=True)
class Migration:
    """One schema step: statements for both backends, then each backend's own."""

    version: int
    description: str
    common: tuple[str, ...] = ()
    duckdb: tuple[str, ...] = ()
    postgresql: tuple[str, ...] = ()
    #: PostgreSQL statements that may fail (an extension not installed): tried, skipped if so.
    optional_postgresql: tuple[str, ...] = field(default=())


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "records, regions, ratings, users, tokens, downloads",
        common=(
            """CREATE TABLE ami_registry (
                ami_id VARCHAR(21) PRIMARY KEY,
                template_name VARCHAR(100) NOT NULL,
                creator VARCHAR(100) NOT NULL,
                name VARCHAR(200) NOT NULL,
                description TEXT,
                version VARCHAR(50),
                category VARCHAR(50),
                created_at TIMESTAMP NOT NULL,
                last_updated TIMESTAMP NOT NULL,
                public BOOLEAN DEFAULT FALSE,
                verified BOOLEAN DEFAULT FALSE,
                verification TEXT,
                download_count INTEGER NOT NULL DEFAULT 0,
                rating_sum BIGINT NOT NULL DEFAULT 0,
                rating_count INTEGER NOT NULL DEFAULT 0,
                rating_bayes DOUBLE PRECISION NOT NULL DEFAULT 0,
                rank_score DOUBLE PRECISION NOT NULL DEFAULT 0,
                search_text TEXT NOT NULL DEFAULT '',
                regions_text TEXT NOT NULL DEFAULT ''
            )""",
            """CREATE TABLE ami_regions (
                ami_id VARCHAR(21) NOT NULL REFERENCES ami_registry (ami_id),
                region VARCHAR(20) NOT NULL,
                ami_image_id VARCHAR(21) NOT NULL,
                available BOOLEAN DEFAULT TRUE,
                last_tested TIMESTAMP,
                PRIMARY KEY (ami_id, region)
            )""",
            "CREATE UNIQUE INDEX ami_regions_image ON ami_regions (ami_image_id)",
            """CREATE TABLE ami_ratings (
                ami_id VARCHAR(21) NOT NULL REFERENCES ami_registry (ami_id),
                user_id VARCHAR(100) NOT NULL,
                rating INTEGER NOT NULL CHECK (rating >= 1 AND rating <= 5),
                review TEXT,
                created_at TIMESTAMP NOT NULL,
                PRIMARY KEY (ami_id, user_id)
            )""",
            """CREATE TABLE users (
                user_id VARCHAR(100) PRIMARY KEY,
                account_id VARCHAR(12),
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE tokens (
                token_hash VARCHAR(64) PRIMARY KEY,
                user_id VARCHAR(100) NOT NULL,
                prefix VARCHAR(16) NOT NULL,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP
            )""",
            """CREATE TABLE downloads (
                ami_id VARCHAR(21) NOT NULL,
                region VARCHAR(20),
                user_id VARCHAR(100),
                downloaded_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX idx_template ON ami_registry (template_name)",
            "CREATE INDEX idx_creator ON ami_registry (creator)",
            "CREATE INDEX idx_public ON ami_registry (public)",
        ),
    ),
    Migration(
        2,
        "indexes for ranked browsing, region filters, search and token look-ups",
        postgresql=(
            "CREATE INDEX idx_rank ON ami_registry (rank_score DESC, ami_id)",
            "CREATE INDEX idx_template_rank ON ami_registry (template_name, rank_score DESC)",
            "CREATE INDEX idx_category_rank ON ami_registry (category, rank_score DESC)",
            "CREATE INDEX idx_bayes ON ami_registry (rating_bayes DESC, ami_id)",
            "CREATE INDEX idx_downloads ON ami_registry (download_count DESC, ami_id)",
            "CREATE INDEX idx_recent ON ami_registry (last_updated DESC, ami_id)",
            "CREATE INDEX idx_name ON ami_registry (name, ami_id)",
            "CREATE INDEX idx_regions_region ON ami_regions (region, ami_id)",
            "CREATE INDEX idx_ratings_recent ON ami_ratings (ami_id, created_at DESC)",
            "CREATE INDEX idx_tokens_user ON tokens (user_id)",
            "CREATE INDEX idx_tokens_prefix ON tokens (prefix)",
            "CREATE INDEX idx_downloads_ami ON downloads (ami_id)",
        ),
        optional_postgresql=(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "CREATE INDEX idx_search ON ami_registry USING gin (search_text gin_trgm_ops)",
        ),
    ),
    Migration(
        3,
        "record versions, facet and star counts, newest reviews, an index per browse order",
        common=(
            # one counter, bumped by every write that changes a record (its row lock makes
            # concurrent writers commit in version order): readers fetch what changed since
            """CREATE TABLE registry_version (
                id INTEGER PRIMARY KEY,
                value BIGINT NOT NULL
            )""",
            "INSERT INTO registry_version (id, value) VALUES (1, 0)",
            "ALTER TABLE ami_registry ADD COLUMN row_version BIGINT DEFAULT 0",
            """CREATE TABLE ami_facets (
                template_name VARCHAR(100) NOT NULL,
                category VARCHAR(50) NOT NULL,
                region VARCHAR(20) NOT NULL,
                records INTEGER NOT NULL,
                PRIMARY KEY (template_name, category, region)
            )""",
            *facets.REBUILD,
            # nullable with a default: DuckDB cannot add a NOT NULL column to a referenced table
            *(f"ALTER TABLE ami_registry ADD COLUMN stars_{n} INTEGER DEFAULT 0" for n in STARS),
            STARS_REBUILD,
            "ALTER TABLE ami_registry ADD COLUMN recent_reviews TEXT",
        ),
        duckdb=(reviews.REBUILD["duckdb"],),
        postgresql=(
            reviews.REBUILD["postgresql"],
            "CREATE INDEX idx_row_version ON ami_registry (row_version)",
            "DROP INDEX idx_template_rank",
            "DROP INDEX idx_category_rank",
            *(
                f"CREATE INDEX idx_{column}_{sort} ON ami_registry ({column}, {order})"
                for column in ("template_name", "category")
                for sort, order in SORT_INDEX_COLUMNS.items()
            ),
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _ensure_version_table(sql: Sql) -> None:
    sql.run(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description TEXT, applied_at TIMESTAMP NOT NULL)"
    )


def _apply(sql: Sql, kind: str, migration: Migration) -> None:
    for statement in (*migration.common, *getattr(migration, kind)):
        sql.run(statement)
    if kind == "postgresql":
        for statement in migration.optional_postgresql:
            sql.run("SAVEPOINT optional_step")
            try:
                sql.run(statement)
            except Exception:  # noqa: BLE001 - an optional speed-up (e.g. pg_trgm not installed)
                sql.run("ROLLBACK TO SAVEPOINT optional_step")
            else:
                sql.run("RELEASE SAVEPOINT optional_step")
    sql.run(
        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
        (migration.version, migration.description, _now()),
    )


def current_version(db: Database) -> int:
    """The schema version of ``db`` (0: nothing applied yet)."""
    with db.read() as sql:
        if db.kind == "postgresql":
            exists = sql.value("SELECT to_regclass('schema_version') IS NOT NULL")
        else:
            exists = sql.value(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
            )
        if not exists:
            return 0
        return int(sql.value("SELECT coalesce(max(version), 0) FROM schema_version") or 0)


def migrate(db: Database, target: int = LATEST) -> list[int]:
    """Apply every migration ``db`` lacks up to ``target``, in order; the versions applied
    (empty: up to date)."""
    applied: list[int] = []
    with db.write() as sql:
        if db.kind == "postgresql":
            sql.run("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", (LOCK_KEY,))
        _ensure_version_table(sql)
        done = {row[0] for row in sql.all("SELECT version FROM schema_version")}
        for migration in MIGRATIONS:
            if migration.version not in done and migration.version <= target:
                _apply(sql, db.kind, migration)
                applied.append(migration.version)
    return applied
