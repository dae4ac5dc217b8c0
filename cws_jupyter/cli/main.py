"""The `cws` command line: each verb parses its options, calls the core service once, renders the result.

The same click commands serve the `%cws` magics (see ``run``), so a verb is written once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import render
from .ami import ami
from .analytics import analytics, regions_best
from .common import CliState, ProgressView, core_errors, emit, json_option
from .instances import instance_commands
from .migrate import migrate
from .security import policy

#: `%cws` shorthands: a top-level word standing for a verb of a group (not offered by `cws`).
SHORTHANDS = {
    "resolve": ("ami", "resolve"),
    "test": ("ami", "test"),
    "costs": ("ami", "costs"),
    "validate": ("templates", "validate"),
    "browse": ("ami", "browse"),
    "rate": ("ami", "rate"),
    "submit": ("ami", "submit"),
    "lock": ("ami", "lock"),
    "pin": ("ami", "pin"),
    "report": ("analytics", "report"),
    "recommend": ("ami", "recommend"),
    "outdated": ("ami", "outdated"),
    "rebuild": ("ami", "rebuild"),
    "scan": ("ami", "scan"),
}


class VerbGroup(click.Group):
    """The top-level group; run in-process with shorthands on, ``resolve`` means ``ami resolve``."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A registered command, else (for ``run``) the verb a shorthand stands for."""
        command = super().get_command(ctx, cmd_name)
        state = ctx.find_object(CliState)
        if command is None and cmd_name in SHORTHANDS and state is not None and state.shorthands:
            group_name, verb = SHORTHANDS[cmd_name]
            group = super().get_command(ctx, group_name)
            if isinstance(group, click.Group):
                return group.get_command(ctx, verb)
        return command

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """In a notebook, list the shorthands and the panels after the commands."""
        state = ctx.find_object(CliState)
        if state is not None and state.shorthands:
            rows = [(short, f"= {' '.join(full)}") for short, full in SHORTHANDS.items()]
            from ..magics.panels import PANELS

            rows.append((f"panel {'|'.join(PANELS)}", "show a panel (ipywidgets)"))
            with formatter.section("Shorthands"):
                formatter.write_dl(rows)
        super().format_epilog(ctx, formatter)


@click.group(cls=VerbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--sandbox",
    is_flag=True,
    default=None,
    help="Use the simulated AWS account (a local moto server). Same as CWS_SANDBOX=1.",
)
@click.option(
    "--profile", default=None, help="AWS profile (default: AWS_PROFILE / the standard chain)."
)
@click.version_option(package_name="cws-jupyter", prog_name="cws")
@click.pass_context
def cli(ctx: click.Context, sandbox: bool | None, profile: str | None) -> None:
    """cws: find, test and compare AMIs for research workstation templates."""
    state = ctx.ensure_object(CliState)
    if sandbox:
        state.overrides["sandbox"] = True
    if profile:
        state.overrides["profile"] = profile


# -- templates -------------------------------------------------------------------------------
@cli.group()
def templates() -> None:
    """List, show and validate workstation templates."""


@templates.command("list")
@click.option("--category", default=None, help="Only templates of this category.")
@json_option
@click.pass_obj
@core_errors
def templates_list(state: CliState, category: str | None, as_json: bool) -> Any:
    """List the templates on the search path."""
    return emit(state.svc().list_templates(category), render.render_templates, as_json)


@templates.command("show")
@click.argument("template")
@json_option
@click.pass_obj
@core_errors
def templates_show(state: CliState, template: str, as_json: bool) -> Any:
    """Show one template (by slug or display name), inheritance applied."""
    return emit(state.svc().get_template(template), render.render_template, as_json)


@templates.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
@core_errors
def templates_validate(state: CliState, paths: tuple[Path, ...], as_json: bool) -> Any:
    """Validate template files: exit 0 when all load (warnings are fine), 2 when any has errors."""
    checks = emit(state.svc().validate_templates(list(paths)), render.render_checks, as_json)
    if state.render and not all(c.ok for c in checks):
        raise click.exceptions.Exit(2)
    return checks


@templates.command("schema")
@click.pass_obj
def templates_schema(state: CliState) -> Any:
    """Print the JSON Schema of the template format (for editors)."""
    from ..core.service import CwsService

    schema = CwsService.template_schema()
    if state.render:
        click.echo(json.dumps(schema, indent=2))
    return schema


# -- prices ----------------------------------------------------------------------------------
@cli.group()
def prices() -> None:
    """The on-demand price table used for cost comparisons."""


@prices.command("refresh")
@click.option(
    "--region", "regions", multiple=True, help="Region to refresh (repeatable; default: yours)."
)
@click.option(
    "--all-regions", is_flag=True, help="Every commercial region (about 1,400 Pricing API calls)."
)
@json_option
@click.pass_obj
@core_errors
def prices_refresh(
    state: CliState, regions: tuple[str, ...], all_regions: bool, as_json: bool
) -> Any:
    """Fetch current prices from the AWS Pricing API (real AWS only; the sandbox has none)."""
    return emit(
        state.svc().refresh_prices(list(regions) or None, all_regions),
        render.render_refresh,
        as_json,
    )


# -- regions ---------------------------------------------------------------------------------
@cli.group()
def regions() -> None:
    """The region fallback map."""


@regions.command("fallbacks")
@json_option
@click.pass_obj
@core_errors
def regions_fallbacks(state: CliState, as_json: bool) -> Any:
    """Each region's fallback neighbours, nearest first."""
    return emit(state.svc().region_fallbacks(), render.render_fallbacks, as_json)


# -- sandbox ---------------------------------------------------------------------------------
@cli.group()
def sandbox() -> None:
    """The simulated AWS account (a local moto server shared by all your processes)."""


@sandbox.command("start")
@json_option
@click.pass_obj
@core_errors
def sandbox_start(state: CliState, as_json: bool) -> Any:
    """Start the sandbox (or show the running one)."""
    return emit(state.svc().sandbox_start(), render.render_sandbox, as_json)


@sandbox.command("status")
@json_option
@click.pass_obj
@core_errors
def sandbox_status(state: CliState, as_json: bool) -> Any:
    """Is the sandbox running, and where?"""
    return emit(state.svc().sandbox_status(), render.render_sandbox, as_json)


@sandbox.command("stop")
@click.pass_obj
@core_errors
def sandbox_stop(state: CliState) -> Any:
    """Stop the sandbox."""
    stopped = state.svc().sandbox_stop()
    if state.render:
        click.echo("sandbox stopped" if stopped else "sandbox was not running")
    return stopped


@sandbox.command("reset")
@json_option
@click.pass_obj
@core_errors
def sandbox_reset(state: CliState, as_json: bool) -> Any:
    """Wipe everything you created in the sandbox and re-seed its world."""
    return emit(state.svc().sandbox_reset(), render.render_sandbox, as_json)


cli.add_command(ami)
cli.add_command(analytics)
regions.add_command(regions_best)
cli.add_command(migrate)
cli.add_command(policy)
for _command in instance_commands:
    cli.add_command(_command)


def run(
    args: list[str],
    service: Any = None,
    *,
    render_output: bool = False,
    make_service: Callable[[dict[str, Any]], Any] | None = None,
    progress_view: ProgressView | None = None,
) -> Any:
    """Run a verb in-process (the `%cws` magics): returns the result object; click errors propagate.

    The group's options (``--sandbox``, ``--profile``) reach the service: ``make_service``
    builds it from them, or, given only ``service``, a copy of it with those settings changed.
    ``progress_view`` shows long operations' progress (a notebook passes a widget bar).
    """
    if make_service is None and service is not None:
        make_service = _overriding(service)
    state = CliState(
        render=render_output,
        make_service=make_service,
        shorthands=True,
        progress_view=progress_view,
    )
    return cli.main(args=args, prog_name="%cws", obj=state, standalone_mode=False)


def _overriding(service: Any) -> Callable[[dict[str, Any]], Any]:
    """``service`` itself, or (when the group's options change a setting) a service with them."""

    def make(overrides: dict[str, Any]) -> Any:
        if all(getattr(service.settings, key) == value for key, value in overrides.items()):
            return service
        return type(service)(service.settings.model_copy(update=overrides))

    return make


def main() -> None:
    """Console-script entry point: the command, then the process ends without the
    interpreter's object-by-object teardown (see ``ending``)."""
    from .ending import end

    try:
        cli(obj=CliState())
    except SystemExit as exc:
        end(exc.code)
    end(0)


if __name__ == "__main__":
    main()
