"""What the migration tools use of the service: templates, costs, resolution, images and
workstations (a protocol, so this package does not depend on the composition root)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..config import Settings
    from ..images.manager import ImageManager
    from ..instances.manager import InstanceManager
    from ..pricing import PriceBook
    from ..regions import RegionMap
    from ..resolver.models import CostComparison, Resolution
    from ..templates.loader import LoadedTemplate, TemplateCheck, TemplateLibrary


class Services(Protocol):
    """The parts of ``CwsService`` the migration tools call."""

    settings: Settings

    @property
    def library(self) -> TemplateLibrary:
        """The template search path."""

    @property
    def prices(self) -> PriceBook:
        """On-demand prices."""

    @property
    def regions(self) -> RegionMap:
        """The region fallback map."""

    @property
    def images(self) -> ImageManager:
        """The AMI lifecycle."""

    @property
    def instances(self) -> InstanceManager:
        """Workstations."""

    def get_template(self, ref: str) -> LoadedTemplate:
        """One template by slug or name."""

    def validate_templates(self, paths: list[Path]) -> list[TemplateCheck]:
        """Validate template files."""

    def costs(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        architecture: str | None = None,
        stored: bool = False,
    ) -> CostComparison:
        """AMI launch versus script provisioning."""

    def resolve(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        strategy: str | None = None,
        architecture: str | None = None,
    ) -> Resolution:
        """The best AMI for a template in a region."""
