"""ipywidgets panels over the core service: launch (resolve, then launch a workstation), browse
(catalogue), cost (regions), instances (your workstations: stop, start, terminate).

Each panel takes an optional ``service`` and runs slow work in a thread; ``panel.wait()`` joins it.
"""

from __future__ import annotations

from .base import Panel
from .browse import BrowsePanel
from .cost import CostPanel
from .instances import InstancesPanel
from .launch import LaunchPanel
from .progress import ProgressBar

__all__ = ["BrowsePanel", "CostPanel", "InstancesPanel", "LaunchPanel", "Panel", "ProgressBar"]
