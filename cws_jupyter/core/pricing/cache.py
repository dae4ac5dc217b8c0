"""Read and atomically write the refreshed price cache (``prices.json``)."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import tempfile

from pydantic import ValidationError

from ..errors import BadInput
from ..files import FileRefused, read_regular_text, remove_stale_temps
from ..folders import folder_fix, folder_problem
from .models import CACHE_FILE, CACHE_FORMAT, RefreshedPrices

log = logging.getLogger(__name__)
#: The most of ``prices.json`` read (every region and instance type takes about 2 MB).
MAX_CACHE_BYTES = 16_000_000
#: Temp files of ``write_refreshed`` (a killed writer leaves one behind).
TEMP_GLOB = ".prices.*.tmp"


def cache_path(cache_dir: pathlib.Path) -> pathlib.Path:
    """Where the refreshed table lives inside ``cache_dir``."""
    return pathlib.Path(cache_dir) / CACHE_FILE


def read_refreshed(cache_dir: pathlib.Path | None) -> RefreshedPrices | None:
    """The refreshed table in ``cache_dir``, or None if absent or unreadable (logged)."""
    if cache_dir is None:
        return None
    path = cache_path(cache_dir)
    if not path.is_file():
        return None
    try:
        text = read_regular_text(path, MAX_CACHE_BYTES)
        data = RefreshedPrices.model_validate(json.loads(text))
    except (OSError, FileRefused, ValueError, ValidationError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:300]
        log.warning(
            "warning: ignoring the refreshed prices in %s (%s); the shipped price table is used "
            "(`cws prices refresh` writes a new file)",
            path,
            detail,
        )
        return None
    if data.format != CACHE_FORMAT:
        log.warning("Ignoring %s: format %s is not %s", path, data.format, CACHE_FORMAT)
        return None
    return data


def write_refreshed(cache_dir: pathlib.Path, data: RefreshedPrices) -> pathlib.Path:
    """Write ``data`` to ``cache_dir/prices.json`` via a temp file and ``os.replace`` (a folder
    that cannot hold it is a BadInput naming the setting to change, never a raw OSError)."""
    cache_dir = pathlib.Path(cache_dir)
    path = cache_path(cache_dir)
    problem = folder_problem(cache_dir)
    if problem:
        raise _unwritable(path, problem)
    remove_stale_temps(cache_dir, TEMP_GLOB)
    try:
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".prices.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data.model_dump(), handle, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        pathlib.Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(path, exc.strerror or str(exc)) from None
        raise
    return path


def _unwritable(path: pathlib.Path, why: str) -> BadInput:
    """The error for a price cache that cannot be written."""
    return BadInput(
        f"cannot write the refreshed prices to {path} ({why}); the shipped price table stays "
        f"in use. {folder_fix('cache')}",
        field="CWS_HOME",
    )
