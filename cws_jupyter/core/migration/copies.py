"""Migrated copies in the user's template folder: how they are named, recognised, rendered and
written (never half: a temporary file in the same folder, checked, then renamed over)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import TemplateError
from ..files import FileRefused, read_regular_file
from ..yamlio import load_yaml

#: The most of a template file read (as the template loader reads it).
MAX_FILE_BYTES = 1_000_000

#: The first line of every migrated copy; the original's path follows it.
MARKER = "# cws-jupyter migrated copy of: "
#: Permissions of a new copy (an existing file keeps its own).
NEW_FILE_MODE = 0o644


class _CopyDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with multi-line text as literal blocks and no anchors/aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        """Write repeated values out in full (no ``&id001`` anchors in a file people edit)."""
        return True


#: Unicode line breaks PyYAML (with allow_unicode) writes raw into plain, single-quoted and block
#: scalars, where a reader folds them into spaces: such text is written double-quoted (escaped).
UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line strings as ``|`` blocks (PyYAML falls back to quotes when a block can't hold it)."""
    if any(mark in value for mark in UNICODE_BREAKS):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CopyDumper.add_representer(str, _text)


def copy_path(user_template_dir: Path, slug: str) -> Path:
    """Where the migrated copy of a template lives."""
    return Path(user_template_dir) / f"{slug}.yml"


def is_migrated_copy(path: Path) -> bool:
    """True when the file starts with the migrated-copy marker."""
    return recorded_original(path) is not None


def recorded_original(path: Path) -> str | None:
    """The original's path named in a migrated copy's first line, or None (not a copy)."""
    try:  # a regular file only, read no further than a template may be (never a pipe's wait)
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except FileRefused:
        return None
    first = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    return first[len(MARKER) :].strip() if first.startswith(MARKER) else None


def in_folder(path: Path, folder: Path) -> bool:
    """True when ``path`` is inside ``folder`` (both resolved)."""
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


def read_raw(path: Path) -> dict[str, Any]:
    """A template file as written (no inheritance, no validation), with the safe YAML loader."""
    try:
        data = load_yaml(read_regular_file(path, MAX_FILE_BYTES))
    except FileRefused as exc:
        raise TemplateError(f"{path}: cannot be read again to copy it: it {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: cannot be read again to copy it: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: no longer holds a template (a YAML mapping)")
    return data


def with_ami_config(
    document: dict[str, Any], slug: str, ami_config: dict[str, Any]
) -> dict[str, Any]:
    """The document with its ``ami_config`` set (in place of the old one) and its slug explicit."""
    result: dict[str, Any] = {}
    for key, value in document.items():
        result[key] = value
        if key == "name" and "slug" not in document:
            result["slug"] = slug
    if "slug" not in result:
        result = {"slug": slug, **result}
    result["ami_config"] = ami_config
    return result


def render_copy(document: dict[str, Any], original: str, today: dt.date | None = None) -> str:
    """The copy's text: a header naming the original and the date, then the YAML."""
    day = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    where = " ".join(str(original).split())  # one line, whatever the path holds
    header = (
        f"{MARKER}{where}\n"
        f"# Written by `cws migrate` on {day} (UTC), with an ami_config for this account's AMIs.\n"
        "# The original's comments were not kept. Delete this file to go back to the original.\n"
    )
    body = yaml.dump(
        document,
        Dumper=_CopyDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body


def write_atomically(target: Path, text: str, check: Callable[[Path], None]) -> None:
    """Write ``text`` to a temporary file beside ``target``, ``check`` it, then rename it over."""
    from ..files import remove_stale_temps

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent, f".{target.name}.*.tmp")  # left by writers that were killed
    mode = target.stat().st_mode & 0o777 if target.exists() else NEW_FILE_MODE
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        check(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
