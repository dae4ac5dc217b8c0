"""Human-readable rendering of core results for a terminal (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

PROVISIONING = {
    "none": "the AMI holds the software; nothing to install",
    "ami_plus_script": "a base OS image; the template is installed on it by script (user data)",
    "script": "script provisioning (user data) on the region's default base image",
}
OUTCOME_STYLE = {
    "hit": "green",
    "miss": "yellow",
    "skipped": "dim",
    "refused": "red",
    "error": "red",
}


def _money(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"${value:.{digits}f}"


def _duration(seconds: int) -> str:
    return f"{seconds}s" if seconds < 120 else f"{seconds / 60:.1f} min"


def render_resolution(console: Console, res: Any) -> None:
    """A resolution: the answer, the chain of tiers tried, warnings, the cost comparison."""
    head = res.ami_id or "no AMI: script provisioning"
    console.print(
        f"[bold]{res.template}[/bold] in [bold]{res.region}[/bold] -> [bold cyan]{head}[/bold cyan]"
    )
    console.print(
        f"  method: {res.resolution_method.value}   strategy: {res.strategy}   arch: {res.architecture}"
    )
    if res.ami:
        console.print(
            f"  image:  {res.ami.name} (owner {res.ami.owner_id}, created {res.ami.creation_date[:10]})"
        )
    if res.copy_required:
        console.print(
            f"  source: {res.source_region} (copy to {res.region} needed, "
            f"~{_duration(res.cost_comparison.copy_seconds)})"
        )
    price = "price unknown" if res.estimated_cost is None else f"{_money(res.estimated_cost)}/h"
    console.print(
        f"  instance: {res.instance_type} at {price}   "
        f"ready in: ~{_duration(res.estimated_launch_time)}   AWS calls: {res.aws_calls}"
    )
    console.print(f"  first boot: {PROVISIONING[res.provisioning.value]}")
    table = Table(title="fallback chain", show_lines=False, title_justify="left")
    for col in ("tier", "region", "outcome", "reason", "ms"):
        table.add_column(col, overflow="fold")
    for step in res.fallback_chain:
        style = OUTCOME_STYLE.get(step.outcome.value, "")
        table.add_row(
            step.tier.value,
            step.region,
            f"[{style}]{step.outcome.value}[/{style}]",
            step.reason,
            f"{step.duration_ms:.0f}",
        )
    console.print(table)
    for warning in res.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if res.cost_comparison:
        render_costs(console, res.cost_comparison)


def render_costs(console: Console, c: Any) -> None:
    """AMI versus script provisioning, side by side."""
    console.print(
        f"[bold]A template AMI vs script provisioning[/bold] "
        f"({c.instance_type} in {c.region}, prices of {c.price_as_of})"
    )
    table = Table(title_justify="left")
    table.add_column("")
    table.add_column("prebuilt AMI")
    table.add_column("script provisioning")
    table.add_row(
        "time to ready", _duration(c.ami_launch_seconds), _duration(c.script_launch_seconds)
    )
    table.add_row("setup cost per launch", "$0", _money(c.script_setup_cost))
    table.add_row(
        "snapshot storage",
        f"{_money(c.snapshot_storage_per_month, 2)}/month ({c.snapshot_gb} GB)",
        "-",
    )
    if c.cross_region_transfer:
        table.add_row(
            "cross-region copy",
            f"{_money(c.cross_region_transfer, 2)} once, ~{_duration(c.copy_seconds)}",
            "-",
        )
    console.print(table)
    console.print(c.recommendation, markup=False)
    if getattr(c, "stored_images", None) is not None:
        from .render_images import render_stored

        render_stored(console, c.stored_images)
    for note in getattr(c, "notes", []):
        console.print(f"[yellow]note:[/yellow] {escape(note)}")


def render_templates(console: Console, listing: Any) -> None:
    """The template catalogue."""
    table = Table(title="templates", title_justify="left")
    for col in ("slug", "name", "category", "strategy", "description"):
        table.add_column(col, overflow="fold")
    for t in listing.templates:
        table.add_row(t.slug, t.name, t.category or "", t.strategy or "script", t.description)
    console.print(table)
    for error in listing.errors:
        console.print(f"[red]error:[/red] {escape(error)}")


def render_template(console: Console, loaded: Any) -> None:
    """One template, as YAML-ish text."""
    import yaml

    data = loaded.template.model_dump(mode="json", exclude_defaults=True)
    console.print(f"[dim]# {loaded.path}[/dim]")
    console.print(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), markup=False, highlight=False
    )
    for warning in loaded.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def render_checks(console: Console, checks: list[Any]) -> None:
    """Validation results, one block per file."""
    for check in checks:
        mark = "[green]ok[/green]" if check.ok else "[red]error[/red]"
        console.print(f"{mark}  {check.path}" + (f"  ({check.slug})" if check.slug else ""))
        for error in check.errors:
            console.print(f"    [red]{error}[/red]", markup=True, highlight=False)
        for warning in check.warnings:
            console.print(f"    [yellow]warning:[/yellow] {warning}", highlight=False)


def render_matrix(console: Console, matrix: Any) -> None:
    """The availability matrix."""
    table = Table(
        title=f"{matrix.template}: available in {matrix.available_in}/{matrix.checked} regions "
        f"({matrix.duration_ms:.0f} ms, {matrix.aws_calls} AWS calls)",
        title_justify="left",
    )
    for col in ("region", "available", "method", "ami", "reason"):
        table.add_column(col, overflow="fold")
    for row in matrix.regions:
        yes = "[green]yes[/green]" if row.available else "[yellow]no[/yellow]"
        table.add_row(row.region, yes, row.resolution_method or "", row.ami_id or "", row.reason)
    console.print(table)


def render_fallbacks(console: Console, rows: list[Any]) -> None:
    """The region fallback map."""
    table = Table(
        title="region fallbacks (searched in parallel, nearest first)", title_justify="left"
    )
    for col in ("region", "name", "fallbacks"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(row.region, row.display_name, ", ".join(row.fallbacks))
    console.print(table)


def render_sandbox(console: Console, info: Any) -> None:
    """Sandbox status."""
    if info is None:
        console.print("sandbox: not running (start it with `cws sandbox start`, or use --sandbox)")
        return
    console.print(
        f"sandbox: running at {info.endpoint_url} (pid {info.pid}, since {info.started_at})"
    )
    console.print(f"  account {info.account_id}; world: {info.world}")


def render_refresh(console: Console, report: Any) -> None:
    """What a price refresh fetched."""
    console.print(f"refreshed {report.updated} prices (as of {report.as_of}) into {report.path}")
    if report.missing:
        shown = ", ".join(f"{m.instance_type}@{m.region}" for m in report.missing[:10])
        more = f" and {len(report.missing) - 10} more" if len(report.missing) > 10 else ""
        console.print(f"[yellow]no price found for:[/yellow] {shown}{more}")
