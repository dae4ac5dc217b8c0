"""`cws launch|list|stop|start|terminate`: workstations from templates, and their state."""

from __future__ import annotations

from typing import Any

import click

from . import render_instances as show
from .common import CliState, core_errors, emit, json_option, progress

STRATEGIES = ["ami_preferred", "ami_required", "ami_fallback"]


@click.command("launch")
@click.argument("template")
@click.argument("name")
@click.option("--region", default=None, help="AWS region (default: the configured region).")
@click.option("--instance-type", default=None, help="Instead of the template's choice.")
@click.option("--strategy", type=click.Choice(STRATEGIES), default=None)
@click.option(
    "--ami",
    default=None,
    help="Launch this image (in the region) instead of resolving; a community registry id "
    "(cami-...) launches its copy in the region and counts the launch.",
)
@click.option(
    "--cidr",
    "cidrs",
    multiple=True,
    metavar="CIDR",
    help="Open the template's ports to this address range (repeatable); default: none open.",
)
@click.option("--allow-any-ip", is_flag=True, help="Allow --cidr 0.0.0.0/0 (the whole internet).")
@click.option("--no-copy", is_flag=True, help="Refuse to copy an image from another region.")
@click.option("--key-name", default=None, help="EC2 key pair for SSH.")
@click.option("--dry-run", is_flag=True, help="Ask AWS (DryRun) and show the plan and its cost.")
@json_option
@click.pass_obj
@core_errors
def launch(
    state: CliState,
    template: str,
    name: str,
    region: str | None,
    instance_type: str | None,
    strategy: str | None,
    ami: str | None,
    cidrs: tuple[str, ...],
    allow_any_ip: bool,
    no_copy: bool,
    key_name: str | None,
    dry_run: bool,
    as_json: bool,
) -> Any:
    """Launch workstation NAME from TEMPLATE: resolve its AMI (copying it in from a nearby
    region when needed), or provision it by script; IMDSv2 and an encrypted root volume."""
    svc = state.svc()
    plan = svc.instances.plan(
        svc.get_template(template),
        name,
        region=region,
        instance_type=instance_type,
        strategy=strategy,
        ami=ami,
        cidrs=list(cidrs),
        allow_any_ip=allow_any_ip,
        copy=not no_copy,
        key_name=key_name,
    )
    if dry_run:
        return emit(svc.instances.dry_run(plan), show.render_plan, as_json)
    with progress(f"launching {name} ({plan.instance_type} in {plan.region})") as report:
        result = svc.instances.run(plan, progress=report)
    return emit(result, show.render_launch, as_json)


@click.command("list")
@click.option("--all", "include_terminated", is_flag=True, help="Terminated ones too.")
@json_option
@click.pass_obj
@core_errors
def list_instances(state: CliState, include_terminated: bool, as_json: bool) -> Any:
    """Your workstations (launched from any front door), their state brought up to date."""
    result = state.svc().instances.list(include_terminated)
    return emit(result, show.render_instances, as_json)


def _action(action: str, summary: str, confirm: bool = False) -> click.Command:
    """``cws stop|start|terminate NAME``: the region comes from the workstation's record."""

    @click.pass_obj
    @core_errors
    def command(state: CliState, name: str, as_json: bool, yes: bool = False) -> Any:
        instances = state.svc().instances
        with progress(f"{action} {name}") as report:
            result = instances.act(name, action, yes=yes, progress=report)
        return emit(result, show.render_action, as_json)

    command.__doc__ = summary
    command = json_option(command)
    if confirm:
        command = click.option("--yes", is_flag=True, help="Confirm: its disk is destroyed.")(
            command
        )
    command = click.argument("name")(command)
    return click.command(action)(command)


instance_commands = (
    launch,
    list_instances,
    _action("stop", "Stop workstation NAME (its disk is kept; no compute is billed)."),
    _action("start", "Start workstation NAME again."),
    _action("terminate", "Terminate workstation NAME and delete its security group.", True),
)
