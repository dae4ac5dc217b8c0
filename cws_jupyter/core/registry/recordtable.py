"""The records as columns in memory, with one ordering per browse order: what ``catalog``
answers from.

Each record is a row number. Filter values are arrays (template and category as small integer
codes, one boolean array per region), each browse order is an array of rows kept sorted as
records change, and ``textindex`` finds the rows a text search matches. Matching a page is then
array work over at most the rows it needs (~0.1 ms on 100,000 records). Orders and ties are
those of ``queries.ORDER_BY``, so the SQL path and this one list the same pages. A record's
details come from here too: the row of each EC2 image id a record holds, and each record's
newest reviews (``reviews.RECENT``, as the database keeps them, compressed: ~170 bytes a record
where the text would take ~700). Not thread-safe: ``Catalog`` serializes every call.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import queries
from .textindex import TextIndex

if TYPE_CHECKING:
    import numpy as np

#: The column holding each numeric order's key (every order sorts it descending, ties by id).
ORDER_COLUMN = {"best": "rank", "rating": "bayes", "downloads": "downloads", "recent": "updated"}
#: Below this many matches a page is found by sorting the matches; above, by walking the order.
FEW = 4096
#: Rows of an order looked at in one step of that walk.
STEP = 8192
#: Columns whose empty rows hold -1 (no category; no version yet), not 0.
FILL = ("category", "version")
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)

#: Where each value sits in a row of ``catalog.COLUMNS``.
ID, NAME, TEMPLATE, CATEGORY, DOWNLOADS, UPDATED = 0, 1, 2, 3, 9, 13
STARS, PUBLIC, RANK, BAYES, TEXT, REVIEWS, VERSION = slice(15, 20), 20, 21, 22, 23, 24, 25


def _micros(value: datetime) -> int:
    """A naive UTC timestamp as microseconds since 1970 (sortable as an integer)."""
    return (value.replace(tzinfo=None) - _EPOCH) // _MICROSECOND


class RecordTable:
    """Rows of records: their answer JSON, filter values, star counts and browse orders."""

    def __init__(self) -> None:
        import numpy as np

        self.ids: list[str] = []
        self.json: list[bytes] = []
        self._row: dict[str, int] = {}
        self._names: list[str] = []
        self._reviews: list[bytes] = []  # each row's newest reviews, compressed (b"": none)
        self._images: dict[str, int] = {}  # EC2 image id -> the row of the record holding it
        self._images_of: list[tuple[str, ...]] = []  # each row's image ids
        self._text = TextIndex()
        self._codes: dict[str, dict[str, int]] = {"template": {}, "category": {}}
        self._cols: dict[str, np.ndarray] = {
            "template": np.zeros(1024, np.int32),
            "category": np.full(1024, -1, np.int32),
            "public": np.zeros(1024, bool),
            "rank": np.zeros(1024, np.float64),
            "bayes": np.zeros(1024, np.float64),
            "downloads": np.zeros(1024, np.int64),
            "updated": np.zeros(1024, np.int64),
            "stars": np.zeros((1024, 5), np.int64),
            "version": np.full(1024, -1, np.int64),
        }
        self._regions: dict[str, np.ndarray] = {}
        self._orders: dict[str, np.ndarray] = {}
        self._positions: dict[str, np.ndarray] = {}  # row -> place in each order (made lazily)
        self._public = 0  # how many rows are public

    def __len__(self) -> int:
        return len(self.ids)

    # -- loading and changes --------------------------------------------------------------
    def load(self, rows: Any) -> int:
        """Add every row of an empty table, then sort each order once; the newest version."""
        import numpy as np

        newest = -1
        for row in rows:
            self._append(row)
            newest = max(newest, int(row[VERSION] or 0))
        n = len(self.ids)
        by_id = np.empty(n, np.int64)
        by_id[sorted(range(n), key=self.ids.__getitem__)] = np.arange(n)
        for sort, column in ORDER_COLUMN.items():
            self._orders[sort] = np.lexsort((by_id, -self._cols[column][:n]))
        names, ids = self._names, self.ids
        self._orders["name"] = np.array(
            sorted(range(n), key=lambda r: (names[r], ids[r])), np.int64
        )
        self._text.prepare()  # sorts the word lists now rather than in the first search
        return newest

    def upsert(self, row: Sequence[Any]) -> None:
        """Add a new record, or take a changed one's new values (moving it in each order whose
        key changed); a row no newer than the one held changes nothing."""
        at = self._row.get(row[ID])
        if at is not None and int(row[VERSION] or 0) <= self._cols["version"][at]:
            return
        if at is None:
            at = self._append(row)
            for sort in self._orders:
                self._place(sort, at, new=True)
            return
        before = {sort: self._key(sort, at) for sort in self._orders}
        self._set(at, row)
        for sort, key in before.items():
            if self._key(sort, at) != key:
                self._place(sort, at, new=False)

    def _append(self, row: Sequence[Any]) -> int:
        import numpy as np

        at = len(self.ids)
        if at == len(self._cols["public"]):  # full: every column doubles
            for name, col in self._cols.items():
                grown = np.full((2 * len(col), *col.shape[1:]), -1 if name in FILL else 0)
                grown = grown.astype(col.dtype)
                grown[: len(col)] = col
                self._cols[name] = grown
            for region, col in self._regions.items():
                self._regions[region] = np.concatenate([col, np.zeros(len(col), bool)])
        self.ids.append(row[ID])
        self._row[row[ID]] = at
        self.json.append(b"")
        self._names.append(row[NAME])
        self._reviews.append(b"")
        self._images_of.append(())
        self._text.add(row[TEXT])
        self._set(at, row)
        return at

    def _set(self, at: int, row: Sequence[Any]) -> None:
        """Write ``row``'s values at ``at`` (the orders are the caller's)."""
        import numpy as np

        cols = self._cols
        cols["template"][at] = self._code("template", row[TEMPLATE])
        cols["category"][at] = (
            -1 if row[CATEGORY] is None else self._code("category", row[CATEGORY])
        )
        public = bool(row[PUBLIC])
        self._public += int(public) - int(cols["public"][at])  # a new row's cell starts False
        cols["public"][at] = public
        cols["rank"][at] = row[RANK]
        cols["bayes"][at] = row[BAYES]
        cols["downloads"][at] = row[DOWNLOADS]
        cols["updated"][at] = _micros(row[UPDATED])
        cols["stars"][at] = [int(n or 0) for n in row[STARS]]
        cols["version"][at] = int(row[VERSION] or 0)
        self._names[at] = row[NAME]
        if row[TEXT] != self._text.text(at):  # texts are written on insert and never change
            self._text = self._text.replacing(at, row[TEXT])
        record = queries.record(row[:15])
        self.json[at] = record.model_dump_json().encode()
        self._reviews[at] = zlib.compress(row[REVIEWS].encode(), 1) if row[REVIEWS] else b""
        for image in self._images_of[at]:  # a copy the record no longer lists
            if self._images.get(image) == at:
                del self._images[image]
        self._images_of[at] = tuple(record.images.values())
        for image in self._images_of[at]:
            self._images[image] = at
        held = set(record.regions)
        for region in held - self._regions.keys():
            self._regions[region] = np.zeros(len(cols["public"]), bool)
        for region, col in self._regions.items():
            col[at] = region in held

    def _code(self, kind: str, value: str) -> int:
        codes = self._codes[kind]
        return codes.setdefault(value, len(codes))

    def _key(self, sort: str, at: int) -> tuple[Any, str]:
        """Row ``at``'s place in ``sort`` (as ``queries.ORDER_BY``: ties by id)."""
        if sort == "name":
            return (self._names[at], self.ids[at])
        return (-self._cols[ORDER_COLUMN[sort]][at].item(), self.ids[at])

    def _place(self, sort: str, at: int, new: bool) -> None:
        """Move row ``at`` to where its key now sorts (a few array copies)."""
        import numpy as np

        order = self._orders[sort]
        if not new:
            order = np.delete(order, np.flatnonzero(order == at))
        key = self._key(sort, at)
        where = bisect.bisect_left(order, key, key=lambda r: self._key(sort, int(r)))
        self._orders[sort] = np.insert(order, where, at)
        self._positions.pop(sort, None)

    # -- answers --------------------------------------------------------------------------
    def find(self, ref: str) -> int | None:
        """The row of the public record with registry id ``ref``, or holding EC2 image ``ref``
        (None: unknown here, or not public)."""
        at = self._row.get(ref) if ref.startswith("cami-") else self._images.get(ref)
        return at if at is not None and self._cols["public"][at] else None

    def reviews(self, at: int) -> str | None:
        """Row ``at``'s newest reviews as the database keeps them (JSON; None: none kept)."""
        packed = self._reviews[at]
        return zlib.decompress(packed).decode() if packed else None

    def stars(self, at: int) -> list[int]:
        """Row ``at``'s star counts 1..5."""
        return [int(n) for n in self._cols["stars"][at]]

    def page(
        self,
        template: str | None,
        category: str | None,
        region: str | None,
        q: str | None,
        sort: str,
        start: int,
        count: int,
        quick: bool = False,
    ) -> tuple[int, list[int]] | None:
        """(how many public records match, the rows of places ``start`` .. ``start + count``
        among them in ``sort`` order). With ``quick``, None unless its text search is cheap.

        A text search that finds few rows is narrowed down and ordered on those rows alone;
        otherwise the filters make one mask over every row, and the page comes from sorting
        the few matches by their places, or from walking the order until the page is full."""
        import numpy as np

        n = len(self.ids)
        found = None
        if q:
            found = self._text.quick_search(q.lower()) if quick else self._text.search(q.lower())
            if found is None:
                return None
            if len(found) <= FEW:
                rows = found[self._keep(found, template, category, region)]
                return len(rows), self._ranked(rows, sort, start, count)
        mask = self._mask(template, category, region, found)
        order = self._orders[sort]
        if mask is None:  # every record, all public
            return n, order[start : start + count].tolist()
        total = int(np.count_nonzero(mask))
        if start >= total:
            return total, []
        if total <= FEW:
            return total, self._ranked(np.flatnonzero(mask), sort, start, count)
        pages: list[np.ndarray] = []  # many: walk the order until the page is full
        need, got, at = start + count, 0, 0
        while got < need and at < n:
            step = order[at : at + STEP]
            pages.append(step[mask[step]])
            got += len(pages[-1])
            at += STEP
        return total, np.concatenate(pages)[start : start + count].tolist()

    def _ranked(self, rows: np.ndarray, sort: str, start: int, count: int) -> list[int]:
        """Places ``start`` .. ``start + count`` of ``rows`` (few) in ``sort`` order."""
        import numpy as np

        if start >= len(rows):
            return []
        ranked = rows[np.argsort(self._position(sort)[rows], kind="stable")]
        return ranked[start : start + count].tolist()

    def _keep(
        self, rows: np.ndarray, template: str | None, category: str | None, region: str | None
    ) -> np.ndarray:
        """Which of ``rows`` are public and match the filters (arrays as long as ``rows``)."""
        import numpy as np

        keep = np.ones(len(rows), bool) if self._all_public() else self._cols["public"][rows]
        for kind, value in (("template", template), ("category", category)):
            if value is not None:
                keep &= self._cols[kind][rows] == self._codes[kind].get(value, -2)
        if region is not None:
            held = self._regions.get(region)
            keep &= held[rows] if held is not None else False
        return keep

    def _mask(
        self,
        template: str | None,
        category: str | None,
        region: str | None,
        found: np.ndarray | None,
    ) -> np.ndarray | None:
        """Which rows are public and match (None: no filter, and every row is public); ``found``
        holds the rows a text search found."""
        import numpy as np

        n = len(self.ids)
        mask: np.ndarray | None = None

        def narrow(more: np.ndarray) -> None:
            nonlocal mask
            mask = more if mask is None else np.logical_and(mask, more, out=mask)

        if found is not None:
            hits = np.zeros(n, bool)
            hits[found] = True
            narrow(hits)
        for kind, value in (("template", template), ("category", category)):
            if value is not None:  # -2: no row has it
                narrow(self._cols[kind][:n] == self._codes[kind].get(value, -2))
        if region is not None:
            held = self._regions.get(region)
            narrow(held[:n].copy() if held is not None else np.zeros(n, bool))
        if not self._all_public():
            public = self._cols["public"][:n]
            narrow(public.copy())
        return mask

    def _all_public(self) -> bool:
        return self._public == len(self.ids)

    def _position(self, sort: str) -> np.ndarray:
        """Each row's place in ``sort`` (remade after the order changes)."""
        import numpy as np

        found = self._positions.get(sort)
        if found is None:
            order = self._orders[sort]
            found = np.empty(len(order), np.int64)
            found[order] = np.arange(len(order))
            self._positions[sort] = found
        return found
