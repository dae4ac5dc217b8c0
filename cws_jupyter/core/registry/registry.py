"""``CommunityRegistry``: the one object every front door uses to browse, publish, rate and
launch community images (the ``cws-registry`` server, and in-process callers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..errors import NotFound
from . import limits, queries, validation, writes
from .accounts import Accounts
from .cache import MemoryCache, NoCache, ReadCache, RedisCache, redis_client
from .catalog import Catalog, CatalogCache, database_loader
from .ids import new_registry_id
from .migrations import migrate
from .models import (
    Principal,
    RateResult,
    Submission,
    SubmitResult,
    UseResult,
)
from .planned import Counters
from .ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from .reads import Reads
from .storage import Database, DuplicateKey, open_database, redact
from .verify import NoVerifier, Verifier

DEFAULT_CACHE_PREFIX = "cws-registry:"


def utc_now() -> datetime:
    """Now, as the naive UTC timestamp the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class CommunityRegistry(Reads, Accounts):
    """The community AMI registry over one database, an optional cache, Redis for shared write
    limits, and a verifier; with a ``catalog`` (the default) reads are answered from memory
    (see ``catalog``). Reads are in ``reads``, tokens in ``accounts``."""

    def __init__(
        self,
        db: Database,
        *,
        cache: ReadCache | None = None,
        verifier: Verifier | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = utc_now,
        catalog: Catalog | None = None,
        redis: Any = None,
    ) -> None:
        self.db = db
        #: The Redis client of the shared write limits (and of the cache without a catalog).
        self.redis = redis
        self.cache: ReadCache = cache if cache is not None else NoCache()
        self.verifier: Verifier = verifier if verifier is not None else NoVerifier()
        self.limiter: RateLimiter = limiter if limiter is not None else MemoryRateLimiter()
        self.clock = clock
        self.catalog = catalog
        self.counters = Counters()

    @classmethod
    def open(
        cls,
        db_url: str | None = None,
        cache_url: str | None = None,
        *,
        cache_prefix: str = DEFAULT_CACHE_PREFIX,
        verifier: Verifier | None = None,
        writes_per_minute: int = limits.WRITES_PER_MINUTE,
        run_migrations: bool = True,
        pool_size: int = 10,
        catalog: bool = True,
        max_staleness: float = limits.MAX_STALENESS_SECONDS,
    ) -> CommunityRegistry:
        """The registry at ``db_url`` (default: CWS_REGISTRY_DB, else the embedded file), cached
        in Redis when ``cache_url`` is given; migrated to the latest schema first. With
        ``catalog`` (the default) reads come from an in-memory read model at most
        ``max_staleness`` seconds behind other processes' writes; without, from SQL."""
        db = open_database(db_url, pool_size=pool_size)
        try:
            if run_migrations:
                migrate(db)
            client = redis_client(cache_url) if cache_url else None
            # one process owns a DuckDB file: nothing but its own writes (fetched as they
            # commit) can change it, so its catalog never needs to look for others'
            bound = math.inf if db.kind == "duckdb" else max_staleness
            model = Catalog(database_loader(db), bound) if catalog else None
            cache: ReadCache
            if model is not None:  # answers come from memory: kept here, not shared
                cache = CatalogCache(model)
            elif client is not None:
                cache = RedisCache(client, cache_prefix, url=cache_url, max_staleness=max_staleness)
            else:  # one process owns a DuckDB file, so an in-process cache sees every write
                cache = MemoryCache() if db.kind == "duckdb" else NoCache()
            limiter: RateLimiter = (
                RedisRateLimiter(client, cache_prefix, writes_per_minute)
                if client is not None
                else MemoryRateLimiter(writes_per_minute)
            )
        except BaseException:
            db.close()
            raise
        return cls(db, cache=cache, verifier=verifier, limiter=limiter, catalog=model, redis=client)

    def warm(self) -> None:
        """Get ready to serve: load the catalog now (rather than in the first read) and start
        following other processes' writes."""
        if self.catalog is not None:
            self.catalog.warm()
            self.catalog.follow()

    def close(self) -> None:
        """Close the catalog, the cache, Redis and the database."""
        if self.catalog is not None:
            self.catalog.close()
        self.cache.close()
        if self.redis is not None:
            self.redis.close()
        self.db.close()

    def migrate(self) -> list[int]:
        """Apply pending migrations (the versions applied)."""
        return migrate(self.db)

    def _changed(self) -> None:
        """After a write committed: the catalog fetches it, then every cached answer is
        abandoned (in that order, so no answer from before the write is cached after it)."""
        if self.catalog is not None:
            self.catalog.sync()
        self.cache.invalidate()

    # -- writes ---------------------------------------------------------------------------
    def _principal(self, user: Principal | str) -> Principal:
        if isinstance(user, Principal):
            return user
        name = validation.user_name(user)
        with self.db.read() as sql:
            return Principal(user_id=name, account_id=writes.account_of(sql, name))

    def submit(
        self, user: Principal | str, submission: Submission | Mapping[str, Any]
    ) -> SubmitResult:
        """Publish a record; its images are checked first (stored unverified, with the reason,
        when they cannot be). Runs AWS calls: call it off any event loop."""
        who = self._principal(user)
        sub = validation.submission(submission)
        with self.db.read() as sql:
            found = writes.claimed_elsewhere(sql, list(sub.regions.values()))
        if found:
            raise writes.duplicate_error(*found)
        outcome = self.verifier.verify(who.account_id, dict(sub.regions))
        ami_id = new_registry_id()
        now = self.clock()
        try:
            with self.db.write() as sql:
                writes.insert_record(
                    sql, ami_id, who.user_id, sub, outcome.verified, outcome.note, now, now
                )
        except DuplicateKey:  # another submission listed one of the images meanwhile
            with self.db.read() as sql:
                found = writes.claimed_elsewhere(sql, list(sub.regions.values()))
            if found:
                raise writes.duplicate_error(*found) from None
            raise
        self._changed()
        with self.db.read() as sql:
            record = queries.one(sql, ami_id)
        assert record is not None
        return SubmitResult(**record.model_dump())

    def rate(
        self, user: Principal | str, ami_id: str, rating: int, review: str | None = None
    ) -> RateResult:
        """Store the user's rating (1-5) of a record, replacing their earlier one; nobody rates
        their own image."""
        who = self._principal(user)
        body = validation.rate_request({"rating": rating, "review": review})
        record_id = self.resolve_id(ami_id)
        with self.db.write() as sql:
            replaced, total, count = writes.rate(
                sql, self.db.kind, record_id, who.user_id, body.rating, body.review, self.clock()
            )
        self._changed()
        return RateResult(
            ami_id=record_id,
            user=who.user_id,
            rating=body.rating,
            review=body.review,
            replaced=replaced,
            average=round(total / count, 4) if count else 0.0,
            rating_count=count,
        )

    def use(
        self, ami_id: str, region: str | None = None, user: Principal | str | None = None
    ) -> UseResult:
        """Count one download (a launch) of a record; with ``region``, the image to launch there."""
        if region is not None:
            region = validation.check_region(region)
        record_id = self.resolve_id(ami_id)
        image = None
        if region is not None:
            with self.db.read() as sql:
                image = queries.images_of(sql, [record_id]).get(record_id, {}).get(region)
            if image is None:
                raise NotFound(f"{record_id} has no image in {region}", field="region")
        who = None if user is None else self._principal(user).user_id
        with self.db.write() as sql:
            count = writes.use(sql, record_id, region, who, self.clock())
        self._changed()
        return UseResult(ami_id=record_id, download_count=count, region=region, image_id=image)

    # -- health ---------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """Whether the database (and Redis, if configured) answer:
        {"ok", "database", "cache", "redis" (with Redis)}."""
        report: dict[str, Any] = {"ok": True, "database": {"kind": self.db.kind}}
        try:
            self.db.ping()
            report["database"]["ok"] = True
        except Exception as exc:  # noqa: BLE001 - health reports any failure
            report["ok"] = False
            report["database"].update(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        report["cache"] = {"kind": self.cache.name}
        if self.redis is not None:
            try:
                self.redis.ping()
                report["redis"] = {"ok": True}
            except Exception as exc:  # noqa: BLE001
                report["ok"] = False
                report["redis"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        return report

    def describe(self) -> str:
        """Where this registry keeps its data (passwords hidden)."""
        return f"{redact(self.db.url)} (cache: {self.cache.name})"
