"""One template file: read it safely (a regular file, a bounded read) and parse its YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import TemplateError
from ..files import FileRefused, read_regular_file
from ..yamlio import MAX_DEPTH, NestedTooDeep, load_yaml
from .problems import describe_yaml_error

MAX_FILE_BYTES = 1_000_000
#: Values (mapping keys, list items, scalars) one document may expand to, aliases included.
MAX_VALUES = 200_000
#: What a template file must be, said after any reason it cannot be read.
FILE_FIX = (
    "templates are read only from regular files; remove it from the template folder, or rename "
    "it so its name does not end in .yml or .yaml"
)


def slugify(text: str) -> str:
    """``'Rocky Linux 9 Base'`` -> ``rocky-linux-9-base``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "template"


@dataclass
class Document:
    """A parsed YAML file, before inheritance and validation."""

    origin: str
    data: dict[str, Any]
    slug: str
    name: str
    warnings: list[str] = field(default_factory=list)


def parse_document(text: str | bytes, origin: str, default_slug: str | None = None) -> Document:
    """Parse one template document; any failure is a ``TemplateError`` naming the file."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateError(
                f"{origin}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    if len(text) > MAX_FILE_BYTES:
        raise TemplateError(
            f"{origin}: larger than {MAX_FILE_BYTES} characters; is it really a template?"
        )
    data = _load(text, origin)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise TemplateError(
            f"{origin}: a template must be a YAML mapping of fields, but this is {kind}"
        )
    check_size(data, origin)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TemplateError(
            f"{origin}: field 'name': every template needs a display name (a non-empty string)",
            field="name",
        )
    slug = data.get("slug") if isinstance(data.get("slug"), str) and data.get("slug") else None
    return Document(origin, data, slug or default_slug or slugify(name), name)


def _load(text: str, origin: str) -> Any:
    """The YAML of one document; every failure a ``TemplateError`` with the line where known."""
    try:
        return load_yaml(text, MAX_DEPTH)
    except NestedTooDeep as exc:
        mark = exc.problem_mark
        raise TemplateError(
            f"{origin}:{mark.line + 1}:{mark.column + 1}: the YAML is nested more than "
            f"{MAX_DEPTH} levels deep; a template needs only a few"
        ) from None
    except yaml.YAMLError as exc:
        raise TemplateError(describe_yaml_error(origin, exc)) from None
    except RecursionError:
        raise TemplateError(f"{origin}: YAML could not be read: it is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors can fail in odd ways on odd
        # input (`!!timestamp ` with no value raises AttributeError, bad dates ValueError).
        problem = f"{type(exc).__name__}: {exc}"
        raise TemplateError(f"{origin}: YAML could not be read: {problem}") from None


def count_values(data: Any, limit: int) -> int:
    """How many values (keys, items, scalars) ``data`` holds, counting stops past ``limit``.

    Raises ``RecursionError`` for a structure that contains itself (a recursive YAML alias).
    """
    total = 0
    stack: list[tuple[Any, frozenset[int]]] = [(data, frozenset())]
    while stack and total <= limit:
        node, ancestors = stack.pop()
        total += 1
        if isinstance(node, (dict, list)):
            if id(node) in ancestors:
                raise RecursionError("a value contains itself")
            inner = ancestors | {id(node)}
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, inner) for child in children)
    return total


def check_size(data: Any, origin: str) -> None:
    """Refuse alias tricks: a YAML alias that contains itself, or aliases of aliases that expand
    to far more values than the file holds (each would hang or break later copying and JSON)."""
    try:
        total = count_values(data, MAX_VALUES)
    except RecursionError:
        raise TemplateError(
            f"{origin}: a YAML alias refers to itself (a recursive &anchor)"
        ) from None
    if total > MAX_VALUES:
        raise TemplateError(
            f"{origin}: the YAML expands to more than {MAX_VALUES} values "
            "(aliases of aliases?); a template is much smaller than that"
        )


def read_document(path: Path, in_folder: bool = False) -> Document:
    """Read and parse one template file (a regular file, read no further than the size limit)."""
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        if exc.problem.startswith("is larger than"):
            raise TemplateError(
                f"{path}: larger than {MAX_FILE_BYTES} bytes; is it really a template?"
            ) from None
        raise TemplateError(
            f"{path}: cannot be read: it {exc.problem}{_fix(exc, in_folder)}"
        ) from None
    return parse_document(raw, str(path), default_slug=slugify(path.stem))


def _fix(exc: FileRefused, in_folder: bool) -> str:
    """What to do about a template file that cannot be read (its problem may say it already)."""
    if "regular file" in exc.problem:
        return f"; {FILE_FIX}" if in_folder else "; give the path of a regular template file"
    if "does not exist" in exc.problem:
        return "; remove the broken link" if in_folder else "; check the path"
    return ""
