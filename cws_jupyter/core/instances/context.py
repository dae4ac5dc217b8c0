"""What every workstation operation needs, wired by the service (the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..aws.images import ImageCatalog
    from ..aws.session import AwsAccess
    from ..config import Settings
    from ..images.manager import ImageManager
    from ..jobs import JobBook
    from ..pricing import PriceBook
    from ..regions import RegionMap
    from ..resolver.models import Resolution
    from ..resolver.resolver import Resolver
    from ..templates.loader import LoadedTemplate
    from .book import InstanceBook


@dataclass
class InstanceContext:
    """AWS access, lookups, prices, the state book, jobs, the image manager and the resolver."""

    access: AwsAccess
    catalog: ImageCatalog
    prices: PriceBook
    regions: RegionMap
    settings: Settings
    book: InstanceBook
    jobs: JobBook
    images: ImageManager
    resolver: Callable[[], Resolver]
    #: ``resolve(loaded, region, strategy, architecture)``: the service's resolve.
    resolve: Callable[[LoadedTemplate, str, str | None, str | None], Resolution]
    #: Told of a launch from a community image: ``(registry id, region) -> a note`` (None:
    #: nothing to tell; a registry that does not answer is a note, never a failed launch).
    community_launched: Callable[[str, str], str | None] | None = None
    #: ``(registry id, region) -> EC2 image id``: what ``--ami cami-...`` launches.
    community_image: Callable[[str, str], str] | None = None

    def region(self, region: str | None) -> str:
        """A checked region (default: the configured one)."""
        chosen = region or self.settings.region
        self.regions.fallbacks(chosen)
        return chosen

    def ec2(self, region: str) -> Any:
        """The EC2 client of a region."""
        return self.access.client("ec2", region)
