"""Every result type the front doors render, built with hostile text in every text field.

``build(Model)`` fills a pydantic model (without validation) from its field annotations: text
becomes ``HOSTILE`` (rich markup, a MathJax formula, an emoji code, HTML), numbers small values,
nested models are built the same way. Renderers must print such text as written.
"""

from __future__ import annotations

import datetime as dt
import importlib
import types
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

#: Pieces a renderer must print as written (none contains a space, so none is wrapped apart).
TOKENS = (
    "[/x]",
    "[link=https://evil.example]click[/link]",
    "[bold]b",
    ":rocket:",
    "$x$",
    "<script>s</script>",
)
HOSTILE = " ".join(TOKENS) + " \\"


def value_for(annotation: Any, flag: bool, depth: int = 0) -> Any:
    """A value of the annotated type: hostile text, a small number, a nested model."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if str in options:
            return HOSTILE
        return value_for(options[0], flag, depth) if options else None
    if origin is Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset) or (origin and "Sequence" in str(origin)):
        return [value_for(args[0] if args else str, flag, depth)]
    if origin is dict:
        return {value_for(args[0], flag, depth): value_for(args[1], flag, depth)}
    if annotation in (str, Any, Path):
        return HOSTILE
    if annotation is bool:
        return flag
    if annotation is int:
        return 3
    if annotation is float:
        return 1.5
    if annotation is dt.datetime:
        return dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return build(annotation, flag, depth + 1)
    return HOSTILE


def build(model: type[BaseModel], flag: bool = True, depth: int = 0) -> BaseModel:
    """An instance of ``model`` with hostile text in every text field (``flag``: every bool)."""
    values = {
        name: (None if depth > 4 else value_for(field.annotation, flag, depth))
        for name, field in model.model_fields.items()
    }
    return model.model_construct(**values)


def result_types() -> list[tuple[str, type[BaseModel], str, str]]:
    """``(name, model, HTML renderer, CLI renderer)`` of every registered result type."""
    from cws_jupyter.display.formatters import RESULT_TYPES

    found = []
    for (module, name), (html_spec, text_name) in RESULT_TYPES.items():
        model = getattr(importlib.import_module(module), name)
        found.append((name, model, html_spec, text_name))
    return found
