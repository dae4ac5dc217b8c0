"""The records browse lists, held in memory by each registry process: a read model of the
database, kept current by record versions.

Browsing is many small ordered reads over every record (filters, a text search, one of five
orders, a page, a total). Neither database does that cheaply on 100,000 records: DuckDB is an
analytical engine (a query costs ~0.3 ms before it reads anything, then reads whole columns: an
ordered page takes 2-3 ms, a text search ~9 ms, fetching 20 rows by id ~2 ms), and PostgreSQL
counts matches one by one (a region's 60,000 records: ~40 ms) and searches substrings through
trigram lists (5-30 ms a search, rare words included). So each process answers browse, best and
a record's details from this model (``recordtable``) instead: a page is a few array operations
(~0.1 ms), and ``total`` is exact.

The database stays the store and the only source. Every write gives the record it changes the
next value of one counter (``writes.next_version``), and versions commit in order, so "what
changed" is ``WHERE row_version > (the newest version held)``. The model loads everything on
first use, then fetches what changed: right after each write of its own process (a writer reads
its own write at once), and otherwise at most ``max_staleness`` seconds apart: a follower thread
fetches on that beat, and a read finding the last fetch older than that fetches first (so writes
made through other processes show within the bound; ``max_staleness=0`` fetches before every
read). Fetches read the database outside the table's lock, and a record only ever moves to a
newer version. It costs ~2 KB of memory per record, its newest reviews compressed included
(100,000 records with 1,000,000 ratings: ~200 MB, loaded in ~6 s).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import queries
from .limits import CACHE_TTL_SECONDS
from .recordtable import RecordTable

if TYPE_CHECKING:
    from .storage import Database

#: What the model reads of each record: the answer's columns, the star counts, then these
#: (``recordtable`` names each place).
COLUMNS = (
    f"{queries.COLUMNS}, {queries.STARS_COLUMNS}, "
    "a.public, a.rank_score, a.rating_bayes, a.search_text, a.recent_reviews, a.row_version"
)
#: A ``BrowsePage`` answer around items already serialized.
PAGE_JSON = b'{"items":[%b],"page":%d,"per_page":%d,"total":%d,"total_is_estimate":false}'
#: Rows (``COLUMNS``) of the records whose version is above the one given (-1: all of them).
Loader = Callable[[int], Iterator[tuple[Any, ...]]]


def database_loader(db: Database) -> Loader:
    """A loader reading ``db`` (an index on ``row_version`` makes the usual answer, nothing
    new, one index probe on PostgreSQL)."""

    def load(since: int) -> Iterator[tuple[Any, ...]]:
        with db.read() as sql:
            if since < 0:
                yield from sql.stream(f"SELECT {COLUMNS} FROM ami_registry a")
            else:
                yield from sql.stream(
                    f"SELECT {COLUMNS} FROM ami_registry a WHERE a.row_version > ?", (since,)
                )

    return load


class Catalog:
    """The read model: ``browse``, ``best`` and ``record`` answered from memory, at most
    ``max_staleness`` seconds behind writes made through other processes."""

    def __init__(self, loader: Loader, max_staleness: float = 0.1) -> None:
        self._load = loader
        self.max_staleness = max_staleness
        self._lock = threading.Lock()  # the table: held while reading or changing it
        self._loading = threading.Lock()  # the first load: one at a time
        self._table: RecordTable | None = None
        self._version = -1  # the newest record version held
        self._fetched = 0.0  # when the last fetch began (monotonic)
        self._stop = threading.Event()
        self._follower: threading.Thread | None = None

    # -- keeping it current -------------------------------------------------------------
    def warm(self) -> None:
        """Load every record now (a server does this before it listens)."""
        self._ready(fetch=False)

    def sync(self) -> None:
        """Fetch every record changed since the newest version held (a write of this process
        just committed). Before the first load there is nothing to do: the load reads it."""
        if self._table is not None:
            self._fetch()

    def follow(self) -> None:
        """Fetch changes every ``max_staleness`` seconds from a thread of its own, so reads
        rarely wait for a fetch (a server calls this; ``close`` stops it)."""
        if self._follower is not None or not 0 < self.max_staleness < math.inf:
            return

        def run() -> None:  # twice per bound, so reads seldom find a fetch due
            while not self._stop.wait(self.max_staleness / 2):
                try:
                    self.sync()
                except Exception as exc:  # noqa: BLE001 - keep following; reads fetch themselves
                    import logging

                    logging.getLogger("cws_registry").warning("catalog fetch failed: %s", exc)

        self._follower = threading.Thread(target=run, name="cws-registry-catalog", daemon=True)
        self._follower.start()

    def close(self) -> None:
        """Stop the follower."""
        self._stop.set()
        if self._follower is not None:
            self._follower.join(5)

    def current(self) -> bool:
        """Loaded and fetched within ``max_staleness``: a read now needs no database."""
        return self._table is not None and time.monotonic() - self._fetched < self.max_staleness

    def version(self, fetch: bool) -> int:
        """The newest record version held (with ``fetch``: after loading, or fetching when
        due, as a read would)."""
        self._ready(fetch)
        return self._version

    def _ready(self, fetch: bool) -> RecordTable:
        """The table: loaded, and with ``fetch`` fetched within ``max_staleness``. Called
        without the table lock: the database is read outside it, so readers never wait on it."""
        table = self._table
        if table is None:
            with self._loading:
                if self._table is None:
                    self._fetched = time.monotonic()
                    table = RecordTable()
                    version = table.load(self._load(-1))
                    with self._lock:
                        self._table, self._version = table, version
                table = self._table
        elif fetch and time.monotonic() - self._fetched >= self.max_staleness:
            self._fetch()
        return table

    def _fetch(self) -> None:
        """Read what changed since the newest version held, then apply it. Two fetches may
        overlap (a write's and the follower's): each row only ever moves to a newer version,
        so the order they apply in does not matter."""
        self._fetched = time.monotonic()
        rows = list(self._load(self._version))
        if not rows:
            return
        with self._lock:
            table = self._table
            assert table is not None
            for row in rows:
                table.upsert(row)
            self._version = max(self._version, *(int(row[-1] or 0) for row in rows))

    # -- answers --------------------------------------------------------------------------
    def browse(
        self,
        template: str | None,
        category: str | None,
        region: str | None,
        q: str | None,
        sort: str,
        page: int,
        per_page: int,
        quick: bool = False,
    ) -> bytes | None:
        """A browse page as its JSON answer (``BrowsePage``; the total always exact). With
        ``quick`` it answers from what is held, and only when that takes no waiting (no fetch
        due, no slow text search; for an event loop): None otherwise."""
        if quick and not self.current():
            return None
        table = self._ready(fetch=not quick)
        with self._lock:
            found = table.page(
                template, category, region, q, sort, (page - 1) * per_page, per_page, quick
            )
            if found is None:
                return None
            total, rows = found
            items = b",".join([table.json[r] for r in rows])
        return PAGE_JSON % (items, page, per_page, total)

    def best(self, template: str, region: str, fetch: bool = True) -> tuple[bytes, str] | None:
        """The best-ranked public record of ``template`` holding an image in ``region``: its
        JSON and that image's id (None: none). Without ``fetch`` it answers from what is held
        (for callers that checked ``current``)."""
        import json

        table = self._ready(fetch)
        with self._lock:
            found = table.page(template, None, region, None, "best", 0, 1)
            assert found is not None
            rows = found[1]
            if not rows:
                return None
            answer = table.json[rows[0]]
        return answer, json.loads(answer)["images"][region]

    def details(self, ref: str, fetch: bool = True) -> tuple[bytes, list[int], str | None] | None:
        """The public record with registry id ``ref`` or holding EC2 image ``ref``: its JSON,
        its star counts 1..5 and its newest reviews as the database keeps them (None: not
        held). Without ``fetch`` it answers from what is held (for callers that checked
        ``current``)."""
        table = self._ready(fetch)
        with self._lock:
            at = table.find(ref)
            return None if at is None else (table.json[at], table.stars(at), table.reviews(at))


class CatalogCache:
    """Answers computed from a catalog, kept in this process under the catalog's version.

    The catalog already holds the records, so a page costs ~0.1 ms to compute: sharing answers
    through Redis (a round trip each way) would cost more than it saves. What is worth keeping
    is the finished answer (a hot page is then a dictionary look-up). An answer is kept under
    the catalog version and the write count it was looked up at: a newer version (another
    process's write fetched) or a write of this process abandons it, and an answer computed
    across either is not kept.
    """

    name = "catalog"

    def __init__(self, catalog: Catalog, max_entries: int = 4096) -> None:
        from .cache import Lru

        self._catalog = catalog
        self._entries = Lru(max_entries, CACHE_TTL_SECONDS)
        self._stamp: tuple[int, int] = (-2, 0)  # (catalog version, writes) of the entries
        self._lock = threading.Lock()

    def _at(self, version: int, key: str) -> tuple[Any, bytes | None]:
        with self._lock:
            if version != self._stamp[0]:
                self._entries.clear()
                self._stamp = (version, self._stamp[1])
            stamp = self._stamp
        return stamp, self._entries.get(key)

    def lookup(self, key: str) -> tuple[Any, bytes | None]:
        """(stamp, the answer or None), the catalog brought within its staleness bound first."""
        return self._at(self._catalog.version(fetch=True), key)

    async def alookup(self, key: str) -> tuple[Any, bytes | None]:
        """As ``lookup`` without touching the database: when the catalog is due for a fetch it
        is a miss (the query, in a worker thread, fetches)."""
        if not self._catalog.current():
            return None, None
        return self._at(self._catalog.version(fetch=False), key)

    def store(self, stamp: Any, key: str, value: bytes) -> None:
        """Keep ``value`` if nothing changed since ``stamp`` was looked up."""
        with self._lock:
            if stamp is not None and stamp == self._stamp == (
                self._catalog.version(fetch=False),
                self._stamp[1],
            ):
                self._entries.put(key, value)

    def invalidate(self) -> None:
        """Drop everything (a write of this process, which the catalog has fetched)."""
        with self._lock:
            self._entries.clear()
            self._stamp = (self._stamp[0], self._stamp[1] + 1)

    def ping(self) -> None:
        """Always fine (nothing outside this process)."""

    def close(self) -> None:
        """Drop everything."""
        self._entries.clear()

    async def aclose(self) -> None:
        """Nothing to close on the event loop."""
