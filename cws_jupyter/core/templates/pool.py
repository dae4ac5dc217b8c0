"""Where ``inherits`` names are looked up: documents by slug or display name, in layers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..errors import TemplateError
from .documents import Document, slugify

Layer = Mapping[str, Document] | Callable[[], Mapping[str, Document]]
Broken = Sequence[tuple[Path, TemplateError]] | Callable[[], Sequence[tuple[Path, TemplateError]]]


class _Index:
    """One layer's documents by slug and by display name (first one wins), with their order."""

    def __init__(self, docs: Mapping[str, Document]) -> None:
        self.by_slug = dict(docs)
        self.order = {slug: i for i, slug in enumerate(docs)}
        self.by_name: dict[str, str] = {}
        for slug, doc in docs.items():
            self.by_name.setdefault(doc.name.strip().lower(), slug)

    def find(self, ref: str) -> Document | None:
        """By slug; else the first document (in order) whose display name or slug matches."""
        if ref in self.by_slug:
            return self.by_slug[ref]
        candidates = [self.by_name.get(ref.strip().lower()), slugify(ref)]
        found = [s for s in candidates if s in self.by_slug]
        return self.by_slug[min(found, key=self.order.__getitem__)] if found else None


class Pool:
    """Layers of documents, searched in order; a layer given as a function is read on first use."""

    def __init__(self, *layers: Layer, broken: Sequence[Broken] = ()) -> None:
        """``broken``: files that could not be read, to say why a parent named like one is missing."""
        self._layers: list[Layer] = list(layers)
        self._indexes: list[_Index | None] = [None] * len(layers)
        self._broken = list(broken)

    def _index(self, i: int) -> _Index:
        index = self._indexes[i]
        if index is None:
            layer = self._layers[i]
            index = _Index(layer() if callable(layer) else layer)
            self._indexes[i] = index
        return index

    def find(self, ref: str) -> Document | None:
        """The document ``ref`` names (slug or display name, ignoring case and spaces), or None."""
        for i in range(len(self._layers)):
            doc = self._index(i).find(ref)
            if doc is not None:
                return doc
        return None

    def known(self) -> str:
        """Every slug of every layer, sorted and comma-separated (for error messages)."""
        slugs = {slug for i in range(len(self._layers)) for slug in self._index(i).by_slug}
        return ", ".join(sorted(slugs)) or "none"

    def why_missing(self, ref: str) -> str | None:
        """Why no document is named ``ref`` when a file named like it could not be read."""
        for source in self._broken:
            for path, error in source() if callable(source) else source:
                if slugify(path.stem) == slugify(ref):
                    return error.message
        return None
