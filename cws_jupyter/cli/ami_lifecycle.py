"""`cws ami create|list|info|delete|deprecate|publish|share|copy|status`: the AMI lifecycle.

Each verb parses its options, calls the image manager once (long ones with progress), renders.
"""

from __future__ import annotations

from typing import Any

import click

from . import render_images as show
from .common import CliState, core_errors, emit, json_option, progress

REGION_HELP = "Region of the image (default: the configured region)."


def region_option(func: Any) -> Any:
    """``--region`` for a verb acting on one image."""
    return click.option("--region", default=None, help=REGION_HELP)(func)


@click.command("create")
@click.argument("template")
@click.argument("instance")
@click.option("--name", default=None, help="Image name (default: cws-<template>-<date>-<time>).")
@click.option("--description", default=None, help="Image description.")
@click.option("--no-reboot", is_flag=True, help="Do not stop the instance while imaging it.")
@click.option("--tag", "tags", multiple=True, metavar="K=V", help="Extra tag (repeatable).")
@click.option(
    "--copy-to", "copy_to", multiple=True, metavar="REGION", help="Copy the new image there too."
)
@region_option
@json_option
@click.pass_obj
@core_errors
def ami_create(
    state: CliState,
    template: str,
    instance: str,
    name: str | None,
    description: str | None,
    no_reboot: bool,
    tags: tuple[str, ...],
    copy_to: tuple[str, ...],
    region: str | None,
    as_json: bool,
) -> Any:
    """Build an AMI for TEMPLATE from INSTANCE (an instance id or a workstation's name).

    Waits until the image is available, then tags its snapshots; a failure or Ctrl-C removes
    the half-made image and its snapshots.
    """
    images = state.svc().images
    plan = images.plan_create(
        template,
        instance,
        region=region,
        name=name,
        description=description,
        no_reboot=no_reboot,
        tags=list(tags),
        copy_to=list(copy_to),
    )
    build, job = images.start_create(plan)
    with progress(f"building {build.ami_id} in {build.region}") as report:
        result = images.finish_create(plan, build, job, report)
    return emit(result, show.render_build, as_json)


@click.command("list")
@click.option("--template", default=None, help="Only builds of this template.")
@click.option("--region", "regions", multiple=True, help="Region to list (repeatable).")
@click.option("--all-regions", is_flag=True, help="Every commercial region.")
@json_option
@click.pass_obj
@core_errors
def ami_list(
    state: CliState,
    template: str | None,
    regions: tuple[str, ...],
    all_regions: bool,
    as_json: bool,
) -> Any:
    """Images built by cws (and their copies) that you own or that are shared with you."""
    result = state.svc().images.list(template, list(regions) or None, all_regions)
    return emit(result, show.render_image_list, as_json)


@click.command("info")
@click.argument("ami_id")
@region_option
@json_option
@click.pass_obj
@core_errors
def ami_info(state: CliState, ami_id: str, region: str | None, as_json: bool) -> Any:
    """Owner, age, tags, shares, snapshots, copies in other regions, monthly storage cost, and
    its community record (ratings, launches) when the registry lists it.

    AMI_ID may also be a community registry id (cami-...): its record and reviews.
    """
    svc = state.svc()
    from ..core.registry.ids import PREFIX as REGISTRY_ID_PREFIX

    if ami_id.startswith(REGISTRY_ID_PREFIX):
        from . import render_community

        return emit(svc.community.info(ami_id), render_community.render_details, as_json)
    details = svc.community.annotate(svc.images.info(ami_id, region))
    return emit(details, show.render_image_info, as_json)


@click.command("delete")
@click.argument("ami_id")
@region_option
@click.option("--yes", is_flag=True, help="Confirm: the image and its snapshots are gone for good.")
@json_option
@click.pass_obj
@core_errors
def ami_delete(state: CliState, ami_id: str, region: str | None, yes: bool, as_json: bool) -> Any:
    """Deregister an image you own and delete its snapshots (needs --yes)."""
    return emit(state.svc().images.delete(ami_id, region, yes=yes), show.render_delete, as_json)


@click.command("deprecate")
@click.argument("ami_id")
@click.option("--at", "at", required=True, metavar="DATE", help="YYYY-MM-DD or an ISO time (UTC).")
@region_option
@json_option
@click.pass_obj
@core_errors
def ami_deprecate(state: CliState, ami_id: str, at: str, region: str | None, as_json: bool) -> Any:
    """Deprecate an image from DATE: it stops being offered to new launches."""
    return emit(state.svc().images.deprecate(ami_id, at, region), show.render_deprecate, as_json)


@click.command("publish")
@click.argument("ami_id")
@click.option("--parameter", required=True, help="SSM parameter name, e.g. /my-lab/ami/python-ml.")
@region_option
@json_option
@click.pass_obj
@core_errors
def ami_publish(
    state: CliState, ami_id: str, parameter: str, region: str | None, as_json: bool
) -> Any:
    """Write the image id to an SSM parameter, so templates can find it with `ssm_parameter`."""
    result = state.svc().images.publish(ami_id, parameter, region)
    return emit(result, show.render_publish, as_json)


@click.command("share")
@click.argument("ami_id")
@click.argument("targets", nargs=-1, required=True)
@region_option
@click.option("--remove", is_flag=True, help="Stop sharing with the targets.")
@click.option("--public", is_flag=True, help="Allow 'all' (everyone on AWS); needs --yes too.")
@click.option("--yes", is_flag=True, help="Confirm making the image public.")
@json_option
@click.pass_obj
@core_errors
def ami_share(
    state: CliState,
    ami_id: str,
    targets: tuple[str, ...],
    region: str | None,
    remove: bool,
    public: bool,
    yes: bool,
    as_json: bool,
) -> Any:
    """Share an image with TARGETS: account ids, organization or OU ARNs ('all' = public).

    Accounts can also read its snapshots, so they can copy it to their regions.
    """
    result = state.svc().images.share(
        ami_id, list(targets), region, remove=remove, public=public, yes=yes
    )
    return emit(result, show.render_share, as_json)


@click.command("copy")
@click.argument("ami_id")
@click.argument("regions", nargs=-1, required=True)
@click.option("--source-region", default=None, help="Where the image is (default: configured).")
@click.option(
    "--kms-key", "kms_keys", multiple=True, metavar="REGION=KEY", help="KMS key per region."
)
@click.option("--encrypt", is_flag=True, help="Encrypt the copies (the default KMS key).")
@json_option
@click.pass_obj
@core_errors
def ami_copy(
    state: CliState,
    ami_id: str,
    regions: tuple[str, ...],
    source_region: str | None,
    kms_keys: tuple[str, ...],
    encrypt: bool,
    as_json: bool,
) -> Any:
    """Copy an image to REGIONS, all at once; regions that already hold a copy are skipped.

    Exits 1 when a region failed (the others are still reported, and kept).
    """
    images = state.svc().images
    plan = images.plan_copy(
        ami_id, list(regions), source_region=source_region, kms_keys=list(kms_keys), encrypt=encrypt
    )
    with progress(f"copying {ami_id} to {len(plan.regions)} region(s)") as report:
        result = images.run_copy(plan, progress=report)
    emit(result, show.render_copy, as_json)
    if state.render and result.failed:
        raise click.exceptions.Exit(1)
    return result


@click.command("status")
@click.argument("job_id", required=False)
@click.option("--limit", default=20, show_default=True, help="How many recent jobs to show.")
@json_option
@click.pass_obj
@core_errors
def ami_status(state: CliState, job_id: str | None, limit: int, as_json: bool) -> Any:
    """Builds, copies and launches started from any front door (CLI, notebook, Jupyter server).

    Jobs whose process died are cleaned up first (a half-made image is removed).
    """
    jobs = state.svc().jobs
    if job_id:
        return emit(jobs.require(job_id), show.render_job, as_json)
    return emit(jobs.overview(limit), show.render_jobs, as_json)


LIFECYCLE_COMMANDS = (
    ami_create,
    ami_list,
    ami_info,
    ami_delete,
    ami_deprecate,
    ami_publish,
    ami_share,
    ami_copy,
    ami_status,
)
