"""Terminal rendering of the AMI lifecycle's results (every value from AWS or a user escaped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STATUS_STYLE = {
    "copied": "green",
    "skipped": "dim",
    "failed": "red",
    "succeeded": "green",
    "running": "cyan",
    "interrupted": "yellow",
    "abandoned": "yellow",
}


def _e(value: Any) -> str:
    """Any value as escaped markup text ('' for None)."""
    return "" if value is None else escape(str(value))


def _styled(value: str) -> str:
    style = STATUS_STYLE.get(value, "")
    return f"[{style}]{_e(value)}[/{style}]" if style else _e(value)


def _money(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"${value:.{digits}f}"


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=_e(title), title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def render_build(console: Console, build: Any) -> None:
    """A finished (or started) build."""
    console.print(
        f"[bold]{_e(build.ami_id)}[/bold] built for [bold]{_e(build.template)}[/bold] in "
        f"{_e(build.region)}: {_styled(build.creation_status)}"
    )
    console.print(
        f"  name: {_e(build.name)}   from: {_e(build.source_instance)} ({_e(build.source_ami)})"
    )
    console.print(
        f"  template hash: {_e(build.template_hash)}   snapshots: "
        f"{_e(', '.join(build.snapshot_ids) or '-')}   job: {_e(build.job_id)}"
    )
    if build.seconds is not None:
        console.print(f"  took {build.seconds:.1f} s")
    for warning in build.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")
    for row in build.copies:
        console.print(
            f"  copy to {_e(row.region)}: {_styled(row.status)} {_e(row.ami_id or '')} {_e(row.message)}"
        )
    if build.creation_status == "available":
        console.print(
            f"  `cws ami resolve {_e(build.template)} --region {_e(build.region)}` finds it as "
            "an own build (after any direct mapping of the template)"
        )


def render_image_list(console: Console, listing: Any) -> None:
    """Builds and copies, one row each."""
    where = (
        ", ".join(listing.regions)
        if len(listing.regions) <= 4
        else f"{len(listing.regions)} regions"
    )
    table = _table(
        f"{len(listing.images)} image(s) built by cws in {where}",
        ["ami", "region", "template", "current", "state", "created", "owner", "copy of", "GB"],
    )
    for image in listing.images:
        current = {True: "[green]yes[/green]", False: "[yellow]stale[/yellow]", None: "?"}[
            image.current
        ]
        table.add_row(
            _e(image.ami_id),
            _e(image.region),
            _e(image.template),
            current,
            _e(image.state),
            _e(image.created[:10]),
            "you" if image.owned else _e(image.owner_id),
            _e(image.source_ami or ""),
            str(image.snapshot_gb),
        )
    console.print(table)
    for note in listing.notes:
        console.print(f"[yellow]note:[/yellow] {_e(note)}")


def render_image_info(console: Console, info: Any) -> None:
    """Everything about one image."""
    console.print(f"[bold]{_e(info.ami_id)}[/bold] in {_e(info.region)}: {_e(info.name)}")
    owner = "you" if info.owned else info.owner_id
    rows = [
        ("owner", f"{owner} ({info.owner_id})" if info.owned else owner),
        ("state", info.state),
        (
            "created",
            f"{info.created} ({info.age_days} days ago)"
            if info.age_days is not None
            else info.created,
        ),
        ("architecture", info.architecture),
        ("template", f"{info.template} ({info.template_hash})" if info.template else "-"),
        ("public", {True: "yes", False: "no", None: "?"}[info.public]),
        ("deprecation", info.deprecation_time or "none"),
        ("shared with", ", ".join(info.shares) or "nobody"),
        (
            "snapshots",
            ", ".join(f"{s.snapshot_id} ({s.size_gb} GB)" for s in info.snapshots) or "-",
        ),
        ("regions holding it", ", ".join(info.regions_holding)),
        (
            "storage",
            f"{_money(info.monthly_storage_usd)}/month ({info.snapshot_gb} GB x {len(info.regions_holding)} region(s))",
        ),
    ]
    for label, value in rows:
        console.print(f"  [dim]{label:>18}[/dim]  {_e(value)}")
    if info.tags:
        console.print(
            "  [dim]              tags[/dim]  "
            + _e(", ".join(f"{k}={v}" for k, v in sorted(info.tags.items())))
        )
    for copy in info.copies:
        console.print(
            f"  [dim]              copy[/dim]  {_e(copy.ami_id)} in {_e(copy.region)} ({_e(copy.state)})"
        )
    if info.community is not None:
        c = info.community
        stars = (
            f"{c.rating:.1f}/5 ({c.rating_count} ratings)" if c.rating is not None else "not rated"
        )
        console.print(
            f"  [dim]         community[/dim]  {_e(c.registry_id)} '{_e(c.name)}' by {_e(c.creator)}: "
            f"{_e(stars)}, {c.download_count} launches, "
            f"{'verified' if c.verified else 'not verified'}"
        )
    for note in info.notes:
        console.print(f"[yellow]note:[/yellow] {_e(note)}")


def render_delete(console: Console, result: Any) -> None:
    """What a delete removed (and kept)."""
    console.print(
        f"{_e(result.ami_id)} deregistered in {_e(result.region)}; "
        f"{len(result.snapshots_deleted)} snapshot(s) deleted"
    )
    for snapshot, why in result.snapshots_kept.items():
        console.print(f"[yellow]kept[/yellow] {_e(snapshot)}: {_e(why)}")


def render_deprecate(console: Console, result: Any) -> None:
    """When the image is deprecated."""
    console.print(
        f"{_e(result.ami_id)} in {_e(result.region)} is deprecated from {_e(result.deprecate_at)}"
    )


def render_publish(console: Console, result: Any) -> None:
    """The SSM parameter written."""
    console.print(
        f"{_e(result.parameter)} (version {result.version}) in {_e(result.region)} -> "
        f"{_e(result.ami_id)}"
    )
    if result.hint:
        console.print(f"  {_e(result.hint)}")


def render_share(console: Console, result: Any) -> None:
    """Who may launch the image now."""
    verb = "no longer shared with" if result.removed else "shared with"
    who = result.removed or result.added
    console.print(f"{_e(result.ami_id)} in {_e(result.region)} {verb} {_e(', '.join(who))}")
    if result.snapshots_shared:
        console.print(
            f"  snapshots readable by those accounts: {_e(', '.join(result.snapshots_shared))}"
        )
    console.print(f"  shared with now: {_e(', '.join(result.shares) or 'nobody')}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {_e(warning)}")


def render_copy(console: Console, result: Any) -> None:
    """One row per target region."""
    table = _table(
        f"{result.source_ami} from {result.source_region}: {result.copied} copied, "
        f"{result.skipped} skipped, {result.failed} failed ({result.seconds:.1f} s)",
        ["region", "status", "ami", "message"],
    )
    for row in result.rows:
        table.add_row(_e(row.region), _styled(row.status), _e(row.ami_id or ""), _e(row.message))
    console.print(table)


def _when(stamp: float | None) -> str:
    if not stamp:
        return ""
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def render_jobs(console: Console, listing: Any) -> None:
    """Recent jobs, newest first."""
    table = _table(
        f"{len(listing.jobs)} recent job(s)",
        ["job", "kind", "status", "progress", "started (UTC)", "about"],
    )
    for job in listing.jobs:
        about = ", ".join(
            f"{k}={v}"
            for k, v in job.params.items()
            if v and k in ("template", "name", "ami_id", "region", "regions")
        )
        done = f"{job.progress.done}/{job.progress.total}" if job.progress.total else ""
        table.add_row(
            _e(job.job_id),
            _e(job.kind),
            _styled(job.status.value),
            done,
            _when(job.created),
            _e(about),
        )
    console.print(table)
    for note in listing.recovered:
        console.print(f"[yellow]cleaned up:[/yellow] {_e(note)}")


def render_job(console: Console, job: Any) -> None:
    """One job: status, progress, what it made, its outcome."""
    console.print(f"[bold]{_e(job.kind)}[/bold] job {_e(job.job_id)}: {_styled(job.status.value)}")
    console.print(
        f"  started {_when(job.created)} UTC"
        + (f", ended {_when(job.finished)} UTC" if job.finished else "")
    )
    if job.progress.total:
        console.print(
            f"  progress: {job.progress.done}/{job.progress.total} {_e(job.progress.message)}"
        )
    if job.params:
        console.print("  asked: " + _e(", ".join(f"{k}={v}" for k, v in job.params.items())))
    if job.resources:
        console.print("  made: " + _e(", ".join(f"{k}={v}" for k, v in job.resources.items())))
    if job.error:
        console.print(f"  [red]error:[/red] {_e(job.error.get('message'))}")
    elif isinstance(job.result, dict):
        head = {
            k: v
            for k, v in job.result.items()
            if isinstance(v, (str, int, float)) and k != "job_id"
        }
        console.print("  result: " + _e(", ".join(f"{k}={v}" for k, v in list(head.items())[:8])))


def render_stored(console: Console, stored: Any) -> None:
    """A template's stored images and their monthly cost (part of `ami costs`)."""
    if stored is None:
        return
    table = _table(
        f"stored images of {stored.template}: {len(stored.images)} in {len(stored.regions)} "
        f"region(s), {stored.total_gb} GB, {_money(stored.monthly_usd)}/month",
        ["ami", "region", "GB", "per month", "copied from", "copy cost"],
    )
    for row in stored.images:
        table.add_row(
            _e(row.ami_id),
            _e(row.region),
            str(row.snapshot_gb),
            _money(row.monthly_usd),
            _e(row.source_region or ""),
            _money(row.transfer_usd) if row.source_region else "",
        )
    if stored.images:
        console.print(table)
    console.print(_e(stored.recommendation))
    for note in stored.notes:
        console.print(f"[yellow]note:[/yellow] {_e(note)}")
