"""Human-readable rendering of core results for a terminal (rich tables).

Every value that comes from a template, AWS or the user is escaped (``_e``) before it reaches
rich's markup, so ``[/x]`` or ``[link=...]`` in a template name prints as written. Columns
holding codes (regions, ids) are never broken inside a code; duration columns have a fixed
width, so a table's layout does not move with its timings.
"""

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
#: The width of a ``took`` column: up to ``99999 ms`` without moving the table.
TOOK_WIDTH = 8


def _e(value: Any) -> str:
    """Any value as escaped markup text ('' for None; an enum as its value)."""
    if value is None:
        return ""
    return escape(str(getattr(value, "value", value)))


def _money(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"${value:.{digits}f}"


def _duration(seconds: int) -> str:
    return f"{seconds}s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _styled(text: Any, style: str) -> str:
    """Escaped text in a rich style (no style: just escaped)."""
    return f"[{style}]{_e(text)}[/{style}]" if style else _e(text)


def _table(title: str | None = None) -> Table:
    """A table with an escaped, left-aligned title."""
    return Table(title=_e(title) if title else None, title_justify="left")


def code_column(table: Table, header: str) -> None:
    """A column of codes (regions, ids, types): never wrapped or folded."""
    table.add_column(header, no_wrap=True)


def text_column(table: Table, header: str) -> None:
    """A column of prose: wrapped at spaces, long words folded."""
    table.add_column(header, overflow="fold")


def render_resolution(console: Console, res: Any) -> None:
    """A resolution: the answer, the chain of tiers tried, warnings, the cost comparison."""
    head = res.ami_id or "no AMI: script provisioning"
    console.print(
        f"[bold]{_e(res.template)}[/bold] in [bold]{_e(res.region)}[/bold] -> "
        f"[bold cyan]{_e(head)}[/bold cyan]"
    )
    pinned = "   [bold]pinned[/bold] (cws.lock)" if getattr(res, "pinned", False) else ""
    console.print(
        f"  method: {_e(res.resolution_method)}   strategy: {_e(res.strategy)}   "
        f"arch: {_e(res.architecture)}{pinned}"
    )
    if res.ami:
        console.print(
            f"  image:  {_e(res.ami.name)} (owner {_e(res.ami.owner_id)}, "
            f"created {_e(res.ami.creation_date[:10])})"
        )
    if res.copy_required:
        copy = res.cost_comparison.copy_seconds if res.cost_comparison else 0
        console.print(
            f"  source: {_e(res.source_region)} (copy to {_e(res.region)} needed, "
            f"~{_duration(copy)})"
        )
    price = "price unknown" if res.estimated_cost is None else f"{_money(res.estimated_cost)}/h"
    console.print(
        f"  instance: {_e(res.instance_type)} at {price}   "
        f"ready in: ~{_duration(res.estimated_launch_time)}   AWS calls: {res.aws_calls}"
    )
    provisioning = str(getattr(res.provisioning, "value", res.provisioning))
    console.print(f"  first boot: {_e(PROVISIONING.get(provisioning, provisioning))}")
    table = _table("fallback chain")
    for header in ("tier", "region"):
        code_column(table, header)
    code_column(table, "outcome")
    text_column(table, "reason")
    table.add_column("took", justify="right", no_wrap=True, min_width=TOOK_WIDTH)
    for step in res.fallback_chain:
        outcome = _e(step.outcome)
        table.add_row(
            _e(step.tier),
            _e(step.region),
            _styled(outcome, OUTCOME_STYLE.get(outcome, "")),
            _e(step.reason),
            f"{step.duration_ms:.0f} ms",
        )
    console.print(table)
    for warning in res.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")
    if res.cost_comparison:
        render_costs(console, res.cost_comparison)


def render_costs(console: Console, c: Any) -> None:
    """AMI versus script provisioning, side by side."""
    console.print(
        f"[bold]A template AMI vs script provisioning[/bold] "
        f"({_e(c.instance_type)} in {_e(c.region)}, prices of {_e(c.price_as_of)})"
    )
    table = _table()
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
    if c.cross_region_transfer or c.copy_seconds:
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
        console.print(f"[yellow]note:[/yellow] {_e(note)}")


def render_templates(console: Console, listing: Any) -> None:
    """The template catalogue."""
    table = _table("templates")
    code_column(table, "slug")
    for col in ("name", "category", "strategy", "description"):
        text_column(table, col)
    for t in listing.templates:
        table.add_row(
            _e(t.slug),
            _e(t.name),
            _e(t.category or ""),
            _e(t.strategy or "script"),
            _e(t.description),
        )
    console.print(table)
    for error in listing.errors:
        console.print(f"[red]error:[/red] {_e(error)}")


def render_template(console: Console, loaded: Any) -> None:
    """One template, as YAML-ish text."""
    import yaml

    data = loaded.template.model_dump(mode="json", exclude_defaults=True)
    console.print(f"[dim]# {_e(loaded.path)}[/dim]")
    console.print(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), markup=False, highlight=False
    )
    for warning in loaded.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")


def render_checks(console: Console, checks: list[Any]) -> None:
    """Validation results, one block per file."""
    for check in checks:
        mark = "[green]ok[/green]" if check.ok else "[red]error[/red]"
        slug = f"  ({_e(check.slug)})" if check.slug else ""
        console.print(f"{mark}  {_e(check.path)}{slug}")
        for error in check.errors:
            console.print(f"    [red]{_e(error)}[/red]", highlight=False)
        for warning in check.warnings:
            console.print(f"    [yellow]warning:[/yellow] {_e(warning)}", highlight=False)


def render_matrix(console: Console, matrix: Any) -> None:
    """The availability matrix: the regions with the AMI first, one each, then the others folded
    by reason. Codes are joined by ", ", so lines break between codes, never inside one."""
    from ..display.matrix import regions_phrase, split_matrix

    available, groups = split_matrix(matrix.regions)
    console.print(
        f"{_e(matrix.template)}: available in {matrix.available_in}/{matrix.checked} regions "
        f"({matrix.duration_ms:.0f} ms, {matrix.aws_calls} AWS calls)"
    )
    if available:
        console.print(f"[green]available[/green] in {regions_phrase(len(available))}:")
        layout = _matrix_grid()
        for row in available:
            found = ", ".join(v for v in (row.ami_id, row.resolution_method, row.architecture) if v)
            layout.add_row(_e(row.region), f"{_e(found)}\n[dim]{_e(row.reason)}[/dim]")
        console.print(layout)
    if groups:
        missing = sum(len(regions) for _, regions in groups)
        console.print(f"[yellow]not available[/yellow] in {regions_phrase(missing)}:")
        layout = _matrix_grid()
        for reason, regions in groups:
            layout.add_row(
                regions_phrase(len(regions)),
                f"{_e(', '.join(regions))}\n[dim]why: {_e(reason)}[/dim]",
            )
        console.print(layout)


def _matrix_grid() -> Table:
    """Two columns: a region (or a count of them), then what was found there, or why not."""
    layout = Table.grid(padding=(0, 2, 0, 0), pad_edge=True)
    layout.padding = (0, 0, 0, 2)  # indented under the heading, two spaces between the columns
    layout.add_column(no_wrap=True, min_width=14)
    layout.add_column(overflow="fold")
    return layout


def render_fallbacks(console: Console, rows: list[Any]) -> None:
    """The region fallback map."""
    table = _table("region fallbacks (searched in parallel, nearest first)")
    code_column(table, "region")
    text_column(table, "name")
    text_column(table, "fallbacks")
    for row in rows:
        table.add_row(_e(row.region), _e(row.display_name), _e(", ".join(row.fallbacks)))
    console.print(table)


def render_sandbox(console: Console, info: Any) -> None:
    """Sandbox status."""
    if info is None:
        console.print("sandbox: not running (start it with `cws sandbox start`, or use --sandbox)")
        return
    console.print(
        f"sandbox: running at {_e(info.endpoint_url)} (pid {info.pid}, since {_e(info.started_at)})"
    )
    console.print(f"  account {_e(info.account_id)}; world: {_e(info.world)}")


def render_refresh(console: Console, report: Any) -> None:
    """What a price refresh fetched."""
    console.print(
        f"refreshed {report.updated} prices (as of {_e(report.as_of)}) into {_e(report.path)}"
    )
    if report.missing:
        shown = ", ".join(f"{m.instance_type}@{m.region}" for m in report.missing[:10])
        more = f" and {len(report.missing) - 10} more" if len(report.missing) > 10 else ""
        console.print(f"[yellow]no price found for:[/yellow] {_e(shown)}{more}")


def render_lock(console: Console, lock: Any) -> None:
    """The lock file's pins, one line each."""
    where = lock.source or "the lock file"
    if not lock.pins:
        console.print(f"no pins in {_e(where)}")
        return
    console.print(f"[bold]pins in {_e(where)}[/bold]")
    for template, regions in sorted(lock.pins.items()):
        for region, pin in sorted(regions.items()):
            console.print(
                f"  {_e(template)} in {_e(region)}: [bold]{_e(pin.ami_id)}[/bold] "
                f"via {_e(pin.method)}, pinned {_e(pin.pinned_at[:10])}"
            )
            console.print(f"    [dim]{_e(pin.name)} (owner {_e(pin.owner)})[/dim]")
