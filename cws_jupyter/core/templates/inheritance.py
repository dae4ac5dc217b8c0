"""Template inheritance: lists appended, scalars overridden, ports de-duplicated."""

from __future__ import annotations

import copy
from typing import Any

#: Keys that belong to one document and are never inherited.
OWN_KEYS = frozenset({"name", "slug", "inherits"})
#: Lists whose items are de-duplicated after appending (by value, or by a key field).
DEDUP_BY_VALUE = frozenset({"ports"})
DEDUP_BY_NAME = frozenset({"users", "services"})


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Return ``child`` laid over ``parent`` (neither is modified)."""
    merged = copy.deepcopy({k: v for k, v in parent.items() if k not in OWN_KEYS})
    for key, value in child.items():
        merged[key] = _merge_value(key, merged.get(key), copy.deepcopy(value))
    return merged


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
        seen: list[Any] = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return seen
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
