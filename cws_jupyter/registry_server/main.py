"""The `cws-registry` command: serve the registry, migrate its database, manage write tokens.

    cws-registry [--db URL] [--cache URL] [--host 127.0.0.1] [--port 8948] [--processes N]
    cws-registry migrate [--db URL]
    cws-registry token create USER [--account ID] [--db URL]
    cws-registry token revoke USER-OR-TOKEN-PREFIX [--db URL]

``--db`` defaults to CWS_REGISTRY_DB, else an embedded DuckDB file in the user's data folder;
``--cache`` to CWS_REGISTRY_CACHE (a redis:// URL; none by default). Exit codes: 0 done, 2 bad
input, 1 a failure (the database unreachable, ...).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from ..core.errors import CwsError
from ..core.registry.limits import MAX_STALENESS_SECONDS, WRITES_PER_MINUTE

F = TypeVar("F", bound=Callable[..., Any])
DB_HELP = "Database URL: duckdb:///path/registry.duckdb or postgresql://user@host/db."


def core_errors(command: F) -> F:
    """A core error as a red line and its exit code (2 bad input, 1 failure)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CwsError as exc:
            where = f" ({exc.field})" if exc.field else ""
            click.secho(f"error{where}: {exc.message}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def db_option(command: F) -> F:
    """``--db`` (CWS_REGISTRY_DB)."""
    return click.option("--db", "db_url", envvar="CWS_REGISTRY_DB", default=None, help=DB_HELP)(
        command
    )


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option(
    "--cache",
    "cache_url",
    envvar="CWS_REGISTRY_CACHE",
    default=None,
    help="Redis URL (redis://host:6379/0) for the shared cache and write limits.",
)
@click.option(
    "--cache-prefix",
    envvar="CWS_REGISTRY_CACHE_PREFIX",
    default="cws-registry:",
    show_default=True,
    help="Prefix of every Redis key (processes of one registry share it).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8948, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Threads running database and AWS calls (also the PostgreSQL pool size).",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (one per core; PostgreSQL only).",
)
@click.option(
    "--writes-per-minute",
    default=WRITES_PER_MINUTE,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Writes one token may make per minute.",
)
@click.option(
    "--no-verify",
    is_flag=True,
    help="Do not check submitted images with AWS (records are stored unverified).",
)
@click.option(
    "--catalog/--no-catalog",
    default=True,
    show_default=True,
    help="Answer browse, best and details from an in-memory read model of the records "
    "(~1.5 KB a record); --no-catalog asks the database every time.",
)
@click.option(
    "--max-staleness-ms",
    default=int(MAX_STALENESS_SECONDS * 1000),
    show_default=True,
    type=click.IntRange(0, 60_000),
    help="How far behind other processes' writes an answer may be: this process checks for "
    "changes at most this often (its own writes show at once); 0 checks on every read.",
)
@click.option(
    "--log-level",
    default="WARNING",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="INFO logs every request (tornado's access log).",
)
@click.version_option(package_name="cws-jupyter", prog_name="cws-registry")
@click.pass_context
@core_errors
def cli(
    ctx: click.Context,
    db_url: str | None,
    cache_url: str | None,
    cache_prefix: str,
    host: str,
    port: int,
    threads: int,
    processes: int,
    writes_per_minute: int,
    no_verify: bool,
    catalog: bool,
    max_staleness_ms: int,
    log_level: str,
) -> None:
    """cws-registry: the community AMI registry server (serves when no command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..core.registry import CommunityRegistry, NoVerifier, aws_verifier
    from .app import serve

    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    def open_registry(run_migrations: bool = True) -> CommunityRegistry:
        return CommunityRegistry.open(
            db_url,
            cache_url,
            cache_prefix=cache_prefix,
            verifier=NoVerifier() if no_verify else aws_verifier(),
            writes_per_minute=writes_per_minute,
            pool_size=threads,
            catalog=catalog,
            max_staleness=max_staleness_ms / 1000,
            run_migrations=run_migrations,
        )

    if processes > 1:
        sys.exit(_serve_processes(open_registry, db_url, cache_url, host, port, threads, processes))
    asyncio.run(serve(open_registry(), host, port, threads))


def _serve_processes(
    open_registry: Callable[..., Any],
    db_url: str | None,
    cache_url: str | None,
    host: str,
    port: int,
    threads: int,
    processes: int,
) -> int:
    """Migrate once, then fork the servers (each opens its own registry after the fork)."""
    from ..core.errors import BadInput
    from ..core.registry.migrations import migrate as run_migrations
    from ..core.registry.storage import open_database, redact
    from .processes import serve_processes

    db = open_database(db_url)
    try:
        if db.kind == "duckdb":
            raise BadInput(
                f"--processes {processes} needs PostgreSQL: DuckDB lets one process open "
                f"{redact(db.url)}; run one process, or use --db postgresql://...",
                field="processes",
            )
        run_migrations(db)
        description = f"{redact(db.url)} (cache: {'redis' if cache_url else 'none'})"
    finally:
        db.close()  # nothing of it may cross the fork
    return serve_processes(
        lambda: open_registry(run_migrations=False), host, port, threads, processes, description
    )


@cli.command()
@db_option
@core_errors
def migrate(db_url: str | None) -> None:
    """Bring the database's schema up to date (safe to run again, or from two hosts at once)."""
    from ..core.registry.migrations import LATEST
    from ..core.registry.migrations import migrate as run_migrations
    from ..core.registry.storage import open_database, redact

    db = open_database(db_url)
    try:
        applied = run_migrations(db)
    finally:
        db.close()
    if applied:
        click.echo(f"migrated {redact(db.url)} to schema version {LATEST} (applied {applied})")
    else:
        click.echo(f"{redact(db.url)} is up to date (schema version {LATEST})")


@cli.group()
def token() -> None:
    """Create and revoke write tokens."""


@token.command("create")
@click.argument("user")
@click.option(
    "--account",
    default=None,
    help="The user's 12-digit AWS account: their submissions are verified against it.",
)
@db_option
@core_errors
def token_create(user: str, account: str | None, db_url: str | None) -> None:
    """Make a token for USER (created if new) and print it: it is shown only this once."""
    from ..core.registry import CommunityRegistry

    registry = CommunityRegistry.open(db_url)
    try:
        made = registry.create_token(user, account)
    finally:
        registry.close()
    click.echo(made.token)
    bound = f", AWS account {made.account_id}" if made.account_id else ", no AWS account bound"
    click.echo(
        f"token {made.prefix}... for {made.user}{bound}. Keep it secret: it is not shown again.",
        err=True,
    )


@token.command("revoke")
@click.argument("user_or_prefix", metavar="USER-OR-TOKEN-PREFIX")
@db_option
@core_errors
def token_revoke(user_or_prefix: str, db_url: str | None) -> None:
    """Revoke all live tokens of a user, or the token starting with a prefix (cwsr_...)."""
    from ..core.registry import CommunityRegistry

    registry = CommunityRegistry.open(db_url)
    try:
        count = registry.revoke_token(user_or_prefix)
    finally:
        registry.close()
    click.echo(f"revoked {count} token{'s' if count != 1 else ''}")


def main() -> None:
    """The console script."""
    cli(prog_name="cws-registry")


if __name__ == "__main__":
    main()
