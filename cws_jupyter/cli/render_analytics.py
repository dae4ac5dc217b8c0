"""Usage analytics in the terminal: rich tables (the notebook HTML: ``display.analytics``).

Every value that comes from a template, AWS or the user is escaped: ``_e`` for rich markup,
``esc``/``tag`` (``display.html``) for HTML, which also writes ``$`` as ``&#36;``; each HTML
answer sits in ``box``, an element MathJax leaves alone, so dollar amounts stay text.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..display.analytics import num as _num
from ..display.analytics import pct as _pct
from ..display.analytics import period as _period


def _e(value: Any) -> str:
    return "" if value is None else escape(str(getattr(value, "value", value)))


def _table(*headers: str) -> Table:
    table = Table(title_justify="left")
    for number, header in enumerate(headers):
        table.add_column(header, no_wrap=number == 0, justify="left" if number == 0 else "right")
    return table


# -- terminal --------------------------------------------------------------------------------
def render_report(console: Console, report: Any) -> None:
    """The usage report: resolutions by method, launches by template, savings, regions."""
    console.print(f"[bold]usage analytics[/bold] ({_e(_period(report))})")
    res = report.resolutions
    console.print(
        f"resolutions: {res.total:,} ({res.cached:,} cached, {res.pinned:,} pinned, "
        f"{res.aws_calls:,} AWS calls)"
    )
    if res.by_method:
        table = _table("method", "count", "p50", "p95", "cached")
        for method, stats in res.by_method.items():
            table.add_row(
                _e(method),
                f"{stats.count:,}",
                _num(stats.p50_ms, " ms", 1),
                _num(stats.p95_ms, " ms", 1),
                f"{stats.cached:,}",
            )
        console.print(table)
    launches = report.launches
    console.print(
        f"launches: {launches.total:,} ({_pct(launches.success_rate)} ok, median "
        f"{_num(launches.p50_seconds_to_ready, ' s')} to ready)"
    )
    if launches.by_template:
        table = _table("template", "launches", "ok", "failed", "success", "ready p50", "$/hour")
        for template, stats in launches.by_template.items():
            table.add_row(
                _e(template),
                f"{stats.total:,}",
                f"{stats.ok:,}",
                f"{stats.failed:,}",
                _pct(stats.success_rate),
                _num(stats.p50_seconds_to_ready, " s"),
                _e(_num(stats.hourly_usd, "", 4)),
            )
        console.print(table)
    saved = report.savings
    console.print(
        f"savings (estimated): {_e(f'${saved.usd:,.2f}')} and {saved.minutes:,.0f} min "
        f"over {saved.count:,} launch(es)"
    )
    if report.regions:
        table = _table("region", "resolutions", "launches", "success", "builds", "copies in/out")
        for region, stats in report.regions.items():
            table.add_row(
                _e(region),
                f"{stats.resolutions:,}",
                f"{stats.launches:,}",
                _pct(stats.launch_success_rate),
                f"{stats.builds:,}",
                f"{stats.copies_in:,}/{stats.copies_out:,}",
            )
        console.print(table)
    for label, stats in (("builds", report.builds), ("copies", report.copies)):
        if stats.total:
            console.print(
                f"{label}: {stats.total:,} ({stats.ok:,} ok, {stats.failed:,} failed, median "
                f"{_num(stats.p50_seconds, ' s')})"
            )
    for note in report.notes:
        console.print(f"[dim]note: {_e(note)}[/dim]")


def render_export(console: Console, result: Any) -> None:
    """Where an export went."""
    console.print(f"exported {result.rows:,} event(s) to {_e(result.path)} ({_e(result.format)})")


def render_recommendations(console: Console, recs: Any) -> None:
    """Candidate images, best first, each with its reasons."""
    basis = "by launch history" if recs.basis == "history" else "in the resolver's order"
    console.print(
        f"[bold]{_e(recs.template)}[/bold] in [bold]{_e(recs.region)}[/bold]: "
        f"{len(recs.candidates)} candidate(s), {basis}"
    )
    for candidate in recs.candidates:
        where = f" in {candidate.region}" if candidate.region != recs.region else ""
        console.print(
            f"{candidate.rank}. [bold cyan]{_e(candidate.ami_id)}[/bold cyan]{_e(where)}  "
            f"{_e(candidate.name)}  [dim]score {candidate.score:.2f}[/dim]"
        )
        for reason in candidate.reasons:
            console.print(f"     - {_e(reason)}", highlight=False)
    for note in recs.notes:
        console.print(f"[dim]note: {_e(note)}[/dim]")


def render_region_advice(console: Console, advice: Any) -> None:
    """Regions to launch in, best first."""
    console.print(
        f"[bold]{_e(advice.template)}[/bold] from [bold]{_e(advice.from_region)}[/bold]: "
        f"{_e(advice.instance_type)} ({_e(advice.architecture)}), image {advice.image_gb} GB"
    )
    for option in advice.options:
        image = (
            f"image {option.ami_id}"
            if option.available
            else f"copy from {option.copy_from}"
            if option.copy_from
            else "no image"
        )
        price = "price unknown" if option.hourly_usd is None else f"${option.hourly_usd:.4f}/hour"
        console.print(
            f"{option.rank}. [bold cyan]{_e(option.region)}[/bold cyan] "
            f"{_e(option.display_name)}  {_e(image)}  {_e(price)}  "
            f"[dim]score {option.score:.2f}[/dim]"
        )
        for reason in option.reasons:
            console.print(f"     - {_e(reason)}", highlight=False)
    for note in advice.notes:
        console.print(f"[dim]note: {_e(note)}[/dim]")
