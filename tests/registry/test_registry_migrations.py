"""Migrations: versioned, idempotent, and safe when several processes run them at once."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from cws_jupyter.core.registry import CommunityRegistry
from cws_jupyter.core.registry.migrations import LATEST, MIGRATIONS, current_version, migrate
from cws_jupyter.core.registry.ranking import RESCORE_SQL
from cws_jupyter.core.registry.storage import open_database

EXPECTED_TABLES = {
    "ami_registry",
    "ami_regions",
    "ami_ratings",
    "users",
    "tokens",
    "downloads",
    "schema_version",
}


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_migrations_apply_once_and_are_idempotent(db_url_for, kind: str) -> None:
    db = open_database(db_url_for(kind))
    try:
        assert current_version(db) == 0
        assert migrate(db) == [m.version for m in MIGRATIONS]
        assert current_version(db) == LATEST
        assert migrate(db) == []
        assert migrate(db) == []
        with db.read() as sql:
            versions = [row[0] for row in sql.all("SELECT version FROM schema_version ORDER BY 1")]
            tables = {
                row[0]
                for row in sql.all(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            }
            columns = {
                row[0]
                for row in sql.all(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'ami_registry' AND table_schema = current_schema()"
                )
            }
        assert versions == [m.version for m in MIGRATIONS]
        assert tables >= EXPECTED_TABLES
        # the spec's column names
        assert {
            "ami_id",
            "template_name",
            "creator",
            "name",
            "description",
            "version",
            "created_at",
            "last_updated",
            "public",
            "verified",
            "download_count",
        } <= columns
    finally:
        db.close()


def test_concurrent_migrations_on_postgresql_apply_each_version_once(pg_url: str) -> None:
    """Eight connections migrate one empty schema at the same moment."""
    databases = [open_database(pg_url, pool_size=2) for _ in range(8)]
    try:
        with ThreadPoolExecutor(8) as pool:
            applied = list(pool.map(migrate, databases))
        # one connection applied them all; the others waited, then found nothing to do
        assert sorted(applied, key=len) == [[]] * 7 + [[m.version for m in MIGRATIONS]]
        with databases[0].read() as sql:
            assert sql.value("SELECT count(*) FROM schema_version") == len(MIGRATIONS)
    finally:
        for db in databases:
            db.close()


def test_concurrent_migrate_commands_on_postgresql(pg_url: str) -> None:
    """Three `cws-registry migrate` processes at once: all succeed, one schema results."""
    argv = [sys.executable, "-m", "cws_jupyter.registry_server.main", "migrate", "--db", pg_url]
    procs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    said = "".join(out for out, _ in outputs)
    assert said.count("migrated") == 1 and said.count("up to date") == 2
    db = open_database(pg_url)
    try:
        assert current_version(db) == LATEST
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_a_version_2_database_upgrades_in_place(db_url_for, kind: str) -> None:
    """Records, regions and ratings written by schema 2 come out of migration 3 with their
    facet counts, star counts, newest reviews and versions, and read as before."""
    url = db_url_for(kind)
    db = open_database(url)
    try:
        assert migrate(db, target=2) == [1, 2]
        when = datetime(2026, 1, 5, 10, 30)
        with db.write() as sql:
            for n, (template, category, regions) in enumerate(
                (
                    ("python-ml", "machine-learning", ("us-east-1", "eu-west-1")),
                    ("python-ml", None, ("eu-west-1",)),
                    ("r-research", "data-science", ("us-east-1",)),
                )
            ):
                ami_id = f"cami-{n:016x}"
                listed = " " + " ".join(f"{r}=ami-{n:08x}{i:09x}" for i, r in enumerate(regions))
                sql.run(
                    "INSERT INTO ami_registry (ami_id, template_name, creator, name, description, "
                    "version, category, created_at, last_updated, public, verified, "
                    "download_count, rating_sum, rating_count, search_text, regions_text) "
                    "VALUES (?, ?, 'ana', ?, '', '1.0', ?, ?, ?, TRUE, FALSE, 0, 0, 0, ?, ?)",
                    (ami_id, template, f"Image {n}", category, when, when, f"image {n}",
                     listed + " "),
                )  # fmt: skip
                for i, region in enumerate(regions):
                    sql.run(
                        "INSERT INTO ami_regions (ami_id, region, ami_image_id, available) "
                        "VALUES (?, ?, ?, TRUE)",
                        (ami_id, region, f"ami-{n:08x}{i:09x}"),
                    )
            for user, stars in (("u1", 5), ("u2", 4), ("u3", 4)):
                sql.run(
                    "INSERT INTO ami_ratings (ami_id, user_id, rating, review, created_at) "
                    "VALUES ('cami-0000000000000000', ?, ?, ?, ?)",
                    (user, stars, f"by {user}", when + timedelta(minutes=stars)),
                )
            sql.run(
                "UPDATE ami_registry SET rating_sum = 13, rating_count = 3 "
                "WHERE ami_id = 'cami-0000000000000000'"
            )
            for n in range(3):  # scored as schema 2's writes scored them
                sql.run(RESCORE_SQL, (f"cami-{n:016x}",))
        assert migrate(db) == [3]
        assert current_version(db) == LATEST
    finally:
        db.close()
    registry = CommunityRegistry.open(url)
    try:
        assert registry.browse().total == 3
        assert registry.browse(region="us-east-1").total == 2
        assert registry.browse(template="python-ml", region="eu-west-1").total == 2
        assert registry.browse(category="machine-learning", region="us-east-1").total == 1
        details = registry.details("cami-0000000000000000")
        assert details.rating_histogram == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
        assert [r.user for r in details.reviews] == ["u1", "u2", "u3"]  # newest first
        # the upgraded database takes writes as a new one does
        registry.create_token("bob")
        registry.rate("bob", "cami-0000000000000002", 2, "meh")
        assert registry.details("cami-0000000000000002").reviews[0].review == "meh"
        with registry.db.read() as sql:
            assert sql.value("SELECT min(row_version) FROM ami_registry") == 0
            assert sql.value("SELECT max(row_version) FROM ami_registry") == 1
        assert registry.browse(sort="rating").items[0].ami_id == "cami-0000000000000000"
    finally:
        registry.close()
