"""Terminal rendering of the updater's answers (every value from AWS or a template escaped)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

STATUS_STYLE = {
    "current": "green",
    "outdated": "yellow",
    "template_changed": "yellow",
    "unknown": "dim",
    "deprecated": "green",
    "kept": "yellow",
}


def _e(value: Any) -> str:
    """Any value as escaped markup text ('' for None)."""
    return "" if value is None else escape(str(value))


def _styled(value: str, width: int = 0) -> str:
    style = STATUS_STYLE.get(value, "")
    text = _e(value.replace("_", " ")).ljust(width)
    return f"[{style}]{text}[/{style}]" if style else text


def render_outdated(console: Console, report: Any) -> None:
    """Each image on two lines: status, template, region, image; then why."""
    where = (
        ", ".join(report.regions) if len(report.regions) <= 4 else f"{len(report.regions)} regions"
    )
    if not report.images:
        console.print(f"no builds, copies or direct mappings to check in {_e(where)}")
    else:
        counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in report.counts.items())
        console.print(
            f"[bold]{len(report.images)} image(s)[/bold] of {len(report.templates)} template(s) "
            f"in {_e(where)}: {_e(counts)}"
        )
    for image in report.images:
        console.print(
            f"{_styled(image.status, 16)} [bold]{_e(image.template)}[/bold]  {_e(image.region)}  "
            f"{_e(image.ami_id)} ({_e(image.kind)})"
        )
        console.print(f"  {_e(image.reason)}")
        if image.deprecation_time:
            console.print(f"  [dim]deprecated from {_e(image.deprecation_time)}[/dim]")
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {_e(note)}")


def render_rebuild(console: Console, result: Any) -> None:
    """The new image, its base, the builder, and what happened to the earlier builds."""
    build = result.build
    console.print(
        f"rebuilt [bold]{_e(result.template)}[/bold] in {_e(result.region)}: "
        f"[bold]{_e(result.ami_id)}[/bold] ({_e(build.creation_status)}, {_e(build.name)})"
    )
    base = result.base
    console.print(
        f"  from base {_e(base.ami_id)} {_e(base.name)} (created {_e(base.created[:10])}), "
        f"{_e(base.source)}"
    )
    console.print(
        f"  builder {_e(result.builder_instance)}   took {result.seconds:.1f} s   job: "
        f"{_e(result.job_id)}"
    )
    if not result.deprecated:
        console.print("  no earlier build to deprecate")
    for row in result.deprecated:
        console.print(f"  {_styled(row.status, 10)} {_e(row.ami_id)}: {_e(row.message)}")
    for warning in build.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")
    for note in result.notes:
        console.print(f"[dim]note:[/dim] {_e(note)}")
    console.print(
        f"  `cws ami resolve {_e(result.template)} --region {_e(result.region)}` finds it as "
        "an own build (after any direct mapping of the template)"
    )
