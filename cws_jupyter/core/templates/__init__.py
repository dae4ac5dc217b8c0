"""Workstation templates: the format (models), the search path (loader), inheritance."""

from .loader import LoadedTemplate, TemplateCheck, TemplateLibrary
from .models import AMIConfig, AMISearch, MarketplaceSearch, Template

__all__ = [
    "AMIConfig",
    "AMISearch",
    "LoadedTemplate",
    "MarketplaceSearch",
    "Template",
    "TemplateCheck",
    "TemplateLibrary",
]
