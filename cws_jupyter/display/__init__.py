"""HTML (and plain-text) rendering of core results for notebooks; the core itself holds no HTML.

Every value is escaped with ``html.escape``; only markup built by ``display.html`` is trusted.
"""

from __future__ import annotations

from .containers import CheckList, FallbackList, Notice, displayable
from .formatters import register_formatters

__all__ = ["CheckList", "FallbackList", "Notice", "displayable", "register_formatters"]
