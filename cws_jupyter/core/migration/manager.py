"""``MigrationManager``: the façade of the migration tools (filled in by the migration work)."""

from __future__ import annotations

from typing import Any


class MigrationManager:
    """Analyze templates for AMI opportunities, migrate templates and workstations, test all."""

    def __init__(self, service: Any) -> None:
        """Tools over the service's parts (templates, resolver, prices, images, instances)."""
        self.service = service
