"""The base image a template builds on now, in a region: the answer of its SSM parameter, else of
its search (the resolver's own tiers, on the same cached lookups), else its distribution's
current image (``instances/base_images.yaml``, as script provisioning uses).

A build of the template is never its own base: a search for a lab's own images (owner ``self``)
would otherwise find the last rebuild, and every build would look outdated the moment it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import tags as T
from .updates import BaseImage

if TYPE_CHECKING:
    from ..aws.images import AMIInfo, ImageCatalog
    from ..templates.models import Template


@dataclass(frozen=True)
class BaseAnswer:
    """The template's base image now (``image``, found as ``source`` says), or why there is
    none (``note``)."""

    image: AMIInfo | None
    source: str = ""
    note: str = ""

    def model(self) -> BaseImage | None:
        """The answer as the updater's models show it."""
        if self.image is None:
            return None
        return BaseImage(
            ami_id=self.image.ami_id,
            region=self.image.region,
            name=self.image.name,
            created=self.image.creation_date,
            source=self.source,
        )


def current_base(
    catalog: ImageCatalog,
    template: Template,
    region: str,
    arch: str,
    now: dt.datetime | None = None,
) -> BaseAnswer:
    """The base image ``template`` builds on in ``region`` for ``arch`` (cached lookups; an AWS
    failure raises the core's error)."""
    from ..instances.base import base_parameter
    from ..resolver.models import TierOutcome
    from ..resolver.selection import pick_newest
    from ..resolver.tiers import TierContext, dynamic_search, ssm_parameter

    now = now or dt.datetime.now(dt.timezone.utc)
    bases: Any = BasesOnly(catalog, template.slug)
    missed: list[str] = []
    if template.ami_config is not None:
        tiers = TierContext(
            template=template, config=template.ami_config, archs=[arch], catalog=bases, now=now
        )
        for label, tier in (("SSM parameter", ssm_parameter), ("search", dynamic_search)):
            result = tier(tiers, region)
            if result.image is not None:
                return BaseAnswer(result.image, f"the template's {label}: {result.attempt.reason}")
            if result.attempt.outcome is not TierOutcome.SKIPPED:
                missed.append(f"its {label}: {result.attempt.reason}")
    name, parameter = base_parameter(template, arch)
    value = catalog.ssm_values(region, [parameter]).get(parameter)
    image, _ = pick_newest(bases.by_ids(region, [value]) if value else [], [arch], now)
    if image is not None:
        return BaseAnswer(image, f"the {name} base image: {parameter} -> {image.ami_id}")
    missed.append(
        f"{parameter} {'names no usable image' if value else 'does not exist'} in {region}"
    )
    return BaseAnswer(None, note="; ".join(missed))


class BasesOnly:
    """The image catalog, blind to the builds of one template (they are never its base)."""

    def __init__(self, catalog: ImageCatalog, slug: str) -> None:
        """Lookups of ``catalog``, without images built for ``slug``."""
        self._catalog = catalog
        self._slug = slug

    def by_ids(self, region: str, ami_ids: list[str]) -> list[AMIInfo]:
        """The catalog's ``by_ids``, builds of the template left out."""
        return self._without_builds(self._catalog.by_ids(region, ami_ids))

    def search(
        self, region: str, owners: list[str], filters: dict[str, list[str]]
    ) -> list[AMIInfo]:
        """The catalog's ``search``, builds of the template left out (newest first, as ranked)."""
        return self._without_builds(self._catalog.search(region, owners, filters))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._catalog, name)

    def _without_builds(self, images: Sequence[AMIInfo]) -> list[AMIInfo]:
        kept = []
        for image in images:
            built = T.build_of(image.tags, image.description)
            if built is None or built[0] != self._slug:
                kept.append(image)
        return kept
