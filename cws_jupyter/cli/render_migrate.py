"""Terminal rendering of the migration tools' results (every value from a template or AWS escaped)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

VERDICT_STYLE = {
    "worth an AMI": "bold green",
    "script provisioning is fine": "dim",
    "already uses an AMI": "cyan",
    "AMI-only template": "cyan",
}


def _e(value: Any) -> str:
    """Any value as escaped markup text ('' for None)."""
    return "" if value is None else escape(str(value))


def _money(value: float | None, digits: int = 2) -> str:
    """Dollars, or n/a when unknown."""
    return "n/a" if value is None else f"${value:,.{digits}f}"


def _net(value: float | None) -> str:
    """A monthly net: green when the AMI pays for itself, red when it costs more."""
    if value is None:
        return "n/a"
    style = "green" if value > 0 else "red"
    sign = "+" if value > 0 else "-"
    return f"[{style}]{sign}${abs(value):,.2f}[/{style}]"


def _table(title: str, columns: list[str]) -> Table:
    """A table with a left-aligned, escaped title."""
    table = Table(title=_e(title), title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _verdict(value: Any) -> str:
    """The verdict in words, styled."""
    text = getattr(value, "value", value)
    style = VERDICT_STYLE.get(text, "")
    return f"[{style}]{_e(text)}[/{style}]" if style else _e(text)


def render_analysis(console: Console, report: Any) -> None:
    """One row per template: setup time, saving per launch and per month, storage, verdict."""
    table = _table(
        f"Is an AMI worth it? {len(report.rows)} template(s) in {report.region}, "
        f"{report.launches_per_month} launch(es) a month, prices of {report.price_as_of}",
        [
            "template",
            "ami_config",
            "type",
            "setup",
            "saved/launch",
            "cost/launch",
            "savings/month",
            "storage/month",
            "net/month",
            "verdict",
        ],
    )
    for row in report.rows:
        # An AMI-only template cannot be provisioned by script: there is no saving to show.
        savings = (
            ["-", "-", "-", "-", "-"]
            if row.ami_only
            else [
                f"{row.script_setup_seconds} s",
                f"{row.minutes_saved_per_launch:.1f} min",
                _money(row.setup_cost_per_launch, 4),
                _money(row.savings_per_month),
                _net(row.net_per_month),
            ]
        )
        table.add_row(
            _e(row.template),
            _e(row.strategy) if row.has_ami_config else "-",
            _e(row.instance_type),
            *savings[:4],
            _money(row.ami_storage_per_month),
            savings[4],
            _verdict(row.verdict),
        )
    console.print(table)
    worth = [
        row.template
        for row in report.rows
        if getattr(row.verdict, "value", row.verdict) == "worth an AMI"
    ]
    if worth:
        console.print("migrate with `cws migrate template <template>`: " + _e(", ".join(worth)))
    for error in report.errors:
        console.print(f"[red]not loaded:[/red] {_e(error)}")


def render_template_migration(console: Console, result: Any) -> None:
    """Where the copy went, what its ami_config says, and whether it is the one used now."""
    console.print(
        f"[bold]{_e(result.template)}[/bold]: copy {_e(result.action)} at {_e(result.path)}"
    )
    console.print(f"  from: {_e(result.original_path)}")
    config = result.ami_config
    console.print(
        f"  strategy: {_e(config.get('strategy', '-'))}   fallback: "
        f"{_e(config.get('fallback_strategy', '-'))}"
    )
    for region, ami in sorted(result.mappings.items()):
        console.print(f"  maps {_e(region)} -> {_e(ami)}")
    if result.searches_own_builds:
        console.print(
            "  no build yet: searches this account's images tagged "
            f"cws:template={_e(result.template)} (build one with `cws ami create` or "
            "`cws migrate instance`)"
        )
    if result.active:
        console.print(f"  `cws ami resolve {_e(result.template)}` now uses the copy")
    else:
        console.print(f"  [yellow]not used yet:[/yellow] {_e(result.shadowed_by)} comes first")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")


def render_instance_migration(console: Console, result: Any) -> None:
    """The image built from the workstation, and the copy it is mapped in."""
    console.print(
        f"[bold]{_e(result.workstation)}[/bold] ({_e(result.instance_id)}) imaged as "
        f"[bold]{_e(result.ami_id)}[/bold] in {_e(result.region)}"
    )
    build = result.build
    console.print(f"  name: {_e(build.name)}   status: {_e(build.creation_status)}")
    if build.seconds is not None:
        console.print(f"  took {build.seconds:.1f} s")
    render_template_migration(console, result.template_copy)


def render_test_all(console: Console, matrix: Any) -> None:
    """One row per template and region: how it resolved, or why it failed."""
    table = _table(
        f"{len(matrix.templates)} template(s) x {len(matrix.regions)} region(s): "
        f"{matrix.resolved} resolved, {matrix.failed} failed ({matrix.seconds:.1f} s)",
        ["template", "region", "method", "ami", "first boot", "type", "error"],
    )
    for row in matrix.rows:
        if row.ok:
            ami = _e(row.ami_id or "-")
            if row.copy_required:
                ami += f" (copy from {_e(row.source_region)})"
            method = _e(row.method)
        else:
            ami, method = "", "[red]failed[/red]"
        table.add_row(
            _e(row.template),
            _e(row.region),
            method,
            ami,
            _e(row.provisioning or ""),
            _e(row.instance_type or ""),
            _e(row.error or ""),
        )
    console.print(table)
    for note in matrix.notes:
        console.print(f"[red]not loaded:[/red] {_e(note)}")
