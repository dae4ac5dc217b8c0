"""`cws ami ...`: resolve, test and compare AMIs, and their lifecycle (build, list, inspect,
share, copy, delete, deprecate, publish, follow jobs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import render
from .ami_community import COMMUNITY_COMMANDS
from .ami_lifecycle import LIFECYCLE_COMMANDS
from .common import CliState, core_errors, emit, json_option, progress

if TYPE_CHECKING:
    from ..core.progress import Reporter

STRATEGIES = ["ami_preferred", "ami_required", "ami_fallback"]
ARCHITECTURES = ["x86_64", "arm64"]


@click.group()
def ami() -> None:
    """Resolve, test and compare AMIs; build, share, copy and manage them."""


@ami.command("resolve")
@click.argument("template")
@click.option(
    "--region",
    default=None,
    help="AWS region (default: the configured region: AWS_REGION, the profile's region, else us-east-1).",
)
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default=None,
    help="Override the template's strategy.",
)
@click.option(
    "--arch", type=click.Choice(ARCHITECTURES), default=None, help="Architecture to resolve for."
)
@json_option
@click.pass_obj
@core_errors
def ami_resolve(
    state: CliState,
    template: str,
    region: str | None,
    strategy: str | None,
    arch: str | None,
    as_json: bool,
) -> Any:
    """Find the best AMI for TEMPLATE in a region, and say how it was found."""
    result = state.svc().resolve(template, region=region, strategy=strategy, architecture=arch)
    return emit(result, render.render_resolution, as_json)


@ami.command("test")
@click.argument("template")
@click.option("--region", "regions", multiple=True, help="Region to check (repeatable).")
@click.option("--all-regions", is_flag=True, help="Check every commercial region.")
@click.option("--arch", type=click.Choice(ARCHITECTURES), default=None)
@json_option
@click.pass_obj
@core_errors
def ami_test(
    state: CliState,
    template: str,
    regions: tuple[str, ...],
    all_regions: bool,
    arch: str | None,
    as_json: bool,
) -> Any:
    """Availability matrix: where TEMPLATE's AMI exists (regions checked concurrently).

    Exits 1 when the AMI is available in none of the regions checked.
    """
    service = state.svc()
    with progress(f"checking {template}") as report:
        result = service.test_availability(
            template, list(regions) or None, all_regions, arch, progress=regions_checked(report)
        )
    emit(result, render.render_matrix, as_json)
    if state.render and result.available_in == 0:
        raise click.exceptions.Exit(1)
    return result


@ami.command("costs")
@click.argument("template")
@click.option("--region", default=None)
@click.option("--arch", type=click.Choice(ARCHITECTURES), default=None)
@click.option(
    "--stored/--no-stored",
    default=True,
    help="Count the template's stored images in every region (AWS lookups; default on).",
)
@json_option
@click.pass_obj
@core_errors
def ami_costs(
    state: CliState,
    template: str,
    region: str | None,
    arch: str | None,
    stored: bool,
    as_json: bool,
) -> Any:
    """AMI launch versus script provisioning: time and money; and what the template's stored
    images (builds and copies, in every region) cost a month."""
    result = state.svc().costs(template, region, arch, stored=stored)
    return emit(result, render.render_costs, as_json)


def regions_checked(report: Reporter) -> Callable[[int, int], None]:
    """The availability check's ``progress(done, total)`` as ``Progress`` events."""
    from ..core.progress import Progress

    def tell(done: int, total: int) -> None:
        report(
            Progress(
                step="check", message=f"{done} of {total} regions checked", done=done, total=total
            )
        )

    return tell


for _command in (*LIFECYCLE_COMMANDS, *COMMUNITY_COMMANDS):
    ami.add_command(_command)
