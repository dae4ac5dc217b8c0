"""Where templates are looked for: CWS_TEMPLATE_PATH's folders, then the user's own folder, then
the templates that ship with cws-jupyter (first found wins)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from .discovery import Folder


def shipped_templates_dir() -> Path:
    """The templates that ship with cws-jupyter (the wheel's copy, or the source tree's)."""
    packaged = resources.files("cws_jupyter") / "_shipped_templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "templates"


def search_folders(settings: Any) -> list[Folder]:
    """The search path for these settings, in order: each folder says which setting named it,
    and whether it may be missing (the user's own folder may)."""
    named = [Folder(Path(p), "CWS_TEMPLATE_PATH") for p in settings.template_path]
    user = Folder(Path(settings.user_template_dir), None, required=False)
    return [*named, user, Folder(shipped_templates_dir())]
