"""The `cws-registry` command: tokens printed once, revocation, migrations, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cws_jupyter.core.registry import CommunityRegistry
from cws_jupyter.core.registry.storage import default_db_path, default_db_url
from cws_jupyter.registry_server.main import cli


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"duckdb://{tmp_path / 'registry.duckdb'}"


def run(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_token_create_prints_the_token_once_and_stores_its_hash(db: str) -> None:
    made = run("token", "create", "alice", "--account", "123456789012", "--db", db)
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("cwsr_") and len(token) == 69
    assert "123456789012" in made.stderr and token not in made.stderr
    registry = CommunityRegistry.open(db)
    try:
        who = registry.authenticate(token)
        assert (who.user_id, who.account_id) == ("alice", "123456789012")
        with registry.db.read() as sql:
            assert not sql.all("SELECT 1 FROM tokens WHERE token_hash = ?", (token,))
    finally:
        registry.close()


def test_token_revoke_by_user_and_by_prefix(db: str) -> None:
    first = run("token", "create", "bob", "--db", db).stdout.strip()
    second = run("token", "create", "bob", "--db", db).stdout.strip()
    by_prefix = run("token", "revoke", first[:13], "--db", db)
    assert by_prefix.exit_code == 0 and "revoked 1 token" in by_prefix.stdout
    by_user = run("token", "revoke", "bob", "--db", db)
    assert by_user.exit_code == 0 and "revoked 1 token" in by_user.stdout
    again = run("token", "revoke", "bob", "--db", db)
    assert again.exit_code == 2 and "no live token" in again.stderr
    registry = CommunityRegistry.open(db)
    try:
        for token in (first, second):
            with pytest.raises(Exception, match="unknown or revoked"):
                registry.authenticate(token)
    finally:
        registry.close()


def test_migrate_reports_then_is_idempotent(db: str) -> None:
    first = run("migrate", "--db", db)
    assert first.exit_code == 0 and "migrated" in first.stdout
    second = run("migrate", "--db", db)
    assert second.exit_code == 0 and "up to date" in second.stdout


def test_the_database_url_comes_from_the_environment(db: str) -> None:
    made = run("token", "create", "carol", env={"CWS_REGISTRY_DB": db})
    assert made.exit_code == 0
    assert run("token", "revoke", "carol", "--db", db).exit_code == 0


def test_bad_input_exits_2_with_the_field(db: str, tmp_path: Path) -> None:
    bad_user = run("token", "create", "not a name", "--db", db)
    assert bad_user.exit_code == 2 and "(user)" in bad_user.stderr
    bad_account = run("token", "create", "dave", "--account", "12", "--db", db)
    assert bad_account.exit_code == 2 and "(account)" in bad_account.stderr
    bad_url = run("migrate", "--db", "mysql://localhost/x")
    assert bad_url.exit_code == 2 and "(db)" in bad_url.stderr


def test_an_unreachable_postgresql_exits_1() -> None:
    result = run("migrate", "--db", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert result.exit_code == 1
    assert "cannot connect to PostgreSQL" in result.stderr


def test_passwords_are_not_printed() -> None:
    url = "postgresql://admin:s3cret@127.0.0.1:1/none?connect_timeout=1"
    result = run("migrate", "--db", url)
    assert "s3cret" not in result.stderr and "***" in result.stderr


def test_the_default_database_lives_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CWS_REGISTRY_DB", raising=False)
    monkeypatch.setenv("CWS_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "data" / "registry.duckdb"
    assert default_db_url() == f"duckdb://{tmp_path / 'data' / 'registry.duckdb'}"
