"""Finding the records whose search text contains a string, without reading every text.

Browse's ``q`` is a plain substring of a record's lower-cased ``search_text`` (the SQL path
uses ``LIKE '%q%'``). Scanning 100,000 texts costs ~10 ms a search; instead this index keeps the
rows of each *word* (a run of letters and digits) and narrows a search down by its words first.

Where ``q`` occurs in a text, each of its words lies on a word of the text: a word of ``q``
with a non-word character before it begins a word of the text, one with a non-word character
after it ends one, so it *equals* the text's word (both), is its *prefix* or *suffix* (one), or
lies *inside* it (neither: ``q`` is one bare word). The rows holding such a word for every word
of ``q`` are the candidates; the text of each is then checked for ``q`` itself (not needed for a
bare word: holding the word is holding ``q``). A search without any word (``%%``) reads every
text. Answers are exact: the same rows as ``LIKE``.

A short prefix can begin thousands of words ("3" begins every number whose first digit is 3):
their rows are read from one array of every word's rows in vocabulary order (``_Postings``), a
slice instead of a loop over the words (~0.5 ms rather than ~15 ms for 11,000 words). That array is
remade when texts were added, at most once every ``POSTINGS_SECONDS`` (new records are rare;
until then such a look-up loops over the words).
"""

from __future__ import annotations

import bisect
import re
import time
from array import array
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: A word: letters and digits (any script), as in the texts' lower-cased form.
WORD = re.compile(r"[^\W_]+")
#: Word look-ups remembered (a look-up of a short prefix can touch thousands of words).
MEMO_SIZE = 512
#: Whole searches remembered: people search the same few words again and again, and checking
#: the candidates' texts for ``q`` is most of what a search costs (~2 ms for 15,000 of them).
FOUND_SIZE = 512
#: The most texts a quick search checks for the whole of ``q`` (~0.5 ms).
QUICK_CHECKS = 2048
#: The most rows a quick search reads from the postings array for one word of ``q`` (~0.5 ms).
QUICK_ROWS = 20_000
#: Prefix look-ups over more words than this read the postings array (when it is current).
WIDE = 64
#: The postings array is remade at most this often (each time ~50 ms on 100,000 records).
POSTINGS_SECONDS = 1.0
#: Sorts after every character: ``prefix + LAST_CHAR`` bounds the words beginning with prefix.
LAST_CHAR = "\U0010ffff"


class TextIndex:
    """Rows of each word of the texts added (rows are added in increasing order). Not
    thread-safe: its owner (``Catalog``) serializes every call."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._rows: dict[str, array[int]] = {}
        self._sorted: list[str] = []  # the words, sorted (prefix look-ups)
        self._reversed: list[str] = []  # each word reversed, sorted (suffix look-ups)
        self._new: list[str] = []  # words not in the sorted lists yet
        self._blob: str | None = None  # "\n" + every word + "\n" (look-ups inside words)
        self._memo: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._found: OrderedDict[str, np.ndarray] = OrderedDict()
        self._postings: _Postings | None = None

    def __len__(self) -> int:
        return len(self._texts)

    def add(self, text: str) -> int:
        """Index the next row's text (already lower-cased); its row number."""
        row = len(self._texts)
        self._texts.append(text)
        for word in set(WORD.findall(text)):
            rows = self._rows.get(word)
            if rows is None:
                self._rows[word] = array("i", (row,))
                self._new.append(word)
            else:
                rows.append(row)
        if self._memo or self._found:
            self._memo.clear()  # a remembered look-up may now miss this row
            self._found.clear()
        return row

    def text(self, row: int) -> str | None:
        """The text indexed for ``row`` (None: not indexed yet)."""
        return self._texts[row] if row < len(self._texts) else None

    def replacing(self, row: int, text: str) -> TextIndex:
        """A new index of the same texts with ``row``'s replaced (a full rebuild: texts are
        written once, so this is for completeness, not speed)."""
        rebuilt = TextIndex()
        for at, old in enumerate(self._texts):
            rebuilt.add(text if at == row else old)
        return rebuilt

    def prepare(self) -> None:
        """Sort the words added so far now rather than in the next search (after a load)."""
        self._vocabulary()

    def _vocabulary(self) -> None:
        """Bring the sorted word lists up to date: a few new words are inserted in place (a new
        record), many cause one sort (the first load)."""
        if not self._new:
            return
        if len(self._new) < 256:
            for word in self._new:
                bisect.insort(self._sorted, word)
                bisect.insort(self._reversed, word[::-1])
        else:
            self._sorted = sorted(self._rows)
            self._reversed = sorted(word[::-1] for word in self._rows)
            self._postings = _Postings(self._sorted, self._rows, len(self._texts))
        self._new.clear()
        self._blob = None

    def search(self, q: str) -> np.ndarray:
        """The rows (ascending) whose text contains ``q`` (lower-cased by the caller)."""
        found = self._search(q, quick=False)
        assert found is not None
        return found

    def quick_search(self, q: str) -> np.ndarray | None:
        """``search`` when it is sure to be cheap (the same search remembered, or every word
        look-up remembered and at most ``QUICK_CHECKS`` texts to check), else None: safe to
        call on an event loop."""
        return self._search(q, quick=True)

    def _search(self, q: str, quick: bool) -> np.ndarray | None:
        found = self._found.get(q)
        if found is not None:
            self._found.move_to_end(q)
            return found
        found = self._find(q, quick)
        if found is not None:
            self._found[q] = found
            if len(self._found) > FOUND_SIZE:
                self._found.popitem(last=False)
        return found

    def _find(self, q: str, quick: bool) -> np.ndarray | None:
        import numpy as np

        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(q)]
        if not words:  # nothing to narrow it down by: every text is read
            if quick:
                return None
            return np.fromiter(
                (row for row, text in enumerate(self._texts) if q in text), dtype=np.int64
            )
        if quick and self._new:
            return None
        self._vocabulary()
        keys = []
        for start, end, word in words:
            kind = ("inside" if end == len(q) else "suffix") if start == 0 else None
            keys.append((kind or ("prefix" if end == len(q) else "equal"), word))
        if quick and not all(key in self._memo or self._cheap(*key) for key in keys):
            return None
        sets = sorted((self._lookup(*key) for key in keys), key=len)
        found = sets[0]
        for rows in sets[1:]:  # the smallest set, kept where each larger one holds its rows
            if not len(found):
                break
            at = np.minimum(np.searchsorted(rows, found), len(rows) - 1)
            found = found[rows[at] == found]
        if len(words) == 1 and words[0][2] == q:
            return found
        if quick and len(found) > QUICK_CHECKS:
            return None
        texts = self._texts
        return found[np.fromiter((q in texts[row] for row in found), bool, len(found))]

    def _cheap(self, kind: str, word: str) -> bool:
        """Whether looking ``word`` up costs well under a millisecond (for a quick search): one
        word's rows, a few words' rows, or a short slice of the postings array. A word looked
        up inside others scans the whole vocabulary: never cheap."""
        if kind == "equal":
            return True
        if kind == "suffix":
            first, last = _range(self._reversed, word[::-1])
            return last - first <= WIDE
        if kind != "prefix":
            return False
        first, last = _range(self._sorted, word)
        if last - first <= WIDE:
            return True
        held = self._fresh_postings()
        return held is not None and held.count(first, last) <= QUICK_ROWS

    def _lookup(self, kind: str, word: str) -> np.ndarray:
        """Rows holding a word that equals, begins with, ends with or contains ``word``."""
        import numpy as np

        key = (kind, word)
        hit = self._memo.get(key)
        if hit is not None:
            self._memo.move_to_end(key)
            return hit
        if kind == "equal":
            words = [word] if word in self._rows else []
        elif kind == "prefix":
            first, last = _range(self._sorted, word)
            held = self._usable_postings() if last - first > WIDE else None
            if held is not None:
                return self._remember(key, _distinct(held.rows(first, last).astype(np.int64)))
            words = self._sorted[first:last]
        elif kind == "suffix":
            words = [w[::-1] for w in _starting(self._reversed, word[::-1])]
        else:
            words = self._containing(word)
        joined = array("i")
        for w in words:
            joined.extend(self._rows[w])
        rows = np.frombuffer(joined, dtype=np.int32).astype(np.int64)
        if len(words) > 1:
            rows = _distinct(rows)
        return self._remember(key, rows)

    def _remember(self, key: tuple[str, str], rows: np.ndarray) -> np.ndarray:
        self._memo[key] = rows
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return rows

    def _fresh_postings(self) -> _Postings | None:
        """The postings array if it holds every text (None: out of date, or not made)."""
        held = self._postings
        return held if held is not None and held.texts == len(self._texts) else None

    def _usable_postings(self) -> _Postings | None:
        """The postings array holding every text, remade here when it is out of date and due
        (None: out of date and made less than ``POSTINGS_SECONDS`` ago)."""
        held = self._fresh_postings()
        if held is None:
            stale = self._postings
            if stale is not None and time.monotonic() - stale.made < POSTINGS_SECONDS:
                return None
            held = self._postings = _Postings(self._sorted, self._rows, len(self._texts))
        return held

    def _containing(self, part: str) -> list[str]:
        """The words that contain ``part`` (one scan of all words joined)."""
        if self._blob is None:
            self._blob = "\n" + "\n".join(self._sorted) + "\n"
        blob = self._blob
        found: list[str] = []
        at = blob.find(part)
        while at >= 0:
            begin = blob.rfind("\n", 0, at) + 1
            finish = blob.find("\n", at)
            found.append(blob[begin:finish])
            at = blob.find(part, finish)
        return found


def _distinct(rows: np.ndarray) -> np.ndarray:
    """``rows`` sorted, each once (sorting then dropping repeats: ~8x faster here than
    ``np.unique``, which hashes)."""
    import numpy as np

    rows = np.sort(rows)
    if len(rows) < 2:
        return rows
    keep = np.empty(len(rows), bool)
    keep[0] = True
    np.not_equal(rows[1:], rows[:-1], out=keep[1:])
    return rows[keep]


def _range(words: list[str], prefix: str) -> tuple[int, int]:
    """Where the words of the sorted list ``words`` that begin with ``prefix`` lie."""
    first = bisect.bisect_left(words, prefix)
    return first, bisect.bisect_left(words, prefix + LAST_CHAR, first)


def _starting(words: list[str], prefix: str) -> list[str]:
    """The words of the sorted list ``words`` that begin with ``prefix``."""
    first, last = _range(words, prefix)
    return words[first:last]


class _Postings:
    """Every word's rows in one array, in the order of the sorted vocabulary: the rows of the
    words ``first .. last`` are one slice."""

    def __init__(self, vocabulary: list[str], rows: dict[str, array[int]], texts: int) -> None:
        import numpy as np

        joined = array("i")
        ends = np.empty(len(vocabulary) + 1, np.int64)
        ends[0] = 0
        for at, word in enumerate(vocabulary, start=1):
            joined.extend(rows[word])
            ends[at] = len(joined)
        self._all = np.frombuffer(joined, dtype=np.int32)
        self._ends = ends
        self.texts = texts  # how many texts it holds
        self.made = time.monotonic()

    def count(self, first: int, last: int) -> int:
        """How many rows words ``first .. last`` hold together (with repeats)."""
        return int(self._ends[last] - self._ends[first])

    def rows(self, first: int, last: int) -> np.ndarray:
        """The rows of words ``first .. last`` (unsorted, with repeats)."""
        return self._all[self._ends[first] : self._ends[last]]
