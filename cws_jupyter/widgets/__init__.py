"""ipywidgets panels over the core service: launch (resolve), browse (catalogue), cost (regions).

Each panel takes an optional ``service`` and runs slow work in a thread; ``panel.wait()`` joins it.
"""

from __future__ import annotations

from .base import Panel
from .browse import BrowsePanel
from .cost import CostPanel
from .launch import LaunchPanel

__all__ = ["BrowsePanel", "CostPanel", "LaunchPanel", "Panel"]
