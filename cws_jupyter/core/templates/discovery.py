"""Find template files in the search path's folders, saying what is wrong with a folder.

A folder that does not exist, is a file, or cannot be listed is reported (never silently
skipped), and a walk stops after ``MAX_ENTRIES`` entries, so pointing the path at ``/`` or a
home folder costs a bounded time and says why.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..files import kind_of, os_problem

#: What a template file's name ends with.
SUFFIXES = (".yml", ".yaml")
#: Files and sub-folders one template folder may hold before the walk stops.
MAX_ENTRIES = 20_000

log = logging.getLogger(__name__)
_warned: set[str] = set()
_warned_lock = threading.Lock()


@dataclass
class Folder:
    """A folder of the search path: where it is, who named it, and whether it must exist."""

    path: Path
    named_by: str | None = None  # e.g. "CWS_TEMPLATE_PATH"
    required: bool = True

    def label(self) -> str:
        """How messages name the folder."""
        if self.named_by:
            return f"{self.named_by} entry '{self.path}'"
        return f"template folder '{self.path}'"

    @property
    def is_default(self) -> bool:
        """The folder for the user's own templates, where no setting named it: it may be
        missing, and a path to it that cannot exist is the home setting's fault, not the user's."""
        return self.named_by is None and not self.required

    def fix(self) -> str:
        """What to do about a folder that cannot be used."""
        if self.named_by:
            return f"correct it or remove it from {self.named_by} (folders separated by ':')"
        if self.is_default:
            from ..folders import folder_origin

            return (
                "make it a folder of template files (it is the default folder for your own "
                f"templates; {folder_origin('config')} decides where it is)"
            )
        return "make it a folder of template files"


@dataclass
class Scan:
    """The template files found, and what kept others from being found."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def folder_problem(folder: Folder) -> str | None:
    """Why ``folder`` cannot be searched (None when it can, or may be missing)."""
    try:
        mode = os.stat(folder.path).st_mode
    except FileNotFoundError:
        if not folder.required:
            return None
        return f"{folder.label()} does not exist: {folder.fix()}"
    except (OSError, ValueError) as exc:
        why = os_problem(exc) if isinstance(exc, OSError) else "is not a usable path"
        if folder.is_default:  # the user never made it: the home setting leads nowhere usable
            _default_unreachable(folder, why)
            return None
        return f"{folder.label()} {why}: {folder.fix()}"
    if stat.S_ISDIR(mode):
        return None
    hint = ""
    if stat.S_ISREG(mode) and folder.path.name.endswith(SUFFIXES):
        hint = f" (to use this one template, name its folder {folder.path.parent} instead)"
    return f"{folder.label()} is {kind_of(mode)}, not a folder{hint}: {folder.fix()}"


def _default_unreachable(folder: Folder, why: str) -> None:
    """Warn once per process that the default folder for the user's own templates cannot be
    reached (the built-in templates and CWS_TEMPLATE_PATH's folders are still searched)."""
    from ..folders import folder_fix

    with _warned_lock:
        if str(folder.path) in _warned:
            return
        _warned.add(str(folder.path))
    log.warning(
        "warning: the default folder for your own templates '%s' %s; only the built-in "
        "templates and CWS_TEMPLATE_PATH's folders are searched. %s",
        folder.path,
        why,
        folder_fix("config"),
    )


def scan(folder: Folder) -> Scan:
    """The ``*.yml``/``*.yaml`` files under ``folder`` (sub-folders too), sorted."""
    result = Scan()
    problem = folder_problem(folder)
    if problem:
        result.warnings.append(problem)
        return result
    if not _is_dir(folder.path):  # a missing (or unreachable) optional folder
        return result

    def unlistable(exc: OSError) -> None:
        where = exc.filename or folder.path
        result.warnings.append(
            f"{folder.label()}: sub-folder '{where}' cannot be searched: it {os_problem(exc)}"
        )

    stopped = _walk(folder.path, MAX_ENTRIES, result.paths, unlistable)
    if stopped is not None:
        result.warnings.append(
            f"{folder.label()} holds more than {MAX_ENTRIES} files and folders; the search "
            f"stopped in '{stopped}': is it really a folder of templates? {folder.fix()}"
        )
    result.paths.sort()
    return result


def _walk(
    top: Path, budget: int, found: list[Path], on_error: Callable[[OSError], None]
) -> Path | None:
    """Add the template files under ``top`` to ``found``, looking at no more than ``budget``
    entries; returns the folder where it stopped, or None when it saw everything. Symbolic links
    to folders are not followed (as ``os.walk`` does not), so a link loop costs nothing."""
    stack = [top]
    while stack:
        here = stack.pop()
        subfolders: list[str] = []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    budget -= 1
                    if budget < 0:
                        return here
                    if _is_folder(entry):
                        if not entry.is_symlink():
                            subfolders.append(entry.path)
                    elif entry.name.endswith(SUFFIXES):
                        found.append(Path(entry.path))
        except OSError as exc:
            on_error(exc)
        stack.extend(Path(p) for p in sorted(subfolders, reverse=True))
    return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def templates_in(folder: Path, limit: int) -> list[Path]:
    """The template files directly in ``folder`` (no sub-folders), sorted, at most ``limit``."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(SUFFIXES):
                    found.append(Path(entry.path))
                    if len(found) >= limit:
                        break
    except OSError:
        return []
    return sorted(found)
