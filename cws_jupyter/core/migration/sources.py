"""Where a migrated template finds its AMI: this account's current builds of it, per region, or
(with none yet) a search of this account's images tagged for it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import AwsUnavailable
from ..images.tags import TEMPLATE
from ..resolver.selection import parse_time
from ..templates.fields import FallbackStrategy, Strategy

if TYPE_CHECKING:
    from ..images.models import StoredImage
    from .context import Services


def newest_builds(service: Services, slug: str) -> tuple[dict[str, StoredImage], list[str]]:
    """The newest usable own build of the template in each region, and notes on what was missed."""
    try:
        listing = service.images.list(template=slug, all_regions=True)
    except AwsUnavailable as exc:
        return {}, [
            f"builds of '{slug}' could not be listed, so the copy searches this account's "
            f"images for them instead: {exc.message}"
        ]
    now = dt.datetime.now(dt.timezone.utc)
    usable = sorted(
        (i for i in listing.images if _usable_build(i, slug, now)), key=lambda i: i.ami_id
    )
    newest: dict[str, StoredImage] = {}
    for image in usable:  # ids ascending: among builds made at the same moment the lowest wins
        best = newest.get(image.region)
        if best is None or _created(image) > _created(best):
            newest[image.region] = image
    notes = [f"builds not searched in {note}" for note in listing.notes]
    return dict(sorted(newest.items())), notes


def _created(image: StoredImage) -> dt.datetime:
    """When the image was created (the epoch when EC2 did not say)."""
    return parse_time(image.created) or dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _usable_build(image: StoredImage, slug: str, now: dt.datetime) -> bool:
    """Owned, built from the template as it is now, available and not deprecated."""
    if image.template != slug or not image.owned or image.current is not True:
        return False
    if image.state != "available":
        return False
    deprecated = parse_time(image.deprecation_time) if image.deprecation_time else None
    return deprecated is None or deprecated > now


def ami_config_for(slug: str, builds: dict[str, str]) -> dict[str, Any]:
    """The ami_config a migrated copy gets: map the builds, or search for them by tag."""
    config: dict[str, Any] = {"strategy": Strategy.AMI_PREFERRED.value}
    if builds:
        config["ami_mappings"] = dict(sorted(builds.items()))
    else:
        config["ami_search"] = {"owner": "self", "required_tags": {TEMPLATE: slug}}
    config["fallback_strategy"] = FallbackStrategy.SCRIPT_PROVISIONING.value
    return config
