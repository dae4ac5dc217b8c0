"""The Universal AMI resolver: tiers in order, cross-region in parallel, then the fallback decision."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from ..aws.images import AMIInfo
from ..errors import BadInput, NotFound, ResolutionFailed
from ..templates.fields import FallbackStrategy, Strategy
from ..templates.loader import LoadedTemplate
from ..templates.models import TRUSTED_OWNERS, AMIConfig, Template
from ..templates.userdata import BOOT_SECONDS, render_ami_user_data, render_user_data, setup_seconds
from .costs import compare_costs
from .instances import architecture_of, candidate_architectures, instance_type_for
from .models import Provisioning, Resolution, ResolutionMethod, TierAttempt, TierOutcome
from .selection import safety_warnings
from .tiers import TierContext, TierResult, own_build, run_tiers, tiers_in_order

if TYPE_CHECKING:
    from ..aws.images import ImageCatalog
    from ..config import Settings
    from ..pricing import PriceBook
    from ..regions import RegionMap
    from ..registry.lookup import CommunityLookup


class Resolver:
    """Finds the best AMI for a template in a region, and says how, what it tried and what it costs."""

    def __init__(
        self,
        settings: Settings,
        catalog: ImageCatalog,
        regions: RegionMap,
        prices: PriceBook,
        community: CommunityLookup | None = None,
        denied: Callable[[AMIInfo], str | None] | None = None,
    ):
        self.settings = settings
        self.catalog = catalog
        self.regions = regions
        self.prices = prices
        #: The community registry's lookups (None: no registry configured).
        self.community = community
        #: Why the institutional policy (CWS_POLICY_FILE) denies an image; None: no policy.
        self.denied = denied
        #: The in-region tiers, in the order the settings give.
        self.tiers = tiers_in_order(settings.tier_order)
        self.trusted = set(TRUSTED_OWNERS) | set(settings.extra_trusted_owners)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> ThreadPoolExecutor:
        """Worker threads for fan-out across regions, started once and reused."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(
                        max_workers=self.settings.cross_region_workers,
                        thread_name_prefix="cws-region",
                    )
        return self._pool

    def resolve(
        self,
        loaded: LoadedTemplate,
        region: str | None = None,
        strategy: str | Strategy | None = None,
        architecture: str | None = None,
    ) -> Resolution:
        """Resolve one template in one region."""
        started, calls_before = time.perf_counter(), self.catalog.access.calls
        template = loaded.template
        region = self._region(region)
        chosen_strategy = self._strategy(template, strategy)
        archs = candidate_architectures(template, architecture)
        warnings = list(loaded.warnings)
        chain: list[TierAttempt] = []
        hit: TierResult | None = None
        source_region: str | None = None

        config = template.ami_config
        if config is None:
            # No AMI sources configured: only the template's own builds (in this region) count.
            ctx = self.context(template, AMIConfig(), archs)
            for result in run_tiers(ctx, region, strict_errors=False, tiers=(own_build,)):
                chain.append(result.attempt)
                warnings += result.warnings
                hit = hit or (result if result.image else None)
        else:
            ctx = self.context(template, config, archs)
            deadline = started + config.fallback_timeout_seconds
            for result in run_tiers(ctx, region, strict_errors=True, tiers=self.tiers):
                chain.append(result.attempt)
                warnings += result.warnings
                hit = hit or (result if result.image else None)
            if hit is None:
                hit, cross_attempts, cross_warnings = self._cross_region(ctx, region, deadline)
                chain += cross_attempts
                warnings += cross_warnings
                source_region = hit.image.region if hit and hit.image else None

        resolution = self._decide(
            template, region, chosen_strategy, archs, hit, source_region, chain, warnings
        )
        resolution.aws_calls = self.catalog.access.calls - calls_before
        resolution.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        return resolution

    def resolve_pinned(self, loaded: LoadedTemplate, region: str, ami_id: str) -> Resolution:
        """The answer for an image the caller names (``cws launch --ami``): checked to exist
        and be usable here, then costed and provisioned like any other answer."""
        from .selection import usable

        started, calls_before = time.perf_counter(), self.catalog.access.calls
        region = self._region(region)
        images = self.catalog.by_ids(region, [ami_id])
        if not images:
            raise NotFound(f"{ami_id} does not exist in {region}", field="ami")
        image = images[0]
        problem = usable(image, dt.datetime.now(dt.timezone.utc))
        if problem:
            raise BadInput(f"cannot launch from {problem}", field="ami")
        why = self.denied(image) if self.denied is not None else None
        if why:
            raise BadInput(f"cannot use {ami_id}: denied by policy: {why}", field="ami")
        attempt = TierAttempt(
            tier=ResolutionMethod.DIRECT_MAPPING,
            region=region,
            outcome=TierOutcome.HIT,
            reason=f"{ami_id} named by the caller",
            ami_id=ami_id,
        )
        hit = TierResult(attempt=attempt, image=image)
        resolution = self._decide(
            loaded.template,
            region,
            Strategy.AMI_PREFERRED,
            [image.architecture],
            hit,
            None,
            [attempt],
            list(loaded.warnings),
        )
        resolution.aws_calls = self.catalog.access.calls - calls_before
        resolution.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        return resolution

    def context(self, template: Template, config: AMIConfig, archs: list[str]) -> TierContext:
        """What the tiers need for one template, as of now."""
        return TierContext(
            template,
            config,
            archs,
            self.catalog,
            dt.datetime.now(dt.timezone.utc),
            community=self.community,
            denied=self.denied,
        )

    # -- inputs ---------------------------------------------------------------------
    def region_of(self, region: str | None) -> str:
        """The region a resolution is for: the one given, or the configured one (checked)."""
        return self._region(region)

    def _region(self, region: str | None) -> str:
        from ..regions import validate_region

        return validate_region(region or self.settings.region)

    @staticmethod
    def _strategy(template: Template, strategy: str | Strategy | None) -> Strategy:
        if strategy is None:
            return template.ami_config.strategy if template.ami_config else Strategy.AMI_PREFERRED
        try:
            return Strategy(strategy)
        except ValueError:
            allowed = ", ".join(s.value for s in Strategy)
            raise BadInput(
                f"unknown strategy '{strategy}' (use one of: {allowed})", field="strategy"
            ) from None

    # -- cross-region ---------------------------------------------------------------
    def _cross_region(
        self, ctx: TierContext, region: str, deadline: float
    ) -> tuple[TierResult | None, list[TierAttempt], list[str]]:
        """Search every fallback neighbour at once (never recursively); the nearest hit wins."""
        neighbours = self.regions.fallbacks(region)
        if not neighbours:
            return None, [self._cross(region, TierOutcome.SKIPPED, "no fallback regions")], []
        started = time.perf_counter()
        futures = {
            n: self.pool.submit(run_tiers, ctx, n, strict_errors=False, tiers=self.tiers)
            for n in neighbours
        }
        done, _ = wait(futures.values(), timeout=max(0.0, deadline - time.perf_counter()))
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        attempts: list[TierAttempt] = []
        warnings: list[str] = []
        best: TierResult | None = None
        for neighbour, future in futures.items():
            if future not in done:
                attempts.append(
                    self._cross(
                        neighbour, TierOutcome.ERROR, "timed out (fallback_timeout)", elapsed
                    )
                )
                continue
            results = future.result()
            elapsed = round(
                sum(r.attempt.duration_ms for r in results), 2
            )  # this neighbour's own time
            found = next((r for r in results if r.image), None)
            if found and best is None:
                best = found
                reason = f"{found.attempt.tier.value} found {found.image.ami_id}; copy to {region} needed"
                attempts.append(
                    self._cross(neighbour, TierOutcome.HIT, reason, elapsed, found.image.ami_id)
                )
            elif found:
                attempts.append(
                    self._cross(
                        neighbour,
                        TierOutcome.MISS,
                        f"also has {found.image.ami_id}, but a nearer region won",
                        elapsed,
                    )
                )
            else:
                outcomes = {r.attempt.outcome for r in results} - {TierOutcome.SKIPPED}
                outcome = (
                    TierOutcome.ERROR
                    if TierOutcome.ERROR in outcomes
                    else TierOutcome.REFUSED
                    if outcomes == {TierOutcome.REFUSED}
                    else TierOutcome.MISS
                )
                tried = "; ".join(
                    r.attempt.reason
                    for r in results
                    if r.attempt.outcome is not TierOutcome.SKIPPED
                )
                attempts.append(
                    self._cross(neighbour, outcome, tried or "nothing configured", elapsed)
                )
        return best, attempts, warnings

    @staticmethod
    def _cross(
        region: str, outcome: TierOutcome, reason: str, ms: float = 0.0, ami_id: str | None = None
    ) -> TierAttempt:
        return TierAttempt(
            tier=ResolutionMethod.CROSS_REGION,
            region=region,
            outcome=outcome,
            reason=reason,
            duration_ms=ms,
            ami_id=ami_id,
        )

    # -- the decision -----------------------------------------------------------------
    def _decide(
        self,
        template: Template,
        region: str,
        strategy: Strategy,
        archs: list[str],
        hit: TierResult | None,
        source_region: str | None,
        chain: list[TierAttempt],
        warnings: list[str],
    ) -> Resolution:
        config = template.ami_config
        image = hit.image if hit else None
        arch = image.architecture if image else archs[0]
        instance_type, note = instance_type_for(template, arch)
        if note:
            warnings.append(note)
        if image and architecture_of(instance_type) != image.architecture:  # defence in depth
            raise ResolutionFailed(
                f"refusing to pair {image.architecture} AMI with {instance_type}"
            )
        if image:
            warnings += safety_warnings(
                image,
                trusted=self.trusted,
                owned_by_caller=self._owned_by_caller(hit),
                max_age_days=self.settings.max_image_age_days,
                now=dt.datetime.now(dt.timezone.utc),
            )
        costs = compare_costs(
            template,
            region,
            instance_type,
            self.prices,
            image_gb=image.root_volume_gb if image else None,
            source_region=source_region,
        )
        common = dict(
            template=template.slug,
            region=region,
            strategy=strategy.value,
            architecture=arch,
            instance_type=instance_type,
            estimated_cost=costs.hourly_price,
            cost_comparison=costs,
        )

        script_first = strategy is Strategy.AMI_FALLBACK and not template.is_ami_only
        if image and not script_first:
            method = ResolutionMethod.CROSS_REGION if source_region else hit.attempt.tier  # type: ignore[union-attr]
            launch = BOOT_SECONDS + (costs.copy_seconds if source_region else 0)
            if self._image_is_complete(template, image):
                provisioning, user_data = Provisioning.NONE, render_ami_user_data(template)
            else:
                provisioning, user_data = Provisioning.AMI_PLUS_SCRIPT, render_user_data(template)
                launch += setup_seconds(template)
            return Resolution(
                ami_id=image.ami_id,
                ami=image,
                resolution_method=method,
                community_id=hit.community_id,  # type: ignore[union-attr]
                source_region=source_region,
                copy_required=bool(source_region),
                fallback_chain=chain,
                estimated_launch_time=launch,
                provisioning=provisioning,
                user_data=user_data,
                **self._warned(warnings),
                **common,
            )

        no_script = (
            strategy is Strategy.AMI_REQUIRED
            or template.is_ami_only
            or (config is not None and config.fallback_strategy is FallbackStrategy.ERROR)
        )
        if no_script:
            why = self._why_no_script(template, strategy)
            lines = "\n".join(f"  - {a.line()}" for a in chain)
            raise ResolutionFailed(
                f"no AMI for template '{template.slug}' in {region} and {why}. Tried:\n{lines}",
                details={"fallback_chain": [a.model_dump(mode="json") for a in chain]},
            )
        reason = (
            "strategy ami_fallback provisions by script first"
            if script_first
            else "no AMI found; provisioning by script"
        )
        chain.append(
            TierAttempt(
                tier=ResolutionMethod.SCRIPT_FALLBACK,
                region=region,
                outcome=TierOutcome.HIT,
                reason=reason,
            )
        )
        if script_first and image:
            warnings.append(
                f"{image.ami_id} is the fallback if provisioning exceeds "
                f"{config.fallback_timeout if config else '10m'}"
            )
        return Resolution(
            ami_id=None,
            resolution_method=ResolutionMethod.SCRIPT_FALLBACK,
            provisioning=Provisioning.SCRIPT,
            fallback_chain=chain,
            estimated_launch_time=BOOT_SECONDS + setup_seconds(template),
            user_data=render_user_data(template),
            fallback_ami=image if script_first else None,
            **self._warned(warnings),
            **common,
        )

    @staticmethod
    def _image_is_complete(template: Template, image: AMIInfo) -> bool:
        """Does the image already hold the template's software, or is it a base OS to provision?"""
        config = template.ami_config
        if config is not None and config.image_includes_packages is not None:
            return config.image_includes_packages
        from ..images.tags import build_of

        built = build_of(image.tags, image.description)
        return (
            template.is_ami_only
            or image.tags.get("Template") == template.slug
            or (built is not None and built[0] == template.slug)
            or not template.has_provisioning
        )

    def _owned_by_caller(self, hit: TierResult | None) -> bool:
        """Images of your own account are trusted; ask STS only when the owner is not already trusted."""
        if hit is None or hit.image is None:
            return False
        if hit.owned_by_caller or hit.image.owner_id in self.trusted:
            return hit.owned_by_caller
        if hit.attempt.tier in (ResolutionMethod.DYNAMIC_SEARCH, ResolutionMethod.MARKETPLACE):
            return False  # the query named this owner explicitly; it is not "self"
        return hit.image.owner_id == self.catalog.caller_account()

    @staticmethod
    def _why_no_script(template: Template, strategy: Strategy) -> str:
        if strategy is Strategy.AMI_REQUIRED:
            return "the strategy is ami_required"
        if template.is_ami_only:
            return "the template is AMI-only (package_manager: ami), so it cannot be provisioned by script"
        return "its fallback_strategy is 'error'"

    @staticmethod
    def _warned(warnings: list[str]) -> dict[str, object]:
        unique = list(dict.fromkeys(warnings))
        return {"warnings": unique, "warning": "; ".join(unique) if unique else None}
