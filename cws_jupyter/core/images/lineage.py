"""Where an image's software started: the base image its build's instance ran.

A build records it at build time (``cws:base-ami``, ``cws:base-region``), and its copies carry the
record along. A workstation launched from an earlier build of the same template and imaged again
still started from that build's base, so the record is inherited, never pointed at the earlier
build. Images built before the record existed are traced through what they do record: a build's
``cws:source-ami`` is the image its instance ran; a copy's names the image it was copied from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import tags as T

if TYPE_CHECKING:
    from ..aws.images import AMIInfo, ImageCatalog

#: Copies of copies (or builds of builds) followed before giving up: lineages are short.
MAX_HOPS = 4


@dataclass(frozen=True)
class Lineage:
    """An image's base (``ami_id`` and ``region``), or why it is unknown (``note``)."""

    ami_id: str | None
    region: str | None
    note: str = ""


def base_tags(
    catalog: ImageCatalog, region: str, image_id: str | None, slug: str
) -> dict[str, str]:
    """The base tags of a new build of ``slug`` whose instance ran ``image_id`` in ``region``.

    The instance's image is the base, unless it is an earlier build of the same template (a
    workstation launched from an own build): then that build's base is. Empty when that earlier
    build says nothing (its base stays unknown rather than wrong).
    """
    if not image_id:
        return {}
    found = catalog.by_ids(region, [image_id])
    if not found or not _is_build_of(found[0], slug):
        return {T.BASE_AMI: image_id, T.BASE_REGION: region}
    known = built_from(catalog, found[0], slug)
    if known.ami_id is None:
        return {}
    return {T.BASE_AMI: known.ami_id, T.BASE_REGION: known.region or region}


def built_from(catalog: ImageCatalog, image: AMIInfo, slug: str) -> Lineage:
    """The base image of a build (or a copy of one) of template ``slug``."""
    for _ in range(MAX_HOPS):
        tags = image.tags
        if tags.get(T.BASE_AMI):
            return Lineage(tags[T.BASE_AMI], tags.get(T.BASE_REGION) or image.region)
        if not tags.get(T.TEMPLATE):
            return Lineage(
                None,
                None,
                f"shared by account {image.owner_id}: its tags, and so its base, are private "
                "to its owner",
            )
        source = tags.get(T.SOURCE_AMI)
        if not source:
            return Lineage(None, None, "built before cws recorded base images")
        source_region = tags.get(T.SOURCE_REGION)
        found = catalog.by_ids(source_region or image.region, [source])
        if source_region:  # a copy made before base records: its source knows
            if not found:
                return Lineage(
                    None,
                    None,
                    f"a copy of {source} ({source_region}), which no longer exists, made "
                    "before cws recorded base images",
                )
            image = found[0]
            continue
        if found and _is_build_of(found[0], slug):  # a build of a workstation of a build
            image = found[0]
            continue
        return Lineage(source, image.region)
    return Lineage(None, None, f"its lineage is more than {MAX_HOPS} images deep")


def _is_build_of(image: AMIInfo, slug: str) -> bool:
    built = T.build_of(image.tags, image.description)
    return built is not None and built[0] == slug
