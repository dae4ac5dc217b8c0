"""Turn YAML and pydantic failures into messages naming the file, the field, the value and the fix."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError


def field_path(loc: tuple[Any, ...]) -> str:
    """``('ami_config', 'ami_mappings', 'eu-west-9')`` -> ``ami_config.ami_mappings.eu-west-9``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item == "[key]" or str(item).startswith(("function-", "json-or-python")):
            continue  # pydantic's internal validator names; not part of the user's path
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def describe_validation_error(origin: str, error: ValidationError) -> tuple[list[str], list[tuple]]:
    """Split a pydantic error into per-field problem messages and the locations of unknown keys."""
    problems: list[str] = []
    unknown: list[tuple] = []
    for item in error.errors(include_url=False):
        loc = tuple(item.get("loc", ()))
        if item["type"] == "extra_forbidden":
            unknown.append(loc)
            continue
        message = item["msg"].removeprefix("Value error, ")
        where = field_path(loc)
        value = item.get("input")
        # A model-level check (empty loc) would otherwise echo the whole document back.
        quiet = item["type"] == "missing" or not loc or _in_message(value, message)
        shown = "" if quiet else f" (got {_shown(value)})"
        problems.append(f"{origin}: field '{where}': {message}{shown}")
    return problems, unknown


def _in_message(value: Any, message: str) -> bool:
    return isinstance(value, str) and repr(value) in message


def describe_yaml_error(origin: str, error: yaml.YAMLError) -> str:
    """A YAML syntax error with the line and column a person can jump to."""
    mark = getattr(error, "problem_mark", None)
    where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark is not None else origin
    problem = getattr(error, "problem", None) or str(error)
    return f"{where}: YAML syntax error: {problem}"


def drop_keys(data: Any, locations: list[tuple]) -> None:
    """Remove the unknown keys (by pydantic location) from a raw template document, in place."""
    for loc in locations:
        node = data
        for part in loc[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict):
            node.pop(loc[-1], None)
