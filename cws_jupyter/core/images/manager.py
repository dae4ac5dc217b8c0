"""``ImageManager``: the AMI lifecycle behind one object (build, list, inspect, share, copy,
delete, deprecate, publish, stored costs). Long operations run as jobs in the shared store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..progress import Reporter, fan_out, silent
from . import copy as copying
from . import create as building
from . import inventory, lifecycle, share
from .costs import stored_costs
from .models import (
    CopyResult,
    DeleteResult,
    DeprecateResult,
    ImageBuild,
    ImageDetails,
    ImageList,
    PublishResult,
    ShareResult,
)
from .stored_costs import StoredImageCosts

if TYPE_CHECKING:
    from ..jobs import JobHandle, JobRecord
    from ..templates.loader import LoadedTemplate
    from .context import ImageContext
    from .copy import CopyPlan
    from .create import CreatePlan
    from .rebuild import RebuildPlan
    from .updates import OutdatedReport, RebuildResult

#: A workstation name -> (instance id, region), or None when no workstation has that name.
InstanceLookup = Callable[[str], "tuple[str, str] | None"]
#: The job kind of ``cws ami rebuild``.
REBUILD_JOB = "ami_rebuild"
#: Days between a rebuild and the deprecation of the builds it supersedes (``--grace-days``).
DEFAULT_GRACE_DAYS = 14


class ImageManager:
    """Build, share, copy and manage the AMIs of templates."""

    def __init__(
        self,
        ctx: ImageContext,
        template: Callable[[str], LoadedTemplate],
        workstation: InstanceLookup = lambda name: None,
        provisioning: Callable[[str], str | None] = lambda ref: None,
        templates: Callable[[], list[LoadedTemplate]] | None = None,
    ) -> None:
        """Operations over ``ctx``; ``template(ref)`` loads a template, ``workstation(name)``
        finds a workstation launched by cws (so builds can name it instead of its instance id),
        ``provisioning(ref)`` says how it was provisioned (a complete image needs no wait),
        ``templates()`` lists every template (default: the search path of the settings)."""
        self.ctx = ctx
        self._template = template
        self._workstation = workstation
        self._provisioning = provisioning
        self._templates = templates or (lambda: _every_template(ctx))

    # -- build ---------------------------------------------------------------------------------
    def plan_create(
        self,
        template: str | LoadedTemplate,
        instance: str,
        *,
        region: str | None = None,
        name: str | None = None,
        description: str | None = None,
        no_reboot: bool = False,
        tags: list[str] | dict[str, str] | None = None,
        copy_to: list[str] | None = None,
    ) -> CreatePlan:
        """Check a build request (the instance may be an id or a workstation's name); the new
        image is copied on to ``copy_to`` regions once built."""
        loaded = self._template(template) if isinstance(template, str) else template
        if not instance.startswith("i-"):
            found = self._workstation(instance)
            if found is not None:
                instance, region = found[0], region or found[1]
        plan = building.plan_create(
            self.ctx,
            loaded,
            instance,
            region=region,
            name=name,
            description=description,
            no_reboot=no_reboot,
            user_tags=tags,
            copy_to=copy_to,
        )
        if self._provisioning(plan.instance_id) == "none":  # launched complete: nothing to wait for
            plan.warnings.clear()
        return plan

    def start_create(self, plan: CreatePlan) -> tuple[ImageBuild, JobHandle]:
        """CreateImage, recorded as a job; returns the pending build and its job."""
        job = self.ctx.jobs.start("ami_create", total=100, params=plan.params)
        with job.failing():
            build = building.start_create(self.ctx, plan, job)
        return build, job

    def finish_create(
        self,
        plan: CreatePlan,
        build: ImageBuild,
        job: JobHandle,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> ImageBuild:
        """Wait for the image and tag its snapshots (undone entirely on failure); then copy it
        on to the plan's ``copy_to`` regions (a region that fails is reported in its row)."""
        report = fan_out(job, progress)

        def work() -> ImageBuild:
            done = building.finish_create(self.ctx, plan, build, progress=report, cancel=cancel)
            if not plan.copy_to:
                return done
            copy_plan = copying.plan_copy(
                self.ctx, done.ami_id, plan.copy_to, source_region=plan.region
            )
            copied = copying.run_copy(self.ctx, copy_plan, job, progress=report, cancel=cancel)
            return done.model_copy(update={"copies": copied.rows})

        return job.run(work)  # type: ignore[no-any-return]

    def create(
        self,
        template: str | LoadedTemplate,
        instance: str,
        *,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
        **options: object,
    ) -> ImageBuild:
        """Build an AMI from a workstation and wait until it is available."""
        plan = self.plan_create(template, instance, **options)  # type: ignore[arg-type]
        build, job = self.start_create(plan)
        return self.finish_create(plan, build, job, progress, cancel)

    # -- look ----------------------------------------------------------------------------------
    def list(
        self,
        template: str | None = None,
        regions: list[str] | None = None,
        all_regions: bool = False,
    ) -> ImageList:
        """Builds and copies this account owns or may launch."""
        return inventory.list_images(self.ctx, template, regions, all_regions)

    def info(self, ami_id: str, region: str | None = None) -> ImageDetails:
        """Everything about one image."""
        return inventory.image_info(self.ctx, ami_id, region)

    def stored_costs(self, template: str, saving_per_launch: float | None) -> StoredImageCosts:
        """What the template's stored images cost a month, against the saving per launch."""
        return stored_costs(self.ctx, template, saving_per_launch)

    # -- change --------------------------------------------------------------------------------
    def delete(self, ami_id: str, region: str | None = None, *, yes: bool = False) -> DeleteResult:
        """Deregister an image and delete its snapshots (``yes`` required)."""
        return lifecycle.delete_image(self.ctx, ami_id, region, yes=yes)

    def deprecate(self, ami_id: str, at: str, region: str | None = None) -> DeprecateResult:
        """Deprecate an image from a date."""
        return lifecycle.deprecate_image(self.ctx, ami_id, at, region)

    def publish(self, ami_id: str, parameter: str, region: str | None = None) -> PublishResult:
        """Name an image in an SSM parameter."""
        return lifecycle.publish_image(self.ctx, ami_id, parameter, region)

    def share(
        self,
        ami_id: str,
        targets: list[str],
        region: str | None = None,
        *,
        remove: bool = False,
        public: bool = False,
        yes: bool = False,
    ) -> ShareResult:
        """Share an image with accounts, organizations, OUs (or everyone, explicitly)."""
        return share.share_image(
            self.ctx, ami_id, targets, region, remove=remove, public=public, yes=yes
        )

    # -- copy ----------------------------------------------------------------------------------
    def plan_copy(
        self,
        ami_id: str,
        regions: list[str],
        *,
        source_region: str | None = None,
        kms_keys: list[str] | dict[str, str] | None = None,
        encrypt: bool = False,
    ) -> CopyPlan:
        """Check a copy request."""
        return copying.plan_copy(
            self.ctx,
            ami_id,
            regions,
            source_region=source_region,
            kms_keys=kms_keys,
            encrypt=encrypt,
        )

    def run_copy(
        self,
        plan: CopyPlan,
        job: JobHandle | None = None,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> CopyResult:
        """Copy as planned, as a job (a new one unless given)."""
        job = job or self.start_copy(plan)
        return job.run(  # type: ignore[no-any-return]
            lambda: copying.run_copy(
                self.ctx, plan, job, progress=fan_out(job, progress), cancel=cancel
            )
        )

    def start_copy(self, plan: CopyPlan) -> JobHandle:
        """Record a copy job (to be run by ``run_copy``)."""
        return self.ctx.jobs.start("ami_copy", total=100 * len(plan.regions), params=plan.params)

    def copy(
        self,
        ami_id: str,
        regions: list[str],
        *,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
        **options: object,
    ) -> CopyResult:
        """Copy an image to regions in parallel."""
        plan = self.plan_copy(ami_id, regions, **options)  # type: ignore[arg-type]
        return self.run_copy(plan, progress=progress, cancel=cancel)

    # -- keep current --------------------------------------------------------------------------
    def outdated(
        self,
        templates: Sequence[str] | None = None,
        region: str | None = None,
        *,
        all_regions: bool = False,
    ) -> OutdatedReport:
        """Each build, copy and direct mapping of ``templates`` (default: every template that has
        any) against the template's base image now, and its template hash."""
        from .updater import find_outdated

        return find_outdated(
            self.ctx, self._template, self._templates, templates, region, all_regions
        )

    def plan_rebuild(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        *,
        grace_days: int = DEFAULT_GRACE_DAYS,
        instance_type: str | None = None,
    ) -> RebuildPlan:
        """Check a rebuild: the current base, the builder, the builds it will deprecate."""
        from .rebuild import plan_rebuild

        loaded = self._template(template) if isinstance(template, str) else template
        return plan_rebuild(
            self.ctx, loaded, region, grace_days=grace_days, instance_type=instance_type
        )

    def start_rebuild(self, plan: RebuildPlan) -> JobHandle:
        """Record a rebuild job (to be run by ``run_rebuild``)."""
        return self.ctx.jobs.start(REBUILD_JOB, total=100, params=plan.params)

    def run_rebuild(
        self,
        plan: RebuildPlan,
        job: JobHandle | None = None,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> RebuildResult:
        """Rebuild as planned, as a job (a new one unless given)."""
        from .rebuild import run_rebuild

        job = job or self.start_rebuild(plan)
        return job.run(  # type: ignore[no-any-return]
            lambda: run_rebuild(self.ctx, plan, job, progress=fan_out(job, progress), cancel=cancel)
        )

    def rebuild(
        self,
        template: str | LoadedTemplate,
        region: str | None = None,
        grace_days: int = DEFAULT_GRACE_DAYS,
        reporter: Reporter = silent,
        *,
        yes: bool = False,
        instance_type: str | None = None,
        cancel: threading.Event | None = None,
    ) -> RebuildResult:
        """Build the template afresh from its current base (``yes`` required), then deprecate
        its earlier builds in the region ``grace_days`` from now; none is deleted."""
        from .rebuild import confirm

        plan = self.plan_rebuild(
            template, region, grace_days=grace_days, instance_type=instance_type
        )
        confirm(plan, yes)
        return self.run_rebuild(plan, progress=reporter, cancel=cancel)

    # -- jobs ----------------------------------------------------------------------------------
    def recover(self, record: JobRecord) -> str | None:
        """Clean up after an abandoned build, copy or rebuild (``jobs.reconcile`` calls it)."""
        if record.kind == "ami_create":
            return building.recover_create(self.ctx, record)
        if record.kind == "ami_copy":
            return copying.recover_copy(self.ctx, record)
        if record.kind == REBUILD_JOB:
            from .rebuild import recover_rebuild

            return recover_rebuild(self.ctx, record)
        return None


def _every_template(ctx: ImageContext) -> list[LoadedTemplate]:
    """Every template on the search path of ``ctx``'s settings (those that load)."""
    from ..templates.loader import TemplateLibrary

    return TemplateLibrary.from_settings(ctx.settings).list()[0]
