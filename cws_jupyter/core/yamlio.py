"""YAML reading: libyaml's C parser when it is there, guarded against pathological nesting."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64


class NestedTooDeep(yaml.MarkedYAMLError):
    """The document nests deeper than any of our files needs (the C parser would crash on it)."""


def check_nesting(text: str | bytes, max_depth: int = MAX_DEPTH) -> None:
    """Refuse documents nested deeper than ``max_depth`` before building them (no recursion here)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    raise NestedTooDeep(
                        problem=f"nested more than {max_depth} levels deep",
                        problem_mark=event.start_mark,
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except NestedTooDeep:
        raise
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # newer libyaml stops at its own limit first
            raise NestedTooDeep(
                problem=f"nested more than {max_depth} levels deep", problem_mark=exc.problem_mark
            ) from None
        raise


def load_yaml(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``yaml.safe_load`` on the fastest safe loader, refusing absurd nesting first."""
    check_nesting(text, max_depth)
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
