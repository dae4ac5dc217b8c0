"""Read and atomically write the refreshed price cache (``prices.json``)."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import tempfile

from pydantic import ValidationError

from .models import CACHE_FILE, CACHE_FORMAT, RefreshedPrices

log = logging.getLogger(__name__)


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
        data = RefreshedPrices.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        log.warning("Ignoring refreshed prices in %s (%s); using the shipped table", path, exc)
        return None
    if data.format != CACHE_FORMAT:
        log.warning("Ignoring %s: format %s is not %s", path, data.format, CACHE_FORMAT)
        return None
    return data


def write_refreshed(cache_dir: pathlib.Path, data: RefreshedPrices) -> pathlib.Path:
    """Write ``data`` to ``cache_dir/prices.json`` via a temp file and ``os.replace``."""
    cache_dir = pathlib.Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_path(cache_dir)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".prices.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data.model_dump(), handle, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
    return path
