"""Where the registry keeps its records, from a URL: an embedded DuckDB file or PostgreSQL.

SQL is written once with ``?`` placeholders; each backend adapts the paramstyle in ``Sql``. Only
constants are ever formatted into SQL; every user value travels as a parameter.

DuckDB allows one process per database file: this process owns it, reads run side by side on
per-thread cursors, and writes are serialized by a lock (one transaction at a time). PostgreSQL
serves several registry processes at once: connections come from a pool (autocommit for reads,
an explicit transaction for each write), and concurrent writes are made safe with row locks and
upserts.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..errors import BadInput
from .errors import StorageUnavailable

DB_ENV = "CWS_REGISTRY_DB"
DB_FILE = "registry.duckdb"


class DuplicateKey(Exception):
    """A write broke a primary-key or unique constraint (the constraint's name, if known)."""


def default_db_path() -> Path:
    """The embedded database in the user's data folder (``$CWS_HOME/data`` when CWS_HOME is set)."""
    home = os.environ.get("CWS_HOME")
    if home:
        return Path(home) / "data" / DB_FILE
    import platformdirs

    from ..config import APP

    return Path(platformdirs.user_data_dir(APP)) / DB_FILE


def default_db_url() -> str:
    """``CWS_REGISTRY_DB``, else the embedded DuckDB file in the user's data folder."""
    return os.environ.get(DB_ENV) or f"duckdb://{default_db_path()}"


def redact(url: str) -> str:
    """``url`` without its password (for logs and health answers)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = parts.username or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache(maxsize=512)
def _to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (the SQL holds no other ``%`` or ``?``)."""
    if "%" in sql:
        raise ValueError("registry SQL must not contain '%' (pass patterns as parameters)")
    return sql.replace("?", "%s")


class Sql:
    """A cursor with the registry's paramstyle: ``run``, ``all``, ``one``, ``value``, ``many``."""

    def __init__(self, cursor: Any, pyformat: bool) -> None:
        self._cursor = cursor
        self._pyformat = pyformat

    def _sql(self, sql: str) -> str:
        return _to_pyformat(sql) if self._pyformat else sql

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement."""
        self._cursor.execute(self._sql(sql), tuple(params))

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        self._cursor.execute(self._sql(sql), tuple(params))
        return list(self._cursor.fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        self._cursor.execute(self._sql(sql), tuple(params))
        row = self._cursor.fetchone()
        return tuple(row) if row is not None else None

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return row[0] if row else None

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Any]:
        """The rows of a query, fetched ``size`` at a time (a large read never holds every row
        as Python objects at once)."""
        self._cursor.execute(self._sql(sql), tuple(params))
        while batch := self._cursor.fetchmany(size):
            yield from batch

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each of ``rows``."""
        if rows:
            self._cursor.executemany(self._sql(sql), [tuple(r) for r in rows])


class Database(Protocol):
    """A registry database: ``read()`` and ``write()`` give an ``Sql`` (write: one transaction)."""

    kind: str
    url: str

    def read(self) -> Any: ...
    def write(self) -> Any: ...
    def ping(self) -> None: ...
    def close(self) -> None: ...


class DuckDatabase:
    """An embedded DuckDB file owned by this process."""

    kind = "duckdb"

    def __init__(self, path: Path) -> None:
        import duckdb

        self.url = f"duckdb://{path}"
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StorageUnavailable(
                    f"the registry database {path} is in use by another process (DuckDB allows "
                    "one process per file). Stop the other cws-registry, or use PostgreSQL "
                    "(--db postgresql://...) to run several processes"
                ) from None
            raise StorageUnavailable(f"cannot open the registry database {path}: {text}") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot create {path.parent}: {exc}") from None
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._cursors: list[Any] = []
        self._cursors_lock = threading.Lock()

    def _cursor(self) -> Any:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._conn.cursor()
            self._local.cursor = cursor
            with self._cursors_lock:
                self._cursors.append(cursor)
        return cursor

    @contextmanager
    def read(self) -> Iterator[Sql]:
        """A cursor of this thread (reads run side by side with each other and with a write)."""
        yield Sql(self._cursor(), pyformat=False)

    @contextmanager
    def write(self) -> Iterator[Sql]:
        """One transaction, alone: writes are serialized in this process."""
        import duckdb

        with self._write_lock:
            cursor = self._cursor()
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield Sql(cursor, pyformat=False)
            except duckdb.ConstraintException as exc:
                cursor.execute("ROLLBACK")
                if "Duplicate key" in str(exc) or "unique" in str(exc).lower():
                    raise DuplicateKey(str(exc)) from None
                raise
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            else:
                cursor.execute("COMMIT")

    def ping(self) -> None:
        """Raise if the database cannot answer."""
        with self.read() as sql:
            sql.value("SELECT 1")

    def close(self) -> None:
        """Close every cursor and the database."""
        with self._cursors_lock:
            for cursor in self._cursors:
                with contextlib.suppress(Exception):  # already closed is fine
                    cursor.close()
            self._cursors.clear()
        self._conn.close()


class PostgresDatabase:
    """A PostgreSQL database shared by any number of registry processes (a connection pool)."""

    kind = "postgresql"

    def __init__(self, url: str, min_size: int = 1, max_size: int = 10) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.url = url
        self._psycopg = psycopg
        try:  # one plain connection first: a wrong URL fails at once, with libpq's reason
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())[:300]
            raise StorageUnavailable(
                f"cannot connect to PostgreSQL at {redact(url)}: {reason}. Check that the server "
                "is running and the URL (user, database, password) is right"
            ) from None
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            open=False,
            timeout=10.0,
            name="cws-registry",
        )
        try:
            self._pool.open(wait=True, timeout=10.0)
        except Exception as exc:  # noqa: BLE001 - psycopg's pool reports many kinds of failure
            self._pool.close()
            raise StorageUnavailable(
                f"cannot open a connection pool to PostgreSQL at {redact(url)}: {exc}"
            ) from None

    @contextmanager
    def read(self) -> Iterator[Sql]:
        """A pooled connection in autocommit mode."""
        with self._pool.connection() as conn, conn.cursor() as cursor:
            yield Sql(cursor, pyformat=True)

    @contextmanager
    def write(self) -> Iterator[Sql]:
        """One transaction on a pooled connection (committed on success, rolled back on error)."""
        errors = self._psycopg.errors
        with self._pool.connection() as conn:
            try:
                with conn.transaction(), conn.cursor() as cursor:
                    yield Sql(cursor, pyformat=True)
            except errors.UniqueViolation as exc:
                raise DuplicateKey(str(exc)) from None

    def ping(self) -> None:
        """Raise if the database cannot answer."""
        with self.read() as sql:
            sql.value("SELECT 1")

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()


def open_database(url: str | None = None, *, pool_size: int = 10) -> Database:
    """The database a URL names: ``duckdb:///path/file.duckdb`` or ``postgresql://...``."""
    url = url or default_db_url()
    scheme = url.split(":", 1)[0].lower()
    if scheme == "duckdb":
        rest = url[len("duckdb:") :]
        path = re.sub(r"^//", "", rest)
        if not path or path in (":memory:", "/:memory:"):
            raise BadInput(
                "an in-memory DuckDB registry would lose everything on exit; give a file, e.g. "
                "duckdb:///var/lib/cws/registry.duckdb",
                field="db",
            )
        return DuckDatabase(Path(path).expanduser())
    if scheme in ("postgresql", "postgres"):
        return PostgresDatabase(url, max_size=pool_size)
    raise BadInput(
        f"unknown database URL scheme {scheme!r}; use duckdb:///path/registry.duckdb or "
        "postgresql://user@host/dbname",
        field="db",
    )
