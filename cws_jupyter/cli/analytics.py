"""`cws analytics report|export`, `cws ami recommend` and `cws regions best`: usage analytics of
this machine and the advice drawn from it. Each verb parses its options, calls the analytics
façade once, renders (the `%cws` magics run the same commands: `%cws report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import render_analytics as show
from .common import CliState, core_errors, emit, json_option

FORMATS = ["parquet", "csv", "json"]


def _analytics(state: CliState) -> Any:
    return state.svc().analytics


def _since(value: str | None) -> Any:
    from ..core.analytics.window import parse_since

    return parse_since(value)


def since_option(func: Any) -> Any:
    """``--since 7d``: only the events of a recent period."""
    return click.option(
        "--since",
        default=None,
        metavar="PERIOD",
        help="Only events of the last PERIOD: 30m, 24h, 7d, 2w (default: every event kept).",
    )(func)


def limit_option(func: Any) -> Any:
    """``--limit N``: how many answers to show."""
    return click.option(
        "--limit",
        type=click.IntRange(1, 50),
        default=5,
        show_default=True,
        help="How many to show.",
    )(func)


@click.group()
def analytics() -> None:
    """Usage analytics of this machine: report, export (CWS_ANALYTICS=0 stops recording)."""


@analytics.command("report")
@since_option
@json_option
@click.pass_obj
@core_errors
def analytics_report(state: CliState, since: str | None, as_json: bool) -> Any:
    """Resolutions by method (count, p50, p95), launches by template, savings, regions."""
    period = _since(since)
    return emit(_analytics(state).report(period), show.render_report, as_json)


@analytics.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="parquet",
    show_default=True,
    help="File format (json: one JSON array).",
)
@since_option
@json_option
@click.pass_obj
@core_errors
def analytics_export(
    state: CliState, path: Path, fmt: str, since: str | None, as_json: bool
) -> Any:
    """Write the recorded events to PATH (replaced whole) for pandas, DuckDB or a spreadsheet."""
    period = _since(since)
    return emit(_analytics(state).export(path, fmt, period), show.render_export, as_json)


@click.command("recommend")
@click.argument("template")
@click.option("--region", default=None, help="AWS region (default: the configured region).")
@limit_option
@json_option
@click.pass_obj
@core_errors
def ami_recommend(
    state: CliState, template: str, region: str | None, limit: int, as_json: bool
) -> Any:
    """Candidate images for TEMPLATE, best first: launch success, time to ready, community
    rating, cost and freshness, each with its reasons. Without recorded launches, the
    resolver's order."""
    result = _analytics(state).recommend(template, region, limit)
    return emit(result, show.render_recommendations, as_json)


@click.command("best")
@click.argument("template")
@click.option(
    "--from",
    "from_region",
    default=None,
    metavar="REGION",
    help="Your region (default: the configured region).",
)
@limit_option
@json_option
@click.pass_obj
@core_errors
def regions_best(
    state: CliState, template: str, from_region: str | None, limit: int, as_json: bool
) -> Any:
    """Where to launch TEMPLATE seen from your region: the image there or a copy away (time,
    transfer cost), the hourly price, the distance."""
    result = _analytics(state).best_regions(template, from_region, limit)
    return emit(result, show.render_region_advice, as_json)
