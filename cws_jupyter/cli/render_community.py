"""Terminal rendering of the community registry's answers (every value from a user escaped)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def stars(rating: float | None, count: int) -> str:
    """'4.6/5 (40)' or 'not rated'."""
    return "not rated" if rating is None else f"{rating:.1f}/5 ({count})"


def render_browse(console: Console, page: Any) -> None:
    """One page of community images: two lines each (fits any terminal width)."""
    if not page.items:
        console.print("no community images match")
        return
    console.print(f"[bold]community images[/bold] ({page.total_label}; page {page.page})")
    for item in page.items:
        check = "[green]verified[/green]" if item.verified else "[yellow]not verified[/yellow]"
        console.print(f"[bold]{_e(item.ami_id)}[/bold]  {_e(item.name)}")
        launches = f"{item.download_count} launch{'es' if item.download_count != 1 else ''}"
        console.print(
            f"  {_e(item.template)} | by {_e(item.creator)} | "
            f"{_e(stars(item.rating, item.rating_count))} | {launches} | {check}"
        )
        console.print(f"  [dim]in[/dim] {_e(', '.join(item.regions))}")
    shown = (page.page - 1) * page.per_page + len(page.items)
    if shown < page.total:
        console.print(f"[dim]more: --page {page.page + 1}[/dim]")


def render_details(console: Console, record: Any) -> None:
    """One community image with its reviews."""
    console.print(
        f"[bold]{_e(record.ami_id)}[/bold] {_e(record.name)} "
        f"([bold]{_e(record.template)}[/bold], by {_e(record.creator)})"
    )
    rows = [
        ("version", record.version or "-"),
        ("category", record.category or "-"),
        ("rating", stars(record.rating, record.rating_count)),
        ("launches", record.download_count),
        ("verified", ("yes" if record.verified else "no") + _why(record.verification)),
        ("images", ", ".join(f"{r}: {i}" for r, i in sorted(record.images.items()))),
        ("updated", f"{record.last_updated:%Y-%m-%d %H:%M:%S} UTC"),
    ]
    for label, value in rows:
        console.print(f"  [dim]{label:>9}[/dim]  {_e(value)}")
    if record.description:
        console.print(f"  {_e(record.description)}")
    for review in record.reviews:
        text = f" {review.review}" if review.review else ""
        console.print(f"  [dim]{_e(review.user)}[/dim] {review.rating}/5{_e(text)}")


def _why(verification: str | None) -> str:
    return f" ({verification})" if verification else ""


def render_rated(console: Console, result: Any) -> None:
    """What a rating did."""
    did = "replaced your rating" if result.replaced else "rated"
    console.print(
        f"{did}: {_e(result.ami_id)} {result.rating}/5; now "
        f"{result.average:.2f}/5 from {result.rating_count} rating(s)"
    )


def render_submitted(console: Console, record: Any) -> None:
    """A new community record."""
    console.print(
        f"published [bold]{_e(record.ami_id)}[/bold] {_e(record.name)} for "
        f"{_e(record.template)} in {_e(', '.join(record.regions))}"
    )
    state = "[green]verified[/green]" if record.verified else "[yellow]not verified[/yellow]"
    console.print(f"  {state}{_e(_why(record.verification))}")


def render_used(console: Console, result: Any) -> None:
    """A counted launch."""
    console.print(f"{_e(result.ami_id)}: {result.download_count} launches")
