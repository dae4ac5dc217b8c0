"""``build_analytics(service)``: analytics fed by the service's public parts (the service's
``analytics`` part).

Building it costs nothing (no file, no AWS, no DuckDB): the service makes it the first time an
event is recorded, on the hot path of a resolve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .facade import Analytics

if TYPE_CHECKING:
    from ..images.models import ImageList
    from ..pricing import PriceBook
    from ..regions import RegionMap
    from ..registry.models import BrowsePage
    from ..resolver.availability import AvailabilityMatrix
    from ..resolver.models import Resolution
    from ..service import CwsService
    from ..templates.loader import LoadedTemplate

#: Community records read per recommendation (the best first).
COMMUNITY_PAGE = 10


class ServiceSources:
    """``Sources`` answered by a ``CwsService`` (each part is built only when asked)."""

    def __init__(self, service: CwsService) -> None:
        self._service = service

    @property
    def default_region(self) -> str:
        """The configured region."""
        return self._service.settings.region

    @property
    def prices(self) -> PriceBook:
        """The service's price book."""
        return self._service.prices

    @property
    def regions(self) -> RegionMap:
        """The service's region map."""
        return self._service.regions

    def template(self, ref: str) -> LoadedTemplate:
        """A template of the library."""
        return self._service.get_template(ref)

    def resolve(self, loaded: LoadedTemplate, region: str) -> Resolution:
        """A resolution (through the lock file, as every resolve is)."""
        return self._service.resolve(loaded, region)

    def own_builds(self, slug: str, region: str) -> ImageList:
        """The template's builds in the region."""
        return self._service.images.list(template=slug, regions=[region])

    def community(self, slug: str, region: str) -> BrowsePage:
        """The best community records of the template in the region."""
        return self._service.community.browse(template=slug, region=region, per_page=COMMUNITY_PAGE)

    def availability(self, loaded: LoadedTemplate, regions: list[str]) -> AvailabilityMatrix:
        """The availability matrix over ``regions``."""
        return self._service.test_availability(loaded, regions=regions)


def build_analytics(service: CwsService) -> Analytics:
    """Analytics for ``service``: its settings, and its parts as the sources of advice."""
    return Analytics(service.settings, ServiceSources(service))
