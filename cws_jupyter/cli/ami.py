"""`cws ami ...`: resolve, test and compare AMIs, and their lifecycle (build, list, inspect,
share, copy, delete, deprecate, publish, follow jobs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import render
from .ami_community import COMMUNITY_COMMANDS
from .ami_lifecycle import LIFECYCLE_COMMANDS
from .ami_updates import UPDATE_COMMANDS
from .analytics import ami_recommend
from .common import CliState, core_errors, emit, json_option, progress
from .security import ami_scan

if TYPE_CHECKING:
    from ..core.progress import Reporter

STRATEGIES = ["ami_preferred", "ami_required", "ami_fallback"]
ARCHITECTURES = ["x86_64", "arm64"]


def lock_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lock FILE``: the lock file of AMI pins."""
    return click.option(
        "--lock",
        "lock_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The lock file (default: CWS_LOCK_FILE, else cws.lock in the current folder).",
    )(func)


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
@click.option("--pin", is_flag=True, help="Record the answer in the lock file (cws.lock).")
@click.option(
    "--refresh", is_flag=True, help="Resolve again, ignoring the pin, and update the lock file."
)
@lock_option
@json_option
@click.pass_obj
@core_errors
def ami_resolve(
    state: CliState,
    template: str,
    region: str | None,
    strategy: str | None,
    arch: str | None,
    pin: bool,
    refresh: bool,
    lock_file: Path | None,
    as_json: bool,
) -> Any:
    """Find the best AMI for TEMPLATE in a region, and say how it was found.

    While the lock file pins TEMPLATE in the region, the answer is the pinned image.
    """
    result = state.svc().resolve(
        template,
        region=region,
        strategy=strategy,
        architecture=arch,
        pin=pin,
        refresh=refresh,
        lock_file=lock_file,
    )
    return emit(result, render.render_resolution, as_json)


@ami.command("pin")
@click.argument("template")
@click.option("--region", default=None, help="AWS region (default: the configured region).")
@click.option("--refresh", is_flag=True, help="Resolve again and replace the pin.")
@lock_option
@json_option
@click.pass_obj
@core_errors
def ami_pin(
    state: CliState,
    template: str,
    region: str | None,
    refresh: bool,
    lock_file: Path | None,
    as_json: bool,
) -> Any:
    """Pin TEMPLATE's AMI in a region in the lock file (as `ami resolve --pin`): later
    resolutions and launches answer that image until the pin is refreshed."""
    result = state.svc().resolve(
        template, region=region, pin=True, refresh=refresh, lock_file=lock_file
    )
    return emit(result, render.render_resolution, as_json)


@ami.command("lock")
@lock_option
@json_option
@click.pass_obj
@core_errors
def ami_lock(state: CliState, lock_file: Path | None, as_json: bool) -> Any:
    """Show the AMI pins of the lock file (template, region, image, how it was found, when)."""
    from ..core.pins.lockfile import LockFile

    path = lock_file or state.svc().settings.lock_file
    return emit(LockFile.read(path), render.render_lock, as_json)


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


for _command in (
    *LIFECYCLE_COMMANDS,
    *COMMUNITY_COMMANDS,
    *UPDATE_COMMANDS,
    ami_scan,
    ami_recommend,
):
    ami.add_command(_command)
