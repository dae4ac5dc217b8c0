"""`cws migrate analyze|template|instance|test-all`: move templates to AMIs.

Each verb parses its options, calls the migration manager once (long ones with progress), renders.
"""

from __future__ import annotations

from typing import Any

import click

from . import render_migrate as show
from .common import CliState, core_errors, emit, json_option, progress


@click.group()
def migrate() -> None:
    """Find which templates gain from an AMI, and move them (and workstations) to one."""


@migrate.command("analyze")
@click.argument("templates", nargs=-1)
@click.option("--region", default=None, help="Region to price (default: the configured region).")
@click.option(
    "--launches",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Launches a month of each template.",
)
@json_option
@click.pass_obj
@core_errors
def migrate_analyze(
    state: CliState,
    templates: tuple[str, ...],
    region: str | None,
    launches: int,
    as_json: bool,
) -> Any:
    """Is an AMI worth it for TEMPLATES (default: every template)? No AWS calls.

    Per template: setup time estimated from its packages, what an AMI saves and costs a month
    at --launches launches, and a verdict.
    """
    result = state.svc().migration.analyze(list(templates) or None, region, launches)
    return emit(result, show.render_analysis, as_json)


@migrate.command("template")
@click.argument("template")
@click.option(
    "--force",
    is_flag=True,
    help="Replace the template's own ami_config, or a file of yours in the template folder.",
)
@json_option
@click.pass_obj
@core_errors
def migrate_template(state: CliState, template: str, force: bool, as_json: bool) -> Any:
    """Write a copy of TEMPLATE with an ami_config into your template folder.

    The ami_config maps this account's current builds of the template in each region, or,
    with none yet, searches for them (owner self, tag cws:template). The copy comes before the
    shipped template on the search path; delete it to go back.
    """
    result = state.svc().migration.template(template, force=force)
    return emit(result, show.render_template_migration, as_json)


@migrate.command("instance")
@click.argument("name")
@click.option(
    "--force", is_flag=True, help="Replace a file of yours for the template in the template folder."
)
@json_option
@click.pass_obj
@core_errors
def migrate_instance(state: CliState, name: str, force: bool, as_json: bool) -> Any:
    """Build an AMI from the workstation NAME and map it into its template's copy.

    Waits until the image is available (a failure or Ctrl-C removes the half-made image); the
    copy of the template in your template folder then launches from it in that region.
    """
    with progress(f"imaging workstation {name}") as report:
        result = state.svc().migration.instance(name, force=force, progress=report)
    return emit(result, show.render_instance_migration, as_json)


@migrate.command("test-all")
@click.option("--template", "templates", multiple=True, help="Template to resolve (repeatable).")
@click.option("--region", "regions", multiple=True, help="Region to resolve in (repeatable).")
@json_option
@click.pass_obj
@core_errors
def migrate_test_all(
    state: CliState, templates: tuple[str, ...], regions: tuple[str, ...], as_json: bool
) -> Any:
    """Resolve every template in every region (default: the configured region and its fallbacks).

    Resolutions run concurrently. Exits 1 when any of them failed (each failure is a row).
    """
    migration = state.svc().migration
    with progress("resolving templates") as report:
        result = migration.test_all(list(templates) or None, list(regions) or None, report)
    emit(result, show.render_test_all, as_json)
    if state.render and result.failed:
        raise click.exceptions.Exit(1)
    return result
