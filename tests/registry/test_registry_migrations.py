"""Migrations: versioned, idempotent, and safe when several processes run them at once."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from cws_jupyter.core.registry.migrations import LATEST, MIGRATIONS, current_version, migrate
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
