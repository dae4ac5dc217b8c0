"""Read and check a user's YAML file that replaces fallback-map entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import BadInput
from ..files import FileRefused, read_regular_text
from ..yamlio import MAX_DEPTH, NestedTooDeep, load_yaml
from .known import check_region
from .validate import partition_of

FIELD = "region_fallbacks_file"
#: The most of an override file read (the whole shipped map is a few KB).
MAX_FILE_BYTES = 1_000_000
#: How to point cws-jupyter at a usable file.
FIX = "point CWS_REGION_FALLBACKS (the region_fallbacks_file setting) at a regular YAML file"


def _bad(path: Path, problem: str, region: str | None = None) -> BadInput:
    """A BadInput that names the override file, the region at fault and the problem."""
    where = f"{path}" + (f", region {region!r}" if region is not None else "")
    details: dict[str, Any] = {"file": str(path), "problem": problem}
    if region is not None:
        details["region"] = region
    return BadInput(f"Region fallbacks file {where}: {problem}", field=FIELD, details=details)


def _check_region_name(path: Path, value: object, region: str | None) -> str:
    """A region named in the file must be one AWS has."""
    try:
        return check_region(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise _bad(path, str(exc), region if region is not None else str(value)) from None


def _check_entry(path: Path, region: str, value: object) -> list[str]:
    """One entry is a list of distinct known regions, not the region itself, same partition."""
    if not isinstance(value, list):
        raise _bad(
            path, f"expected a list of neighbour regions, got {type(value).__name__}", region
        )
    neighbours: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise _bad(path, f"neighbour {item!r} is not a region name", region)
        name = _check_region_name(path, item, region)
        if name == region:
            raise _bad(path, "a region cannot be its own fallback", region)
        if name in neighbours:
            raise _bad(path, f"neighbour {name} is listed twice", region)
        if partition_of(name) != partition_of(region):
            raise _bad(
                path,
                f"neighbour {name} is in another AWS partition; AMIs cannot be copied there",
                region,
            )
        neighbours.append(name)
    return neighbours


def read_overrides(path: Path) -> dict[str, list[str]]:
    """Parse ``{region: [neighbour, ...]}`` from ``path``; an empty file overrides nothing."""
    path = Path(path)
    try:
        text = read_regular_text(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise _bad(path, f"cannot be read: it {exc.problem}; {FIX}") from None
    try:
        data = load_yaml(text)
    except NestedTooDeep:
        raise _bad(path, f"is nested more than {MAX_DEPTH} levels deep; {FIX}") from None
    except yaml.YAMLError as exc:
        raise _bad(path, f"is not valid YAML ({exc})".replace("\n", " ")) from None
    except (RecursionError, ValueError, TypeError, AttributeError) as exc:
        # PyYAML's constructors fail oddly on odd input (`!!timestamp` with no value).
        raise _bad(path, f"is not valid YAML ({type(exc).__name__}: {exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _bad(
            path, f"expected a mapping of region to a list of neighbours, got {type(data).__name__}"
        )
    result: dict[str, list[str]] = {}
    for key, value in data.items():
        region = _check_region_name(path, key, None) if isinstance(key, str) else None
        if region is None:
            raise _bad(path, f"key {key!r} is not a region name")
        result[region] = _check_entry(path, region, value)
    return result
