"""The resolver's in-region tiers: direct mapping, own builds, SSM parameter, dynamic search,
the community registry, marketplace."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from ..aws.images import AMIInfo, ImageCatalog
from ..errors import AwsUnavailable
from ..templates.models import AMIConfig, Template
from .models import ResolutionMethod, TierAttempt, TierOutcome
from .selection import SQUATTING, pick_newest, usable

if TYPE_CHECKING:
    from ..registry.lookup import CommunityLookup

T = TypeVar("T")


@dataclass
class TierContext:
    """What every tier needs: the template, the architectures wanted (best first), the catalog."""

    template: Template
    config: AMIConfig
    archs: list[str]
    catalog: ImageCatalog
    now: dt.datetime
    build_hash: str = ""
    #: Lookups started ahead of the tier that reads them (see ``prefetch``), by (region, lookup).
    prefetched: dict[tuple[str, str], Future[Any]] = field(default_factory=dict)
    #: The community registry (None: none configured).
    community: CommunityLookup | None = None
    #: Why the institutional policy denies an image (None: allowed); None: no policy.
    denied: Callable[[AMIInfo], str | None] | None = None

    def __post_init__(self) -> None:
        from ..images.tags import template_hash

        self.build_hash = self.build_hash or template_hash(self.template)

    def fetched(self, region: str, lookup: str, fetch: Callable[[], T]) -> T:
        """The answer of a lookup started ahead (its error raised here, as the tier's), else
        ``fetch()`` now."""
        future = self.prefetched.pop((region, lookup), None)
        return future.result() if future is not None else fetch()


@dataclass
class TierResult:
    """One tier's attempt, the image it found (if any) and warnings it raised."""

    attempt: TierAttempt
    image: AMIInfo | None = None
    warnings: list[str] = field(default_factory=list)
    owned_by_caller: bool = False
    #: The registry's record of a community image.
    community_id: str | None = None


Tier = Callable[[TierContext, str], TierResult]


def _result(
    method: ResolutionMethod,
    region: str,
    outcome: TierOutcome,
    reason: str,
    image: AMIInfo | None = None,
    **extra: object,
) -> TierResult:
    attempt = TierAttempt(
        tier=method,
        region=region,
        outcome=outcome,
        reason=reason,
        ami_id=image.ami_id if image else None,
    )
    return TierResult(attempt=attempt, image=image, **extra)  # type: ignore[arg-type]


def direct_mapping(ctx: TierContext, region: str) -> TierResult:
    """``ami_mappings[region]`` and legacy ``amis[region][arch]``, verified to exist and be available."""
    method = ResolutionMethod.DIRECT_MAPPING
    mapped: list[str] = []
    if region in ctx.config.ami_mappings:
        mapped.append(ctx.config.ami_mappings[region])
    legacy = {a.value: i for a, i in ctx.config.amis.get(region, {}).items()}
    mapped += [legacy[a] for a in ctx.archs if a in legacy]
    if not mapped:
        return _result(method, region, TierOutcome.SKIPPED, f"no mapping for {region}")
    found = {i.ami_id: i for i in ctx.catalog.by_ids(region, mapped)}
    warnings = []
    for ami_id in mapped:
        if ami_id not in found:
            warnings.append(f"mapped AMI {ami_id} for {region} no longer exists (deregistered?)")
            ctx.catalog.forget(ami_id)
    image, rejected = pick_newest(found.values(), ctx.archs, ctx.now)
    if image:
        return _result(
            method,
            region,
            TierOutcome.HIT,
            f"mapped {image.ami_id} is available",
            image,
            warnings=warnings,
        )
    reasons = [w.split(" (")[0] for w in warnings] + rejected
    return _result(method, region, TierOutcome.MISS, "; ".join(reasons), warnings=warnings)


def own_build(ctx: TierContext, region: str) -> TierResult:
    """Images built for this template (``cws ami create``) in this account or shared with it.

    The newest wins; a build from an earlier version of the template is skipped, with a warning.
    """
    from ..images.tags import build_of

    method = ResolutionMethod.OWN_BUILD
    slug = ctx.template.slug
    builds, stale = [], []
    for image in ctx.catalog.own_builds(region):
        built = build_of(image.tags, image.description)
        if built is None or built[0] != slug:
            continue
        if built[1] and built[1] != ctx.build_hash:
            stale.append(image)
        else:
            builds.append(image)
    warnings = [
        f"{image.ami_id} ({image.name}, {region}) was built from an earlier version of template "
        f"'{slug}': the template changed since the build, so it is skipped; rebuild with "
        f"`cws ami create {slug} <instance-id>`"
        for image in stale
    ]
    image, rejected = pick_newest(builds, ctx.archs, ctx.now)
    if image:
        mine = image.owner_id == ctx.catalog.caller_account()
        whose = "this account's" if mine else f"shared by {image.owner_id}"
        return _result(
            method,
            region,
            TierOutcome.HIT,
            f"newest of {len(builds)} build(s) ({whose})",
            image,
            warnings=warnings,
            owned_by_caller=mine,
        )
    reasons = rejected + [f"{i.ami_id} is a build of an earlier template version" for i in stale]
    why = "; ".join(reasons) or f"no build of '{slug}' in this account or shared with it"
    return _result(method, region, TierOutcome.MISS, why, warnings=warnings)


def ssm_parameter(ctx: TierContext, region: str) -> TierResult:
    """An SSM public parameter naming the image (one per architecture), then the image itself."""
    method = ResolutionMethod.SSM_PARAMETER
    names = _ssm_names(ctx)
    if not names:
        why = (
            "no ssm_parameter configured"
            if ctx.config.ssm_parameter is None
            else f"no ssm_parameter for {'/'.join(ctx.archs)}"
        )
        return _result(method, region, TierOutcome.SKIPPED, why)
    values = ctx.fetched(
        region, SSM_VALUES, lambda: ctx.catalog.ssm_values(region, list(names.values()))
    )
    ids = [values[n] for n in names.values() if n in values]
    if not ids:
        return _result(
            method,
            region,
            TierOutcome.MISS,
            f"parameter {', '.join(sorted(set(names.values())))} not found in {region}",
        )
    images = ctx.catalog.by_ids(region, ids)
    image, rejected = pick_newest(images, ctx.archs, ctx.now)
    if image:
        which = next(n for n in names.values() if values.get(n) == image.ami_id)
        return _result(method, region, TierOutcome.HIT, f"{which} -> {image.ami_id}", image)
    return _result(
        method,
        region,
        TierOutcome.MISS,
        "; ".join(rejected) or f"parameter points at {', '.join(ids)}, which does not exist",
    )


def dynamic_search(ctx: TierContext, region: str) -> TierResult:
    """``DescribeImages`` with owners and filters; the newest usable image wins."""
    method = ResolutionMethod.DYNAMIC_SEARCH
    search = ctx.config.ami_search
    if search is None:
        return _result(method, region, TierOutcome.SKIPPED, "no ami_search configured")
    refusal = search.refusal()
    if refusal:  # an owner that is not one: never search without the owner the author meant
        return _result(
            method,
            region,
            TierOutcome.REFUSED,
            refusal,
            warnings=[f"template '{ctx.template.slug}': {refusal}; the search was refused"],
        )
    owners = search.all_owners()
    if not owners:
        return _result(
            method,
            region,
            TierOutcome.REFUSED,
            "ami_search has no owner",
            warnings=[f"template '{ctx.template.slug}': {SQUATTING}"],
        )
    filters: dict[str, list[str]] = {"state": ["available"], "architecture": list(ctx.archs)}
    if search.name_pattern:
        filters["name"] = [search.name_pattern]
    for key, value in search.required_tags.items():
        filters[f"tag:{key}"] = [value]
    if search.version_tag:
        filters["tag:Version"] = [search.version_tag]
    images = ctx.catalog.search(region, owners, filters)
    image, rejected = pick_newest(images, ctx.archs, ctx.now, min_creation=search.min_creation_date)
    described = _describe_query(owners, filters)
    if image:
        return _result(
            method,
            region,
            TierOutcome.HIT,
            f"newest of {len(images)} match(es) for {described}",
            image,
            owned_by_caller=owners == ["self"],
        )
    why = f"no image matches {described}" + (f"; {'; '.join(rejected[:3])}" if rejected else "")
    return _result(method, region, TierOutcome.MISS, why)


def marketplace(ctx: TierContext, region: str) -> TierResult:
    """Images owned by ``aws-marketplace`` with the template's product code."""
    method = ResolutionMethod.MARKETPLACE
    search = ctx.config.marketplace_search
    if search is None or not search.product_code:
        return _result(
            method, region, TierOutcome.SKIPPED, "no marketplace product_code configured"
        )
    filters = {
        "product-code": [search.product_code],
        "state": ["available"],
        "architecture": list(ctx.archs),
    }
    images = ctx.catalog.search(region, ["aws-marketplace"], filters)
    image, rejected = pick_newest(
        images, ctx.archs, ctx.now, version_constraint=search.version_constraint
    )
    if image:
        note = "product code matched; Marketplace subscription is not checked"
        return _result(method, region, TierOutcome.HIT, note, image)
    extra = f"; {'; '.join(rejected[:3])}" if rejected else ""
    return _result(
        method, region, TierOutcome.MISS, f"no image with product code {search.product_code}{extra}"
    )


def community(ctx: TierContext, region: str) -> TierResult:
    """The community registry's best image of the template held in ``region``, checked in EC2.

    A registry that does not answer is passed over with a warning naming it: resolution goes on
    with the next tier and never fails because of the registry.
    """
    from ..registry.client import RegistryUnavailable

    method = ResolutionMethod.COMMUNITY
    lookup = ctx.community
    if lookup is None:
        return _result(
            method, region, TierOutcome.SKIPPED, "no community registry (set CWS_REGISTRY_URL)"
        )
    slug = ctx.template.slug
    try:
        best = lookup.best(slug, region)
    except RegistryUnavailable as exc:
        skipped = _result(method, region, TierOutcome.SKIPPED, f"{lookup.url} did not answer")
        skipped.warnings.append(f"{exc.message}; resolution went on without it")
        return skipped
    if best is None:
        return _result(
            method, region, TierOutcome.MISS, f"no community image of '{slug}' in this region"
        )
    found = ctx.catalog.by_ids(region, [best.image_id])
    if not found:
        why = f"{best.ami_id} lists {best.image_id}, which does not exist in {region}"
        return _result(method, region, TierOutcome.MISS, why)
    image = found[0]
    problem = usable(image, ctx.now)
    if problem:
        return _result(method, region, TierOutcome.REFUSED, f"{best.ami_id}: {problem}")
    if image.architecture not in ctx.archs:
        why = f"{best.ami_id} is {image.architecture}; the template needs {'/'.join(ctx.archs)}"
        return _result(method, region, TierOutcome.MISS, why)
    stars = (
        f"{best.rating:.1f}/5 from {best.rating_count} rating{'s' if best.rating_count != 1 else ''}"
        if best.rating is not None
        else "not rated yet"
    )
    checked = "verified" if best.verified else "not verified"
    reason = f"{best.ami_id} '{best.name}' by {best.creator} ({stars}, {checked})"
    hit = _result(method, region, TierOutcome.HIT, reason, image, community_id=best.ami_id)
    if not best.verified:
        hit.warnings.append(
            f"community image {image.ami_id} is not verified by the registry"
            + (f" ({best.verification})" if best.verification else "")
            + "; check who built it before relying on it"
        )
    return hit


IN_REGION_TIERS: tuple[Tier, ...] = (
    direct_mapping,
    own_build,
    ssm_parameter,
    dynamic_search,
    community,
    marketplace,
)


def tiers_in_order(names: list[str]) -> tuple[Tier, ...]:
    """The in-region tiers named by the ``tier_order`` setting (all, in the default order, when
    it names none); the names were checked by the settings."""
    if not names:
        return IN_REGION_TIERS
    by_name = {tier.__name__: tier for tier in IN_REGION_TIERS}
    return tuple(by_name[name] for name in names)


def run_tiers(
    ctx: TierContext,
    region: str,
    *,
    strict_errors: bool,
    tiers: tuple[Tier, ...] = IN_REGION_TIERS,
) -> list[TierResult]:
    """Run the in-region tiers in order until one hits; AWS failures raise when ``strict_errors``."""
    results: list[TierResult] = []
    for tier in tiers:
        started = time.perf_counter()
        try:
            result = tier(ctx, region)
        except AwsUnavailable as exc:
            if strict_errors:
                raise
            result = _result(
                ResolutionMethod(tier.__name__), region, TierOutcome.ERROR, exc.message
            )
        if result.image is not None and ctx.denied is not None:
            result = _policy_checked(ctx.denied, result)
        result.attempt.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        results.append(result)
        if result.image is not None or result.attempt.outcome is TierOutcome.ERROR:
            break
    return results


def _policy_checked(denied: Callable[[AMIInfo], str | None], result: TierResult) -> TierResult:
    """``result``, or, when the policy denies its image, the tier refused with the rule as the
    reason (the chain goes on to the next tier, as for any image that cannot be used)."""
    assert result.image is not None
    why = denied(result.image)
    if why is None:
        return result
    refused = _result(
        result.attempt.tier,
        result.attempt.region,
        TierOutcome.REFUSED,
        f"{result.image.ami_id} is denied by policy: {why}",
        warnings=result.warnings,
    )
    refused.attempt.ami_id = result.image.ami_id
    return refused


def prefetch(
    ctx: TierContext,
    region: str,
    tiers: tuple[Tier, ...],
    submit: Callable[..., Future[Any]],
) -> TierContext:
    """``ctx`` for ``region`` with the SSM tier's GetParameters already started (by ``submit``),
    so that it waits on the network beside the own-build tier's DescribeImages: a region then
    costs two round trips (the parameters and builds, then the parameter's image), not three.

    Only for availability checks (``availability``), where a round trip saved per region is
    worth one GetParameters left unread when a build answers; a plain resolve asks nothing of a
    tier it does not reach. Nothing is started when the region has a direct mapping (one
    lookup, that usually answers) or no SSM tier applies.
    """
    names = _ssm_names(ctx)
    mapped = region in ctx.config.ami_mappings or region in ctx.config.amis
    if mapped or not names or ssm_parameter not in tiers or own_build not in tiers:
        return ctx
    wanted = list(names.values())
    future = submit(ctx.catalog.ssm_values, region, wanted)
    return replace(ctx, prefetched={(region, SSM_VALUES): future})


SSM_VALUES = "ssm-values"


def _ssm_names(ctx: TierContext) -> dict[str, str]:
    names = {a: ctx.config.ssm_parameter_for(_arch(a)) for a in ctx.archs}
    return {a: n for a, n in names.items() if n}


def _arch(value: str):  # noqa: ANN202 - tiny adapter to the enum
    from ..templates.fields import Architecture

    return Architecture(value)


def _describe_query(owners: list[str], filters: dict[str, list[str]]) -> str:
    parts = [f"owner {'/'.join(owners)}"]
    parts += [f"{k}={'/'.join(v)}" for k, v in filters.items() if k not in ("state",)]
    return ", ".join(parts)
