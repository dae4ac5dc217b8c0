"""What analytics asks the rest of cws: templates, the resolver, builds, the community, prices.

``wiring.ServiceSources`` answers from a ``CwsService``; tests and benchmarks can pass any
object of this shape instead (no AWS needed to rank candidates or regions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..images.models import ImageList
    from ..pricing import PriceBook
    from ..regions import RegionMap
    from ..registry.models import BrowsePage
    from ..resolver.availability import AvailabilityMatrix
    from ..resolver.models import Resolution
    from ..templates.loader import LoadedTemplate


class Sources(Protocol):
    """The answers recommendations and region advice are built from."""

    @property
    def default_region(self) -> str:
        """The configured region (used when none is named)."""

    @property
    def prices(self) -> PriceBook:
        """Hourly, transfer and copy-time figures."""

    @property
    def regions(self) -> RegionMap:
        """Neighbours, names and geographies of regions."""

    def template(self, ref: str) -> LoadedTemplate:
        """A template by slug or name (``NotFound`` otherwise)."""

    def resolve(self, loaded: LoadedTemplate, region: str) -> Resolution:
        """The resolver's answer for the template in the region."""

    def own_builds(self, slug: str, region: str) -> ImageList:
        """The template's own builds (``cws ami create``) in the region."""

    def community(self, slug: str, region: str) -> BrowsePage:
        """The community registry's records of the template holding an image in the region."""

    def availability(self, loaded: LoadedTemplate, regions: list[str]) -> AvailabilityMatrix:
        """Where the template's image is, region by region (no copies)."""
