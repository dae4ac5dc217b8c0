"""Terminal rendering of workstations: launch plans and results, the list, actions."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STATE_STYLE = {
    "running": "green",
    "pending": "cyan",
    "launching": "cyan",
    "stopping": "yellow",
    "stopped": "yellow",
    "shutting-down": "red",
    "terminated": "dim",
}


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def _state(state: str) -> str:
    style = STATE_STYLE.get(state, "")
    return f"[{style}]{_e(state)}[/{style}]" if style else _e(state)


def _price(value: float | None) -> str:
    return "price unknown" if value is None else f"${value:.4f}/h"


def render_plan(console: Console, plan: Any) -> None:
    """What a launch would do (a dry run): image, type, cost, network, AWS's verdicts."""
    head = "dry run: " if plan.dry_run else ""
    console.print(
        f"{head}[bold]{_e(plan.name)}[/bold] from [bold]{_e(plan.template)}[/bold] in "
        f"{_e(plan.region)}"
    )
    image = plan.ami_id or "a base image"
    source = f" (copied in from {_e(plan.source_region)} first)" if plan.copy_required else ""
    console.print(f"  image: {_e(image)}{source} via {_e(plan.resolution_method)}")
    console.print(
        f"  instance: {_e(plan.instance_type)} ({_e(plan.architecture)}) at {_price(plan.hourly_price)}"
        f"   root: {plan.root_volume_gb} GB gp3, encrypted   metadata: IMDSv2 only"
    )
    console.print(
        f"  ready in: ~{plan.estimated_launch_time} s   first boot: {_e(plan.provisioning)}"
        f"   saves per launch: ${plan.cost_savings:.4f}"
    )
    ports = ", ".join(map(str, plan.open_ports)) or "none"
    console.print(f"  open ports: {_e(ports)} to {_e(', '.join(plan.cidrs) or 'nobody')}")
    if plan.cost_comparison is not None:
        console.print(f"  {_e(plan.cost_comparison.recommendation)}")
    for check in plan.checks:
        style = "green" if check.endswith("would succeed") else "yellow"
        console.print(f"  [{style}]{_e(check)}[/{style}]")
    for warning in plan.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")


def render_launch(console: Console, result: Any) -> None:
    """A launched workstation."""
    record = result.instance
    console.print(
        f"[bold]{_e(record.name)}[/bold] is {_state(record.state)}: {_e(record.id)} in "
        f"{_e(record.region)} ({_e(record.instance_type)}, {_price(record.hourly_price)})"
    )
    console.print(
        f"  image: {_e(record.ami_used)} via {_e(record.resolution_method)}   "
        f"launched in {record.launch_time_seconds or 0:.1f} s   saved ${record.cost_savings:.4f}"
    )
    console.print(
        f"  addresses: public {_e(record.public_ip or '-')}, private {_e(record.private_ip or '-')}"
        f"   security group: {_e(record.security_group_id)}"
    )
    for note in result.notes:
        console.print(f"  {_e(note)}")
    for warning in result.plan.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")


def render_instances(console: Console, listing: Any) -> None:
    """The workstations."""
    table = Table(title=f"{len(listing.instances)} workstation(s)", title_justify="left")
    for column in (
        "name",
        "state",
        "template",
        "region",
        "instance",
        "type",
        "image",
        "method",
        "public ip",
    ):
        table.add_column(column, overflow="fold")
    for r in listing.instances:
        table.add_row(
            _e(r.name),
            _state(r.state),
            _e(r.template),
            _e(r.region),
            _e(r.id or ""),
            _e(r.instance_type),
            _e(r.ami_used or ""),
            _e(r.resolution_method),
            _e(r.public_ip or ""),
        )
    console.print(table)
    for note in listing.notes:
        console.print(f"[yellow]note:[/yellow] {_e(note)}")


def render_action(console: Console, result: Any) -> None:
    """A workstation after stop, start or terminate."""
    record = result.instance
    console.print(f"[bold]{_e(record.name)}[/bold] ({_e(record.id)}) is {_state(record.state)}")
    for note in result.notes:
        console.print(f"  {_e(note)}")
