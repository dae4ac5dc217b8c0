"""Template inheritance: lists appended, scalars overridden, ports de-duplicated.

Bounded and memoised: each document's merged data is computed once per load (a template
inheriting one parent eight times, nine levels deep, is nine merges, not 8**9), a parent named
twice is merged once, and depth, width and the size of the result are capped with errors that
name the file and the field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import TemplateError

#: Keys that belong to one document and are never inherited.
OWN_KEYS = frozenset({"name", "slug", "inherits"})
#: Lists whose items are de-duplicated after appending (by value, or by a key field).
DEDUP_BY_VALUE = frozenset({"ports"})
DEDUP_BY_NAME = frozenset({"users", "services"})
#: Levels of parents above a template (its parent, grandparent, ...).
MAX_DEPTH = 32
#: Names in one ``inherits`` list.
MAX_PARENTS = 32
#: Values (keys, list items, scalars) a merged template may hold.
MAX_VALUES = 200_000


class Doc(Protocol):
    """What inheritance needs of a parsed template document."""

    origin: str
    data: dict[str, Any]
    slug: str


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Return ``child`` laid over ``parent`` (neither is modified)."""
    merged = copy.deepcopy({k: v for k, v in parent.items() if k not in OWN_KEYS})
    lay_over(merged, child)
    return merged


def lay_over(acc: dict[str, Any], layer: dict[str, Any]) -> None:
    """Lay ``layer`` over ``acc`` in place: ``acc``'s own keys go, ``layer`` is copied, not shared."""
    for key in OWN_KEYS:
        acc.pop(key, None)
    for key, value in layer.items():
        acc[key] = _merge_value(key, acc.get(key), copy.deepcopy(value))


def _merge_value(key: Any, old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for k, v in new.items():
            out[k] = _merge_value(k, out.get(k), v)
        return out
    if isinstance(old, list) and isinstance(new, list):
        return _dedup(key, old + new)
    return new


def _dedup(key: Any, items: list[Any]) -> list[Any]:
    if key in DEDUP_BY_VALUE:
        return _unique(items)
    if key in DEDUP_BY_NAME:
        by_name: dict[Any, Any] = {}
        for item in items:
            name = item.get("name") if isinstance(item, dict) else item
            name = name if isinstance(name, (str, int, float, type(None))) else repr(name)
            if isinstance(by_name.get(name), dict) and isinstance(item, dict):
                by_name[name] = _merge_value(None, by_name[name], item)
            else:
                by_name[name] = item
        return list(by_name.values())
    return items


def _unique(items: list[Any]) -> list[Any]:
    """Items without repeats, first occurrence kept (hashable ones in linear time)."""
    seen: set[Any] = set()
    others: list[Any] = []
    kept: list[Any] = []
    for item in items:
        try:
            if item in seen:
                continue
            seen.add(item)
        except TypeError:  # a list or mapping where a port belongs: validation reports it
            if item in others:
                continue
            others.append(item)
        kept.append(item)
    return kept


def _count(data: Any, limit: int) -> int:
    """Values in ``data`` (keys, items, scalars), counting no further than past ``limit``."""
    total, stack = 0, [data]
    while stack and total <= limit:
        node = stack.pop()
        total += 1
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return total


class Inheritance:
    """Merged data of documents, each computed once; ``find`` looks a parent's name up."""

    def __init__(
        self,
        find: Callable[[str], Doc | None],
        known: Callable[[], str],
        why_missing: Callable[[str], str | None] = lambda ref: None,
    ) -> None:
        """``find`` a parent by name; ``known`` names and ``why_missing`` explain a missing one."""
        self._find = find
        self._known = known
        self._why_missing = why_missing
        self._done: dict[int, tuple[dict[str, Any], int, int]] = {}
        self._failed: dict[int, TemplateError] = {}

    def data(self, doc: Doc) -> tuple[dict[str, Any], list[str]]:
        """``doc``'s data with its parents merged in, and warnings about its ``inherits``."""
        merged, _, _ = self._merged(doc, [])
        return merged, self._warnings(doc)

    def _parents(self, doc: Doc) -> list[tuple[str, Doc]]:
        """The documents ``doc`` inherits, in order, each once."""
        refs = doc.data.get("inherits") or []
        refs = [refs] if isinstance(refs, str) else refs
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise TemplateError(
                f"{doc.origin}: field 'inherits': expected a template name or a list of names "
                f"(got {_shown(refs)})",
                field="inherits",
            )
        if len(refs) > MAX_PARENTS:
            raise TemplateError(
                f"{doc.origin}: field 'inherits': {len(refs)} parents; at most {MAX_PARENTS} are "
                "allowed: gather what they share in one parent template and inherit that",
                field="inherits",
            )
        parents: dict[int, tuple[str, Doc]] = {}
        for ref in refs:
            parent = self._find(ref)
            broken = self._why_missing(ref) if parent is None else None
            if broken:
                raise TemplateError(
                    f"{doc.origin}: field 'inherits': parent '{ref}' cannot be loaded: {broken}",
                    field="inherits",
                )
            if parent is None:
                raise TemplateError(
                    f"{doc.origin}: field 'inherits': no template named '{ref}' "
                    f"(by slug or display name; known: {self._known()})",
                    field="inherits",
                )
            parents.setdefault(id(parent), (ref, parent))
        return list(parents.values())

    def _warnings(self, doc: Doc) -> list[str]:
        """A parent named more than once (by the same or another name) is merged once: say so."""
        refs = doc.data.get("inherits") or []
        refs = [refs] if isinstance(refs, str) else refs
        named: dict[int, tuple[Doc, list[str]]] = {}
        for ref in refs[:MAX_PARENTS] if isinstance(refs, list) else []:
            parent = self._find(ref) if isinstance(ref, str) else None
            if parent is not None:
                named.setdefault(id(parent), (parent, []))[1].append(ref)
        return [
            f"{doc.origin}: field 'inherits': template '{parent.slug}' is named {len(names)} "
            f"times ({', '.join(repr(n) for n in dict.fromkeys(names))}); it is merged once, "
            "so name it once"
            for parent, names in named.values()
            if len(names) > 1
        ]

    def _merged(self, doc: Doc, chain: list[Doc]) -> tuple[dict[str, Any], int, int]:
        """``(data, value count, levels of parents)`` of ``doc`` with its parents merged in,
        computed once (``chain``: the children being merged, to find cycles)."""
        done = self._done.get(id(doc))
        if done is not None:
            return done
        failed = self._failed.get(id(doc))
        if failed is not None:
            raise failed
        slugs = [child.slug for child in chain]
        if doc.slug in slugs:
            cycle = " -> ".join([*slugs[slugs.index(doc.slug) :], doc.slug])
            raise _along(
                TemplateError(f"{doc.origin}: inheritance cycle: {cycle}", field="inherits")
            )
        if len(chain) > MAX_DEPTH:  # stop the walk up before Python's recursion limit does
            shown = " -> ".join([*slugs[:2], "...", *slugs[-1:], doc.slug])
            raise _along(self._too_deep(chain[0], shown))
        try:
            acc: dict[str, Any] = {}
            size = levels = 0
            for _, parent in self._parents(doc):
                data, count, above = self._merged(parent, [*chain, doc])
                size = self._lay(doc, acc, data, size + count)
                levels = max(levels, above + 1)
            if levels > MAX_DEPTH:
                raise self._too_deep(doc, f"{levels} levels")
            size = self._lay(doc, acc, doc.data, size + _count(doc.data, MAX_VALUES))
        except TemplateError as exc:
            if not getattr(exc, "along_a_path", False):  # the same from wherever it is reached
                self._failed[id(doc)] = exc
            raise
        self._done[id(doc)] = (acc, size, levels)
        return acc, size, levels

    @staticmethod
    def _too_deep(doc: Doc, shown: str) -> TemplateError:
        return TemplateError(
            f"{doc.origin}: field 'inherits': more than {MAX_DEPTH} levels of parents above "
            f"it ({shown}); let it inherit its grandparents' settings more directly",
            field="inherits",
        )

    def _lay(self, doc: Doc, acc: dict[str, Any], layer: dict[str, Any], bound: int) -> int:
        """Lay ``layer`` over ``acc``; ``bound`` is at least the result's size. Returns a bound
        again, exact when it had to be checked, and refuses a result over ``MAX_VALUES``."""
        lay_over(acc, layer)
        if bound <= MAX_VALUES:
            return bound
        exact = _count(acc, MAX_VALUES)
        if exact > MAX_VALUES:
            raise TemplateError(
                f"{doc.origin}: field 'inherits': with its parents merged in, the template holds "
                f"more than {MAX_VALUES} values (the same lists inherited along many paths?); "
                "inherit fewer, smaller templates",
                field="inherits",
            )
        return exact


def _along(error: TemplateError) -> TemplateError:
    """Mark an error that depends on the path it was reached by (a cycle, the depth)."""
    error.along_a_path = True  # type: ignore[attr-defined]
    return error


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
