"""Workstation templates: the format (models), the search path (loader), inheritance.

Names are imported on first use (PEP 562), so what needs only the search path (the catalogue that
answers `cws templates list` from its cache) does not load the models or YAML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _HOME)
