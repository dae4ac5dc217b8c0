"""``MigrationManager``: the façade of the migration tools (analyze, template, instance, test all)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..progress import Reporter, silent
from .analyze import analyze
from .matrix import test_all
from .models import InstanceMigration, MigrationMatrix, MigrationReport, TemplateMigration
from .template_copy import migrate_template
from .workstation import migrate_instance

if TYPE_CHECKING:
    from .context import Services


class MigrationManager:
    """Analyze templates for AMI opportunities, migrate templates and workstations, test all."""

    def __init__(self, service: Services) -> None:
        """Tools over the service's parts (templates, resolver, prices, images, instances)."""
        self.service = service

    def analyze(
        self,
        templates: list[str] | None = None,
        region: str | None = None,
        launches_per_month: int = 20,
    ) -> MigrationReport:
        """Per template: is an AMI worth it at ``launches_per_month`` (no AWS calls)."""
        return analyze(self.service, templates, region, launches_per_month)

    def template(self, slug: str, force: bool = False) -> TemplateMigration:
        """Write a copy of the template with an ami_config into the user's template folder."""
        return migrate_template(self.service, slug, force)

    def instance(
        self,
        name: str,
        *,
        force: bool = False,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> InstanceMigration:
        """Build an AMI from a workstation and map it into its template's copy."""
        return migrate_instance(self.service, name, force=force, progress=progress, cancel=cancel)

    def test_all(
        self,
        templates: list[str] | None = None,
        regions: list[str] | None = None,
        progress: Reporter | None = None,
        cancel: threading.Event | None = None,
    ) -> MigrationMatrix:
        """Resolve every template in every region, concurrently; failures are rows."""
        return test_all(self.service, templates, regions, progress, cancel)
