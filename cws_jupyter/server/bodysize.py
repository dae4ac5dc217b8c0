"""The byte limit of each request body, computed from its model's limits (so the OpenAPI document
and the server agree): the longest JSON text of a body the model accepts, in any encoding a
client may use (``\\uXXXX`` escapes, astral characters as surrogate pairs, pretty-printing)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel

#: Most bytes one character of a string can take in JSON: an astral character written as two
#: ``\\uXXXX`` escapes (pydantic counts it as one character).
BYTES_PER_CHAR = 12
#: Whitespace allowed around each value (pretty-printing with a newline and indentation).
WHITESPACE_PER_VALUE = 16
#: Bytes of the longest number accepted where no maximum is given.
NUMBER_BYTES = 32


class UnboundedBody(ValueError):
    """A body model leaves a string, list or map without a length limit."""


def max_body_bytes(model: type[BaseModel]) -> int:
    """The longest JSON text of a body ``model`` accepts (raises UnboundedBody when unlimited)."""
    return _cached(model)


@cache
def _cached(model: type[BaseModel]) -> int:
    schema = model.model_json_schema(mode="validation")
    return _size(schema, schema.get("$defs", {}), model.__name__)


def _size(node: dict[str, Any], defs: dict[str, Any], where: str) -> int:
    """The longest JSON text the schema ``node`` accepts (``where`` names it in errors)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _size(defs[name], defs, name)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return max(_size(option, defs, where) for option in node[key])
    if "const" in node:
        return len(json.dumps(node["const"])) + WHITESPACE_PER_VALUE
    if "enum" in node:
        return max(len(json.dumps(v)) for v in node["enum"]) + WHITESPACE_PER_VALUE
    kind = node.get("type")
    if isinstance(kind, list):
        return max(_size({**node, "type": k}, defs, where) for k in kind)
    return _by_type(kind, node, defs, where) + WHITESPACE_PER_VALUE


def _by_type(kind: str | None, node: dict[str, Any], defs: dict[str, Any], where: str) -> int:
    """The longest JSON text of one typed schema node."""
    if kind == "null":
        return 4
    if kind == "boolean":
        return 5
    if kind in ("integer", "number"):
        return NUMBER_BYTES
    if kind == "string":
        return _string(node, where)
    if kind == "array":
        if "maxItems" not in node:
            raise UnboundedBody(f"{where}: a list without maxItems")
        item = _size(node.get("items", {}), defs, where)
        return 2 + node["maxItems"] * (item + 1)
    if kind == "object":
        return _object(node, defs, where)
    raise UnboundedBody(f"{where}: a value of no known type ({node})")


def _string(node: dict[str, Any], where: str) -> int:
    """The longest JSON text of a string node."""
    if "maxLength" not in node:
        raise UnboundedBody(f"{where}: a string without maxLength")
    return 2 + node["maxLength"] * BYTES_PER_CHAR


def _object(node: dict[str, Any], defs: dict[str, Any], where: str) -> int:
    """The longest JSON text of an object node: its properties, and any further keys it allows."""
    size = 2
    for name, prop in node.get("properties", {}).items():
        size += len(json.dumps(name)) + 1 + _size(prop, defs, f"{where}.{name}") + 1
    extra = node.get("additionalProperties", False)
    if extra is False:
        return size
    if "maxProperties" not in node:
        raise UnboundedBody(f"{where}: a map without maxProperties")
    key = _string(node.get("propertyNames", {}), f"{where} (its keys)")
    value = _size(extra if isinstance(extra, dict) else {}, defs, where)
    return size + node["maxProperties"] * (key + 1 + value + 1)
