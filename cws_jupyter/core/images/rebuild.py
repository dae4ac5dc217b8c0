"""``cws ami rebuild``: a fresh build of a template from its current base image.

A builder instance is launched from the base (hardened like every workstation: IMDSv2 only, an
encrypted root, no port open), provisions the template by script and powers itself off; the
stopped instance is imaged through the lifecycle's own build (tags, snapshots, cleanup on
failure), then terminated. Only once the new image is available are the template's earlier
builds in the region deprecated, after a grace period; none is ever deleted. A failure at any
step removes the builder and any half-made image and leaves the earlier builds as they were.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..cleanup import undo_on_failure
from ..errors import BadInput, Conflict, CwsError, NotFound, Unsupported
from ..progress import Progress, Reporter, silent
from ..resolver.selection import parse_time
from . import create as building
from . import tags as T
from .bases import current_base
from .builder import await_provisioning, launch_builder, remove_builder
from .inventory import builds_in
from .lifecycle import deprecate_image
from .updates import BaseImage, DeprecationRow, RebuildResult

if TYPE_CHECKING:
    from ..aws.images import AMIInfo
    from ..jobs import JobHandle, JobRecord
    from ..templates.loader import LoadedTemplate
    from .context import ImageContext

MAX_GRACE_DAYS = 3650  # AWS deprecates at most ten years ahead


@dataclass
class RebuildPlan:
    """A checked rebuild: the base to start from, the builder, the builds it will supersede."""

    loaded: LoadedTemplate
    region: str
    architecture: str
    base: AMIInfo
    base_source: str
    instance_type: str
    root_volume_gb: int
    grace_days: int
    supersedes: list[str]
    setup_seconds: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        """The template's slug."""
        return self.loaded.template.slug

    def summary(self) -> str:
        """What the rebuild will do, in one sentence."""
        earlier = (
            f"then deprecates {len(self.supersedes)} earlier build(s) "
            f"({', '.join(self.supersedes)}) in {self.grace_days} days, deleting none"
            if self.supersedes
            else "there is no earlier build to deprecate"
        )
        return (
            f"rebuilding {self.template} in {self.region} launches a {self.instance_type} "
            f"builder from {self.base.ami_id} ({self.base_source}), provisions it by script "
            f"(about {max(1, round(self.setup_seconds / 60))} min) and images it; {earlier}"
        )


def plan_rebuild(
    ctx: ImageContext,
    loaded: LoadedTemplate,
    region: str | None = None,
    *,
    grace_days: int,
    instance_type: str | None = None,
) -> RebuildPlan:
    """Check a rebuild and find what it starts from; nothing is made."""
    from ..resolver.instances import architecture_of, candidate_architectures, instance_type_for
    from ..templates.userdata import BOOT_SECONDS, setup_seconds

    region = ctx.region(region)
    template = loaded.template
    grace = check_grace_days(grace_days)
    if template.is_ami_only:
        raise Conflict(
            f"template '{template.slug}' is AMI-only (package_manager: ami): its software lives "
            "in its image, so there is nothing to install on a base image; build it from a "
            "workstation with `cws ami create` instead",
            field="template",
        )
    wanted = _instance_type(instance_type)
    arch = candidate_architectures(template, architecture_of(wanted) if wanted else None)[0]
    chosen = wanted or instance_type_for(template, arch)[0]
    answer = current_base(ctx.catalog, template, region, arch)
    if answer.image is None:
        raise Conflict(
            f"no base image to rebuild '{template.slug}' ({arch}) from in {region}: "
            f"{answer.note}; rebuild in another region",
            field="region",
        )
    base = answer.image
    why = ctx.denied(base) if ctx.denied is not None else None
    if why:
        raise Conflict(
            f"the base image {base.ami_id} of '{template.slug}' in {region} is denied by policy: "
            f"{why}; a rebuild would launch from it",
            field="template",
        )
    root_gb = max(template.instance_defaults.root_volume_gb or 0, base.root_volume_gb or 0, 8)
    setup = BOOT_SECONDS + setup_seconds(template)
    supersedes = earlier_builds(ctx, region, template.slug)
    return RebuildPlan(
        loaded=loaded,
        region=region,
        architecture=arch,
        base=base,
        base_source=answer.source,
        instance_type=chosen,
        root_volume_gb=root_gb,
        grace_days=grace,
        supersedes=supersedes,
        setup_seconds=setup,
        params={
            "template": template.slug,
            "region": region,
            "base_ami": base.ami_id,
            "instance_type": chosen,
            "grace_days": grace,
            "supersedes": supersedes,
        },
    )


def confirm(plan: RebuildPlan, yes: bool) -> None:
    """A rebuild launches an instance and deprecates builds: only with ``yes``."""
    if not yes:
        raise BadInput(
            f"{plan.summary()}; add --yes to go ahead (REST: the POST is the confirmation)",
            field="yes",
        )


def check_grace_days(days: int) -> int:
    """Days between the new build and the deprecation of the earlier ones (1 to 3650)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_GRACE_DAYS:
        raise BadInput(
            f"grace days must be a whole number from 1 to {MAX_GRACE_DAYS}, not {days!r}",
            field="grace_days",
        )
    return days


def earlier_builds(ctx: ImageContext, region: str, slug: str) -> list[str]:
    """This account's builds and copies of ``slug`` in ``region`` that are not deprecated yet,
    oldest first (asked afresh: these are the images a rebuild will deprecate)."""
    now = dt.datetime.now(dt.timezone.utc)
    mine = []
    for image in builds_in(ctx, region, slug):
        tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
        if tags.get(T.TEMPLATE) != slug:  # shared with us: not ours to deprecate
            continue
        until = parse_time(image.get("DeprecationTime"))
        if image.get("State") in ("available", "pending") and not (until and until <= now):
            mine.append(image)
    mine.sort(key=lambda i: (i.get("CreationDate", ""), i["ImageId"]))
    return [i["ImageId"] for i in mine]


def run_rebuild(
    ctx: ImageContext,
    plan: RebuildPlan,
    job: JobHandle,
    *,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> RebuildResult:
    """Launch the builder, wait for its provisioning, image it, remove it; then deprecate."""
    started = time.monotonic()
    region = plan.region
    made: dict[str, str] = {}
    notes: list[str] = []

    def undo() -> str:
        said = remove_builder(ctx, region, made)
        if "image" in made:  # the build removes its own image on failure: say whether it did
            said = f"{_image_left(ctx, region, made['image'])}; {said}"
        return said

    with undo_on_failure(undo, f"rebuilding {plan.template} in {region} failed"):
        instance_id = launch_builder(ctx, plan, job, made, progress, cancel)
        await_provisioning(ctx, plan, instance_id, progress, cancel, notes)
        progress(Progress(step="image", message=f"imaging {instance_id}", region=region))
        create = building.plan_create(
            ctx,
            plan.loaded,
            instance_id,
            region=region,  # named when imaged: cws-<template>-<date>-<time>
            description=f"cws-jupyter rebuild of {plan.template} from {plan.base.ami_id}",
        )
        create.warnings.clear()  # the builder finished provisioning before it stopped
        pending = building.start_create(ctx, create, job)
        made["image"] = pending.ami_id
        build = building.finish_create(ctx, create, pending, progress=progress, cancel=cancel)
        del made["image"]  # finished: kept whatever happens next
    progress(Progress(step="cleanup", message=f"terminating builder {instance_id}", region=region))
    notes.append(remove_builder(ctx, region, made))
    deprecated = deprecate_earlier(ctx, plan, build.ami_id, progress)
    return RebuildResult(
        template=plan.template,
        region=region,
        ami_id=build.ami_id,
        base=BaseImage(
            ami_id=plan.base.ami_id,
            region=region,
            name=plan.base.name,
            created=plan.base.creation_date,
            source=plan.base_source,
        ),
        build=build,
        builder_instance=instance_id,
        deprecated=deprecated,
        grace_days=plan.grace_days,
        job_id=job.job_id,
        seconds=round(time.monotonic() - started, 2),
        notes=notes,
    )


def _image_left(ctx: ImageContext, region: str, ami_id: str) -> str:
    """Whether a half-made image is gone, in words."""
    try:
        state = ctx.describe(region, ami_id).get("State")
    except NotFound:
        state = "deregistered"
    except CwsError as exc:
        return f"whether the half-made image {ami_id} is gone could not be checked ({exc.message})"
    if state == "deregistered":
        return f"the half-made image {ami_id} was removed"
    return (
        f"the half-made image {ami_id} is still there: delete it with "
        f"`cws ami delete {ami_id} --region {region} --yes`"
    )


def deprecate_earlier(
    ctx: ImageContext, plan: RebuildPlan, new_ami: str, progress: Reporter = silent
) -> list[DeprecationRow]:
    """Deprecate the builds the new one supersedes, from now + the grace period; an image that
    cannot be deprecated is kept as it was, and its row says why."""
    at = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=plan.grace_days)).replace(
        microsecond=0
    )
    rows = []
    for ami_id in plan.supersedes:
        if ami_id == new_ami:
            continue
        progress(Progress(step="deprecate", message=f"deprecating {ami_id}", region=plan.region))
        try:
            done = deprecate_image(ctx, ami_id, at.isoformat(), plan.region)
        except Unsupported:
            why = "the sandbox does not simulate image deprecation (AWS does)"
            rows.append(_kept(ami_id, plan.region, why))
            continue
        except CwsError as exc:
            rows.append(_kept(ami_id, plan.region, exc.message))
            continue
        rows.append(
            DeprecationRow(
                ami_id=ami_id,
                region=plan.region,
                status="deprecated",
                deprecate_at=done.deprecate_at,
                message=f"no longer offered from {done.deprecate_at[:10]}; kept until you "
                f"delete it (`cws ami delete {ami_id} --region {plan.region} --yes`)",
            )
        )
    return rows


def _kept(ami_id: str, region: str, why: str) -> DeprecationRow:
    return DeprecationRow(
        ami_id=ami_id,
        region=region,
        status="kept",
        message=f"not deprecated: {why}",
    )


def recover_rebuild(ctx: ImageContext, record: JobRecord) -> str | None:
    """After a rebuild whose process died: remove its builder; keep the new image if it was
    finished (its earlier builds were then not deprecated), else remove it."""
    notes = []
    builder = record.resources.get("builder") or {}
    if builder.get("region"):
        made = {k: builder[k] for k in ("instance", "security_group") if builder.get(k)}
        notes.append(remove_builder(ctx, builder["region"], made))
    image_note = building.recover_create(ctx, record)
    if image_note:
        notes.append(image_note)
    return "; ".join(notes) or None


def _instance_type(value: str | None) -> str | None:
    from ..templates.fields import check_instance_type

    if not value:
        return None
    try:
        return check_instance_type(value)
    except ValueError as exc:
        raise BadInput(str(exc), field="instance_type") from None
