"""The template catalogue kept between processes.

Listing templates means reading, merging and validating every file on the search path; the
answer changes only when one of those files does (or cws-jupyter itself). So the listing is kept
in the user's cache folder under a fingerprint of the search path (each file's path, inode,
modification time and size, the folders' own problems) and of the template code, and a new
process answers `cws templates list` from it after a scan of the folders, without loading YAML or
building the template models. Any change gives a different fingerprint and a fresh listing.

The cache only ever costs speed: a missing, damaged, foreign or unwritable file is a miss.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..files import FileRefused, read_regular_text, remove_stale_temps
from .discovery import Folder, scan

CATALOGUE_FILE = "templates-catalogue.json"
#: Bumped when what the listing holds changes shape.
FORMAT = 1
#: A listing larger than this is not kept (a path of thousands of templates lists slowly anyway).
MAX_BYTES = 4 * 1024 * 1024
#: cws-jupyter's own files that decide what a listing says (models, advice, the data they use).
CODE_FOLDERS = (Path(__file__).parent, Path(__file__).parents[1] / "regions")


def _stamp(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), 0, 0, 0]
    return [str(path), st.st_ino, st.st_mtime_ns, st.st_size]


def _code_stamps() -> list[list[Any]]:
    return [
        _stamp(path)
        for folder in CODE_FOLDERS
        for path in sorted(folder.iterdir())
        if path.suffix in (".py", ".json", ".yaml")
    ]


def fingerprint(folders: list[Folder]) -> list[Any]:
    """What the listing of ``folders`` depends on, as JSON-comparable data."""
    from ... import __version__

    scans = [scan(folder) for folder in folders]
    return [
        FORMAT,
        __version__,
        [[str(f.path), f.named_by, f.required] for f in folders],
        [_stamp(path) for found in scans for path in found.paths],
        [w for found in scans for w in found.warnings],
        _code_stamps(),
    ]


class Catalogue:
    """The listing of one search path, answered from ``cache_file`` while it is current."""

    def __init__(self, folders: list[Folder], cache_file: Path) -> None:
        self.folders = folders
        self.cache_file = cache_file

    def listing(self, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The kept listing when nothing changed, else ``build()`` (kept for the next process)."""
        key = fingerprint(self.folders)
        kept = self._read()
        if kept is not None and kept.get("key") == key and isinstance(kept.get("listing"), dict):
            return kept["listing"]  # type: ignore[no-any-return]
        return self.refresh(build, key)

    def refresh(
        self, build: Callable[[], dict[str, Any]], key: list[Any] | None = None
    ) -> dict[str, Any]:
        """``build()``, kept for the next process whatever was kept before."""
        listing = build()
        self._write({"key": key or fingerprint(self.folders), "listing": listing})
        return listing

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(read_regular_text(self.cache_file, MAX_BYTES))
        except (OSError, FileRefused, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, separators=(",", ":"))
        if len(text) > MAX_BYTES:
            return
        folder = self.cache_file.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(folder, ".catalogue-*.tmp")
            fd, temp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temp, self.cache_file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # an unwritable cache folder costs speed only
