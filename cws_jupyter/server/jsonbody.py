"""Request bodies parsed as JSON with bounded nesting: a body nested too deep is a clear 400,
never a RecursionError (the server's own bodies nest a few levels at most)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..core.errors import BadInput

#: Deepest nesting accepted (the deepest body the API takes nests 3 levels).
MAX_DEPTH = 32
#: A JSON string once its escaped backslashes and quotes are gone (its brackets are not nesting).
_STRING = re.compile(r'"[^"]*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    bare = _STRING.sub('""', text.replace("\\\\", "").replace('\\"', ""))
    depth = deepest = 0
    for match in _BRACKETS.finditer(bare):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The body parsed as JSON; BadInput (field 'body') when it is not UTF-8 JSON or nests deeper
    than ``max_depth``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the request body is not UTF-8 text: {exc}", field="body") from None
    opened = text.count("[") + text.count("{")  # the depth is at most this: often enough to know
    depth = nesting_depth(text) if opened > max_depth else 0
    if depth > max_depth:
        raise BadInput(
            f"the request body nests arrays or objects {depth} levels deep; at most "
            f"{max_depth} are accepted",
            field="body",
        )
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise BadInput(f"the request body is not valid JSON: {detail}", field="body") from None
