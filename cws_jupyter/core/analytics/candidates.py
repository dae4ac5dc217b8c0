"""The images a recommendation chooses from, in the resolver's order, without any history.

Three sources, each asked once: the resolver's answer for the template in the region (and its
fallback image under ``ami_fallback``), the template's own builds there (newest first), and
the community registry's records of the template holding an image there (best first). One
image reached from several sources is one candidate. The resolver's errors (AWS unreachable, no
credentials) are the answer's: nothing can be recommended without it. A later source that
cannot answer (no registry, a region that refuses) becomes a note; the others still count.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..errors import CwsError, ResolutionFailed
from .models import Candidate

if TYPE_CHECKING:
    from ..aws.images import AMIInfo
    from ..templates.loader import LoadedTemplate
    from .sources import Sources

#: At most this many own builds and community records are considered.
PER_SOURCE = 10


def age_days(created: str | None, now: dt.datetime | None = None) -> int | None:
    """Whole days since an ISO 8601 time (None when absent or unreadable)."""
    if not created:
        return None
    try:
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return max(0, ((now or dt.datetime.now(dt.timezone.utc)) - moment).days)


def gather(
    sources: Sources, loaded: LoadedTemplate, region: str, notes: list[str]
) -> list[Candidate]:
    """Every candidate image for the template in ``region``, in the resolver's order."""
    found: dict[str, Candidate] = {}
    instance_type, hourly = _from_resolver(sources, loaded, region, found, notes)
    _from_builds(sources, loaded.template.slug, region, found, notes)
    _from_community(sources, loaded.template.slug, region, found, notes)
    _price(sources, loaded, region, list(found.values()), instance_type, hourly)
    return list(found.values())


def _add(found: dict[str, Candidate], candidate: Candidate) -> None:
    """Add ``candidate``, or merge what it knows into the same image found earlier."""
    known = found.get(candidate.ami_id)
    if known is None:
        found[candidate.ami_id] = candidate
        return
    for source in candidate.sources:
        if source not in known.sources:
            known.sources.append(source)
    for name, value in candidate.model_dump(exclude={"sources"}).items():
        if getattr(known, name) in (None, "", 0) and value not in (None, "", 0):
            setattr(known, name, value)


def _image_candidate(image: AMIInfo, source: str, method: str) -> Candidate:
    return Candidate(
        ami_id=image.ami_id,
        region=image.region,
        name=image.name,
        sources=[source],  # type: ignore[list-item]
        method=method,
        created=image.creation_date or None,
        age_days=age_days(image.creation_date),
    )


def _from_resolver(
    sources: Sources,
    loaded: LoadedTemplate,
    region: str,
    found: dict[str, Candidate],
    notes: list[str],
) -> tuple[str | None, float | None]:
    """The resolver's pick (or fallback image); its instance type and hourly price."""
    try:
        answer = sources.resolve(loaded, region)
    except ResolutionFailed as exc:
        notes.append(f"the resolver found no AMI: {exc.message.splitlines()[0]}")
        return None, None
    method = answer.resolution_method.value
    if answer.ami is not None:
        pick = _image_candidate(answer.ami, "resolver", method)
        pick.community_id = answer.community_id
        if answer.copy_required and answer.source_region:
            pick.copy_from = answer.source_region
        _add(found, pick)
    if answer.fallback_ami is not None:
        _add(found, _image_candidate(answer.fallback_ami, "fallback", method))
    if answer.ami is None and answer.fallback_ami is None:
        notes.append("the resolver finds no AMI here: it would provision by script")
    return answer.instance_type, answer.estimated_cost


def _from_builds(
    sources: Sources, slug: str, region: str, found: dict[str, Candidate], notes: list[str]
) -> None:
    try:
        listing = sources.own_builds(slug, region)
    except CwsError as exc:
        notes.append(f"your own builds were not checked: {exc.message}")
        return
    usable = [i for i in listing.images if i.state == "available" and i.current is not False]
    stale = sum(1 for i in listing.images if i.current is False)
    if stale:
        notes.append(f"{stale} build(s) of an earlier version of the template left out (stale)")
    for image in usable[:PER_SOURCE]:
        _add(
            found,
            Candidate(
                ami_id=image.ami_id,
                region=image.region,
                name=image.name,
                sources=["own_build"],
                created=image.created or None,
                age_days=age_days(image.created),
            ),
        )


def _from_community(
    sources: Sources, slug: str, region: str, found: dict[str, Candidate], notes: list[str]
) -> None:
    try:
        page = sources.community(slug, region)
    except CwsError as exc:
        if exc.field == "registry_url":
            notes.append("no community registry is configured (CWS_REGISTRY_URL)")
        else:
            notes.append(f"the community registry was not checked: {exc.message}")
        return
    for record in page.items[:PER_SOURCE]:
        image = record.images.get(region)
        if not image:
            continue
        updated = record.last_updated.isoformat()
        _add(
            found,
            Candidate(
                ami_id=image,
                region=region,
                name=record.name,
                sources=["community"],
                rating=record.rating,
                rating_count=record.rating_count,
                community_id=record.ami_id,
                verified=record.verified,
                created=updated,
                age_days=age_days(updated),
            ),
        )


def _price(
    sources: Sources,
    loaded: LoadedTemplate,
    region: str,
    candidates: list[Candidate],
    instance_type: str | None,
    hourly: float | None,
) -> None:
    """The instance type and price of a launch here; the transfer cost of a copy."""
    from ..resolver.costs import template_image_gb
    from ..resolver.instances import candidate_architectures, instance_type_for

    prices = sources.prices
    if instance_type is None:
        arch = candidate_architectures(loaded.template)[0]
        instance_type = instance_type_for(loaded.template, arch)[0]
        hourly = prices.hourly(instance_type, region)
    size = template_image_gb(loaded.template)
    for candidate in candidates:
        candidate.instance_type = candidate.instance_type or instance_type
        candidate.hourly_usd = candidate.hourly_usd if candidate.hourly_usd is not None else hourly
        source = candidate.copy_from or (candidate.region if candidate.region != region else None)
        if source:
            candidate.copy_from = source
            candidate.transfer_usd = round(size * prices.transfer_per_gb(source, region), 4)
