"""``ImageManager``: the AMI lifecycle behind one object (build, list, inspect, share, copy,
delete, deprecate, publish, stored costs). Long operations run as jobs in the shared store."""

from __future__ import annotations

import threading
from collections.abc import Callable
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

#: A workstation name -> (instance id, region), or None when no workstation has that name.
InstanceLookup = Callable[[str], "tuple[str, str] | None"]


class ImageManager:
    """Build, share, copy and manage the AMIs of templates."""

    def __init__(
        self,
        ctx: ImageContext,
        template: Callable[[str], LoadedTemplate],
        workstation: InstanceLookup = lambda name: None,
        provisioning: Callable[[str], str | None] = lambda ref: None,
    ) -> None:
        """Operations over ``ctx``; ``template(ref)`` loads a template, ``workstation(name)``
        finds a workstation launched by cws (so builds can name it instead of its instance id),
        ``provisioning(ref)`` says how it was provisioned (a complete image needs no wait)."""
        self.ctx = ctx
        self._template = template
        self._workstation = workstation
        self._provisioning = provisioning

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

    # -- jobs ----------------------------------------------------------------------------------
    def recover(self, record: JobRecord) -> str | None:
        """Clean up after an abandoned build or copy (``jobs.reconcile`` calls it)."""
        if record.kind == "ami_create":
            return building.recover_create(self.ctx, record)
        if record.kind == "ami_copy":
            return copying.recover_copy(self.ctx, record)
        return None
