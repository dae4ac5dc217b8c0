"""``CommunityRegistry``: the one object every front door uses to browse, publish, rate and
launch community images (the ``cws-registry`` server, and in-process callers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel

from ..errors import NotFound
from . import limits, queries, validation, writes
from .accounts import Accounts
from .cache import MemoryCache, NoCache, ReadCache, RedisCache, redis_client
from .ids import new_registry_id
from .migrations import migrate
from .models import (
    AmiDetails,
    BestAMI,
    BrowsePage,
    Principal,
    RateResult,
    RegistryStats,
    Submission,
    SubmitResult,
    UseResult,
)
from .planned import NOTHING, Counters, PlannedRead, cache_key
from .ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from .storage import Database, DuplicateKey, open_database, redact
from .verify import NoVerifier, Verifier

DEFAULT_CACHE_PREFIX = "cws-registry:"


def utc_now() -> datetime:
    """Now, as the naive UTC timestamp the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class CommunityRegistry(Accounts):
    """The community AMI registry over one database, an optional shared cache and a verifier."""

    def __init__(
        self,
        db: Database,
        *,
        cache: ReadCache | None = None,
        verifier: Verifier | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.cache: ReadCache = cache if cache is not None else NoCache()
        self.verifier: Verifier = verifier if verifier is not None else NoVerifier()
        self.limiter: RateLimiter = limiter if limiter is not None else MemoryRateLimiter()
        self.clock = clock
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
    ) -> CommunityRegistry:
        """The registry at ``db_url`` (default: CWS_REGISTRY_DB, else the embedded file), cached
        in Redis when ``cache_url`` is given; migrated to the latest schema first."""
        db = open_database(db_url, pool_size=pool_size)
        try:
            if run_migrations:
                migrate(db)
            cache: ReadCache
            limiter: RateLimiter
            if cache_url:
                client = redis_client(cache_url)
                cache = RedisCache(client, cache_prefix, url=cache_url)
                limiter = RedisRateLimiter(client, cache_prefix, writes_per_minute)
            else:
                # One process owns a DuckDB file, so an in-process cache sees every write.
                cache = MemoryCache() if db.kind == "duckdb" else NoCache()
                limiter = MemoryRateLimiter(writes_per_minute)
        except BaseException:
            db.close()
            raise
        return cls(db, cache=cache, verifier=verifier, limiter=limiter)

    def close(self) -> None:
        """Close the database and the cache."""
        self.cache.close()
        self.db.close()

    def migrate(self) -> list[int]:
        """Apply pending migrations (the versions applied)."""
        return migrate(self.db)

    def _changed(self) -> None:
        self.cache.invalidate()

    @property
    def cache_hits(self) -> int:
        """Cache look-ups answered from the cache since this registry opened."""
        return self.counters.hits

    @property
    def cache_misses(self) -> int:
        """Cache look-ups that had to query the database."""
        return self.counters.misses

    def _plan(self, kind: str, params: Any, query: Callable[[], BaseModel | None]) -> PlannedRead:
        return PlannedRead(self.cache, self.counters, cache_key(kind, params), query)

    # -- reads ----------------------------------------------------------------------------
    def browse(
        self,
        template: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        sort: str | None = "best",
        page: int | str | None = 1,
        per_page: int | str | None = limits.DEFAULT_PER_PAGE,
    ) -> BrowsePage:
        """One page of public records, filtered and ordered (``sort``: best, rating, downloads,
        recent, name); ``total`` counts every match."""
        raw = self.plan_browse(template, category, region, q, sort, page, per_page).answer()
        return BrowsePage.model_validate_json(raw)

    def plan_browse(
        self,
        template: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        sort: str | None = "best",
        page: int | str | None = 1,
        per_page: int | str | None = limits.DEFAULT_PER_PAGE,
    ) -> PlannedRead:
        """``browse`` validated and planned (for front doors that look the cache up first)."""
        filters: dict[str, str | None] = {
            "template": validation.slug(template, "template", limits.MAX_TEMPLATE_CHARS)
            if template
            else None,
            "category": validation.slug(category, "category", limits.MAX_CATEGORY_CHARS)
            if category
            else None,
            "region": validation.check_region(region) if region else None,
            "q": validation.query_text(q),
        }
        order = validation.sort(sort)
        number = validation.integer(page, "page", 1, 1, limits.MAX_PAGE)
        size = validation.integer(
            per_page, "per_page", limits.DEFAULT_PER_PAGE, 1, limits.MAX_PER_PAGE
        )
        params = {**filters, "sort": order, "page": number, "per_page": size}

        def query() -> BrowsePage:
            condition, values = queries.browse_filter(**filters)
            # the total is the same for every page and order of a filter: cached on its own
            counted = self._plan("count", filters, lambda: None)
            cached = counted.lookup()
            with self.db.read() as sql:
                total = int(cached) if cached is not None else queries.count(sql, condition, values)
                items = (
                    queries.page(sql, condition, values, order, number, size)
                    if (number - 1) * size < total
                    else []
                )
            if cached is None:
                counted.store(str(total).encode())
            return BrowsePage(items=items, page=number, per_page=size, total=total)

        return self._plan("browse", params, query)

    def resolve_id(self, ami_id: str) -> str:
        """The registry id for a registry id or for any EC2 image id a record holds."""
        ref = validation.ami_ref(ami_id)
        with self.db.read() as sql:
            found = queries.resolve(sql, ref)
        if found is None:
            raise NotFound(
                f"no registry record {'is' if ref.startswith('cami-') else 'holds'} {ref}; "
                "browse /api/v1/community/amis to find one",
                field="ami_id",
            )
        return found

    def details(
        self,
        ami_id: str,
        review_page: int | str | None = 1,
        reviews_per_page: int | str | None = limits.DEFAULT_REVIEWS_PER_PAGE,
    ) -> AmiDetails:
        """One record (by registry or EC2 id) with a page of its reviews, newest first."""
        raw = self.plan_details(ami_id, review_page, reviews_per_page).answer()
        return AmiDetails.model_validate_json(raw)

    def plan_details(
        self,
        ami_id: str,
        review_page: int | str | None = 1,
        reviews_per_page: int | str | None = limits.DEFAULT_REVIEWS_PER_PAGE,
    ) -> PlannedRead:
        """``details`` validated and planned."""
        validation.ami_ref(ami_id)
        page = validation.integer(review_page, "review_page", 1, 1, limits.MAX_PAGE)
        per_page = validation.integer(
            reviews_per_page,
            "reviews_per_page",
            limits.DEFAULT_REVIEWS_PER_PAGE,
            1,
            limits.MAX_REVIEWS_PER_PAGE,
        )

        def query() -> AmiDetails:
            record_id = self.resolve_id(ami_id)
            with self.db.read() as sql:
                found = queries.one(sql, record_id)
                if found is None:
                    raise NotFound(f"no registry record {record_id}", field="ami_id")
                reviews, spread = queries.reviews(sql, record_id, page, per_page)
            return AmiDetails(
                **found.model_dump(),
                reviews=reviews,
                review_page=page,
                reviews_per_page=per_page,
                review_total=found.rating_count,
                rating_histogram=spread,
            )

        return self._plan("details", [ami_id, page, per_page], query)

    def find_best_ami(self, template: str, region: str) -> BestAMI | None:
        """The best-ranked record of ``template`` holding an image in ``region`` (None: none);
        its ``regions`` say which other regions hold a copy."""
        raw = self.plan_best(template, region).answer()
        return None if raw == NOTHING else BestAMI.model_validate_json(raw)

    def plan_best(self, template: str, region: str) -> PlannedRead:
        """``find_best_ami`` validated and planned (its answer is ``null`` when none)."""
        template = validation.slug(template, "template", limits.MAX_TEMPLATE_CHARS)
        region = validation.check_region(region)

        def query() -> BestAMI | None:
            with self.db.read() as sql:
                found = queries.best(sql, template, region)
            if found is None:
                return None
            record, image = found
            return BestAMI(**record.model_dump(), region=region, image_id=image)

        return self._plan("best", [template, region], query)

    def stats(self) -> RegistryStats:
        """Counts for monitoring."""
        with self.db.read() as sql:
            return RegistryStats(**queries.stats(sql))

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
        """Whether the database (and the cache, if any) answer: {"ok", "database", "cache"}."""
        report: dict[str, Any] = {"ok": True, "database": {"kind": self.db.kind}}
        try:
            self.db.ping()
            report["database"]["ok"] = True
        except Exception as exc:  # noqa: BLE001 - health reports any failure
            report["ok"] = False
            report["database"].update(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        cache: dict[str, Any] = {"kind": self.cache.name}
        if isinstance(self.cache, RedisCache):
            try:
                self.cache.ping()
                cache["ok"] = True
            except Exception as exc:  # noqa: BLE001
                report["ok"] = False
                cache.update(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        report["cache"] = cache
        return report

    def describe(self) -> str:
        """Where this registry keeps its data (passwords hidden)."""
        return f"{redact(self.db.url)} (cache: {self.cache.name})"
