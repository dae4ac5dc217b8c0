"""Where is a template's AMI available? The in-region tiers, run for many regions at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel, Field

from ..templates.loader import LoadedTemplate
from ..templates.models import AMIConfig
from .instances import candidate_architectures
from .models import TierOutcome
from .resolver import Resolver
from .tiers import Tier, TierContext, own_build, prefetch, run_tiers

#: The most regions checked at once: every region of a partition (about 34) in one wave, each
#: region's calls in its own thread (they wait on the network, not the CPU), with the lookups
#: of independent tiers started together (``tiers.prefetch``): two round trips per region.
MAX_REGION_THREADS = 64


class RegionAvailability(BaseModel):
    """One row of the availability matrix."""

    region: str
    available: bool
    resolution_method: str | None = None
    ami_id: str | None = None
    architecture: str | None = None
    reason: str
    duration_ms: float = 0.0


class AvailabilityMatrix(BaseModel):
    """A template's AMI availability across regions (no cross-region search, no copies)."""

    template: str
    regions: list[RegionAvailability] = Field(default_factory=list)
    available_in: int = 0
    checked: int = 0
    duration_ms: float = 0.0
    aws_calls: int = 0


def availability(
    resolver: Resolver,
    loaded: LoadedTemplate,
    regions: list[str],
    architecture: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AvailabilityMatrix:
    """Check every region concurrently; a region that fails (not enabled, say) is a row, not a crash.

    ``progress(done, total)`` is called as regions finish (from worker threads).
    """
    started, calls = time.perf_counter(), resolver.catalog.access.calls
    template = loaded.template
    matrix = AvailabilityMatrix(template=template.slug)
    archs = candidate_architectures(template, architecture)
    # Without an ami_config, only the template's own builds count (as when resolving).
    config, tiers = (
        (template.ami_config, resolver.tiers)
        if template.ami_config is not None
        else (AMIConfig(), (own_build,))
    )
    ctx = resolver.context(template, config, archs)
    done = [0]
    lock = threading.Lock()
    # The lookups started ahead of their tier, beside the region's own thread (leaves: they
    # start nothing themselves, so they cannot wait on this pool).
    ahead = ThreadPoolExecutor(
        min(len(regions), MAX_REGION_THREADS) or 1, thread_name_prefix="cws-ahead"
    )

    def check(region: str) -> RegionAvailability:
        row = _row(prefetch(ctx, region, tiers, ahead.submit), region, tiers)
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(regions))
        return row

    try:
        if len(regions) <= resolver.settings.cross_region_workers:
            matrix.regions = list(resolver.pool.map(check, regions))
        else:  # more regions than the resolver's pool has threads: all of them in one wave
            workers = min(len(regions), MAX_REGION_THREADS)
            with ThreadPoolExecutor(workers, thread_name_prefix="cws-check") as pool:
                matrix.regions = list(pool.map(check, regions))
    finally:  # a lookup nobody read (a build answered first) need not be waited for
        ahead.shutdown(wait=False)
    matrix.checked = len(matrix.regions)
    matrix.available_in = sum(r.available for r in matrix.regions)
    matrix.duration_ms = round((time.perf_counter() - started) * 1000, 2)
    matrix.aws_calls = resolver.catalog.access.calls - calls
    return matrix


def _row(ctx: TierContext, region: str, tiers: tuple[Tier, ...]) -> RegionAvailability:
    started = time.perf_counter()
    results = run_tiers(ctx, region, strict_errors=False, tiers=tiers)
    ms = round((time.perf_counter() - started) * 1000, 2)
    hit = next((r for r in results if r.image), None)
    if hit and hit.image:
        return RegionAvailability(
            region=region,
            available=True,
            resolution_method=hit.attempt.tier.value,
            ami_id=hit.image.ami_id,
            architecture=hit.image.architecture,
            reason=hit.attempt.reason,
            duration_ms=ms,
        )
    tried = [r.attempt.reason for r in results if r.attempt.outcome is not TierOutcome.SKIPPED]
    return RegionAvailability(
        region=region,
        available=False,
        reason="; ".join(tried) or "nothing configured",
        duration_ms=ms,
    )
