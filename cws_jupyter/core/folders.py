"""The per-user state and cache folders: usable, or a clear message naming the setting to fix."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BadInput

if TYPE_CHECKING:
    from .config import Settings

#: The XDG variable that moves each folder on Linux (as platformdirs reads them).
XDG = {"config": "XDG_CONFIG_HOME", "cache": "XDG_CACHE_HOME", "state": "XDG_STATE_HOME"}


def folder_origin(kind: str) -> str:
    """The variable a folder's place comes from: CWS_HOME, an XDG variable, or HOME."""
    if os.environ.get("CWS_HOME"):
        return "CWS_HOME"
    xdg = XDG.get(kind, "")
    if sys.platform.startswith("linux") and os.environ.get(xdg):
        return xdg
    return "HOME"


def folder_fix(kind: str) -> str:
    """How to give cws-jupyter a usable folder of this kind."""
    origin = folder_origin(kind)
    if origin == "CWS_HOME":
        return "Point CWS_HOME at a writable folder (e.g. CWS_HOME=$HOME/cws-home), or unset it"
    if origin == "HOME":
        return "Point CWS_HOME at a writable folder (e.g. CWS_HOME=/tmp/cws-$USER), or fix HOME"
    return f"Point {origin} (or CWS_HOME) at a writable folder"


def folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot hold cws-jupyter's files (None when it can); made if missing."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return f"{path} is not a folder"
    except NotADirectoryError as exc:
        return f"{exc.filename or path} is in the way: it is not a folder"
    except OSError as exc:
        return f"it cannot be created ({exc.strerror or exc})"
    if not path.is_dir():
        return f"{path} is not a folder"
    if not os.access(path, os.W_OK | os.X_OK):
        return "it is not writable"
    return None


def require_folder(path: Path, kind: str) -> Path:
    """``path``, made if missing; BadInput naming CWS_HOME (field) and the fix otherwise."""
    problem = folder_problem(path)
    if problem:
        raise BadInput(
            f"the {kind} folder {path} cannot be used: {problem}. {folder_fix(kind)}",
            field="CWS_HOME",
        )
    return path


def state_folder(settings: Settings) -> Path:
    """The state folder (workstations, jobs, the sandbox's runtime file), checked usable."""
    return require_folder(Path(settings.state_dir).absolute(), "state")


def folder_report(settings: Settings) -> list[str]:
    """What is wrong with the state and cache folders, and what it costs (empty when nothing)."""
    problems = []
    state = Path(settings.state_dir).absolute()
    trouble = folder_problem(state)
    if trouble:
        problems.append(
            f"the state folder {state} cannot be used: {trouble}; workstations, jobs and the "
            f"sandbox will not work. {folder_fix('state')}"
        )
    cache = Path(settings.cache_dir).absolute()
    trouble = folder_problem(cache)
    if trouble:
        problems.append(
            f"the cache folder {cache} cannot be used: {trouble}; AWS lookups are cached in "
            f"memory only (slower, nothing fails). {folder_fix('cache')}"
        )
    return problems
