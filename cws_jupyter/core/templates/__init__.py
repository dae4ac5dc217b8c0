"""Workstation templates: the format (models), the search path (loader), inheritance.

Names are imported on first use (PEP 562), so what needs only the search path (the catalogue that
answers `cws templates list` from its cache) does not load the models or YAML.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import LoadedTemplate, TemplateCheck, TemplateLibrary
    from .models import AMIConfig, AMISearch, MarketplaceSearch, Template

#: Where each public name lives.
_HOME = {
    "AMIConfig": "models",
    "AMISearch": "models",
    "MarketplaceSearch": "models",
    "Template": "models",
    "LoadedTemplate": "loader",
    "TemplateCheck": "loader",
    "TemplateLibrary": "loader",
}

__all__ = [
    "AMIConfig",
    "AMISearch",
    "LoadedTemplate",
    "MarketplaceSearch",
    "Template",
    "TemplateCheck",
    "TemplateLibrary",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
