"""`cws ami outdated|rebuild`: keep a template's images current with its base image.

Each verb parses its options, calls the image manager once (the rebuild with progress), renders.
"""

from __future__ import annotations

from typing import Any

import click

from . import render_updates as show
from .common import CliState, core_errors, emit, json_option, progress


@click.command("outdated")
@click.argument("templates", nargs=-1)
@click.option("--region", default=None, help="Region to check (default: the configured region).")
@click.option("--all-regions", is_flag=True, help="Check every commercial region.")
@json_option
@click.pass_obj
@core_errors
def ami_outdated(
    state: CliState,
    templates: tuple[str, ...],
    region: str | None,
    all_regions: bool,
    as_json: bool,
) -> Any:
    """Which builds, copies and direct mappings of TEMPLATES (default: every template that has
    any) came from an older base image than the template's now (its SSM parameter, its search,
    or its distribution's image), or from an earlier version of the template.

    Each image is current, outdated, template_changed or unknown, with the reason.
    """
    if region and all_regions:
        raise click.UsageError("give --region or --all-regions, not both")
    result = state.svc().images.outdated(list(templates) or None, region, all_regions=all_regions)
    return emit(result, show.render_outdated, as_json)


@click.command("rebuild")
@click.argument("template")
@click.option("--region", default=None, help="Region to build in (default: the configured one).")
@click.option(
    "--grace-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Days from the new build until the earlier ones are deprecated (default: 14).",
)
@click.option(
    "--instance-type", default=None, help="The builder's instance type (default: the template's)."
)
@click.option(
    "--yes", is_flag=True, help="Confirm: launch a builder, image it, deprecate the earlier builds."
)
@json_option
@click.pass_obj
@core_errors
def ami_rebuild(
    state: CliState,
    template: str,
    region: str | None,
    grace_days: int | None,
    instance_type: str | None,
    yes: bool,
    as_json: bool,
) -> Any:
    """Build TEMPLATE afresh from its current base image: a builder instance is provisioned by
    script, imaged and terminated; then the template's earlier builds in the region are
    deprecated after the grace period (never deleted).

    Without --yes, says what it would do and stops (exit 2). A failure or Ctrl-C removes the
    builder and any half-made image, and leaves the earlier builds as they were.
    """
    from ..core.images.rebuild import confirm

    images = state.svc().images
    options: dict[str, Any] = {"instance_type": instance_type}
    if grace_days is not None:
        options["grace_days"] = grace_days
    plan = images.plan_rebuild(template, region, **options)
    confirm(plan, yes)
    job = images.start_rebuild(plan)
    with progress(f"rebuilding {plan.template} in {plan.region}") as report:
        result = images.run_rebuild(plan, job, report)
    return emit(result, show.render_rebuild, as_json)


UPDATE_COMMANDS = (ami_outdated, ami_rebuild)
