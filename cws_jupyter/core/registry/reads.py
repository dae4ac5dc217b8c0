"""The reading half of ``CommunityRegistry``: browse pages, a record's details, the best image
of a template in a region, counts. Each read is planned first (validated, its cache key made), so
a front door can look the answer up without blocking and compute it only on a miss; the answer
comes from the catalog when there is one (see ``catalog``), else from SQL (``queries``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..errors import NotFound
from . import limits, queries, reviews, validation
from .cache import ReadCache
from .catalog import Catalog
from .models import AmiDetails, BestAMI, BrowsePage, CommunityAMI, RegistryStats, Review
from .planned import LATER, NOTHING, Counters, PlannedRead, cache_key
from .storage import Database


class Reads:
    """The reads of ``CommunityRegistry`` (which provides ``db``, ``cache``, ``catalog`` and
    ``counters``)."""

    db: Database
    cache: ReadCache
    catalog: Catalog | None
    counters: Counters

    @property
    def cache_hits(self) -> int:
        """Cache look-ups answered from the cache since this registry opened."""
        return self.counters.hits

    @property
    def cache_misses(self) -> int:
        """Cache look-ups that had to query the database."""
        return self.counters.misses

    def _plan(
        self,
        kind: str,
        params: Any,
        query: Callable[[], BaseModel | bytes | None],
        quick: Callable[[], Any] | None = None,
    ) -> PlannedRead:
        return PlannedRead(self.cache, self.counters, cache_key(kind, params), query, quick)

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

        def query() -> BrowsePage | bytes:
            if self.catalog is not None:
                found = self.catalog.browse(**filters, sort=order, page=number, per_page=size)
                assert found is not None
                return found
            return self._browse_sql(filters, order, number, size)

        def quick() -> Any:
            # from memory without waiting: a current catalog, no slow text search (a search's
            # first look-up of a word part can take milliseconds)
            if self.catalog is None:
                return LATER
            found = self.catalog.browse(
                **filters, sort=order, page=number, per_page=size, quick=True
            )
            return LATER if found is None else found

        return self._plan("browse", params, query, quick)

    def _browse_sql(
        self, filters: dict[str, str | None], order: str, number: int, size: int
    ) -> BrowsePage:
        """A browse page from SQL. A text search's total is cached apart (it is the same for
        every page and order, and costs a count); other totals are one facet-count read."""
        counted = self._plan("count", filters, lambda: None) if filters["q"] else None
        cached = counted.lookup() if counted is not None else None
        with self.db.read() as sql:
            if cached is not None:
                total, estimate = int(cached.rstrip(b"+")), cached.endswith(b"+")
            else:
                total, estimate = queries.total(sql, **filters)
            condition, values = queries.browse_filter(**filters)
            items = (
                queries.page(sql, condition, values, order, number, size)
                if estimate or (number - 1) * size < total
                else []
            )
        if counted is not None and cached is None:
            counted.store(f"{total}{'+' if estimate else ''}".encode())
        return BrowsePage(
            items=items, page=number, per_page=size, total=total, total_is_estimate=estimate
        )

    def resolve_id(self, ami_id: str) -> str:
        """The registry id for a registry id or for any EC2 image id a record holds."""
        ref = validation.ami_ref(ami_id)
        with self.db.read() as sql:
            found = queries.resolve(sql, ref)
        if found is None:
            raise self._unknown(ref)
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

        def held(fetch: bool) -> AmiDetails | None:
            """From the catalog (None: no catalog, the record is not held there, or the page
            reaches past the reviews it keeps)."""
            found = None if self.catalog is None else self.catalog.details(ami_id, fetch)
            if found is None:
                return None
            answer, stars, recent = found
            kept = reviews.page(recent, page, per_page)
            if kept is None:
                return None
            record = CommunityAMI.model_validate_json(answer)
            return _details(record, queries.histogram(stars), kept, page, per_page)

        def query() -> AmiDetails:
            from_catalog = held(fetch=True)
            if from_catalog is not None:
                return from_catalog
            with self.db.read() as sql:
                found = queries.one_by_ref(sql, ami_id)
                if found is None:
                    raise self._unknown(ami_id)
                record, spread, recent = found
                kept = reviews.page(recent, page, per_page)
                listed = (
                    queries.reviews(sql, record.ami_id, page, per_page) if kept is None else kept
                )
            return _details(record, spread, listed, page, per_page)

        def quick() -> Any:
            # from memory without waiting: a current catalog holding the record and the page
            if self.catalog is None or not self.catalog.current():
                return LATER
            found = held(fetch=False)
            return LATER if found is None else found

        return self._plan("details", [ami_id, page, per_page], query, quick)

    @staticmethod
    def _unknown(ref: str) -> NotFound:
        return NotFound(
            f"no registry record {'is' if ref.startswith('cami-') else 'holds'} {ref}; "
            "browse /api/v1/community/amis to find one",
            field="ami_id",
        )

    def find_best_ami(self, template: str, region: str) -> BestAMI | None:
        """The best-ranked record of ``template`` holding an image in ``region`` (None: none);
        its ``regions`` say which other regions hold a copy."""
        raw = self.plan_best(template, region).answer()
        return None if raw == NOTHING else BestAMI.model_validate_json(raw)

    def plan_best(self, template: str, region: str) -> PlannedRead:
        """``find_best_ami`` validated and planned (its answer is ``null`` when none)."""
        template = validation.slug(template, "template", limits.MAX_TEMPLATE_CHARS)
        region = validation.check_region(region)

        def answer(held: tuple[bytes, str] | None) -> BestAMI | None:
            if held is None:
                return None
            record = CommunityAMI.model_validate_json(held[0])
            return BestAMI(**record.model_dump(), region=region, image_id=held[1])

        def query() -> BestAMI | None:
            if self.catalog is not None:
                return answer(self.catalog.best(template, region))
            with self.db.read() as sql:
                found = queries.best(sql, template, region)
            if found is None:
                return None
            record, image = found
            return BestAMI(**record.model_dump(), region=region, image_id=image)

        def quick() -> Any:
            catalog = self.catalog
            if catalog is None or not catalog.current():
                return LATER
            return answer(catalog.best(template, region, fetch=False))

        return self._plan("best", [template, region], query, quick)

    def stats(self) -> RegistryStats:
        """Counts for monitoring."""
        with self.db.read() as sql:
            return RegistryStats(**queries.stats(sql))


def _details(
    record: CommunityAMI,
    spread: dict[str, int],
    listed: list[Review],
    page: int,
    per_page: int,
) -> AmiDetails:
    """A details answer: the record, a page of its reviews and how its ratings are spread."""
    return AmiDetails(
        **record.model_dump(),
        reviews=listed,
        review_page=page,
        reviews_per_page=per_page,
        review_total=record.rating_count,
        rating_histogram=spread,
    )
