"""`cws ami browse|rate|submit`: the community registry (where to find it: CWS_REGISTRY_URL, or
the sandbox's own). Each verb parses its options, calls the community façade once, renders."""

from __future__ import annotations

from typing import Any

import click

from ..core.registry.limits import SORTS
from . import render_community as show
from .common import CliState, core_errors, emit, json_option


@click.command("browse")
@click.option("--template", default=None, help="Only images built for this template.")
@click.option("--category", default=None, help="Only this category (e.g. data-science).")
@click.option("--region", default=None, help="Only images held in this region.")
@click.option("--search", "q", default=None, help="Words to find in names and descriptions.")
@click.option("--sort", type=click.Choice(SORTS), default=None, help="Order (default: best).")
@click.option("--page", type=click.IntRange(min=1), default=None, help="Page number (from 1).")
@click.option(
    "--per-page", type=click.IntRange(1, 100), default=None, help="Images per page (1-100)."
)
@json_option
@click.pass_obj
@core_errors
def ami_browse(
    state: CliState,
    template: str | None,
    category: str | None,
    region: str | None,
    q: str | None,
    sort: str | None,
    page: int | None,
    per_page: int | None,
    as_json: bool,
) -> Any:
    """Community images: who built them, ratings, launches, regions, verified or not."""
    result = state.svc().community.browse(
        template=template,
        category=category,
        region=region,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return emit(result, show.render_browse, as_json)


@click.command("rate")
@click.argument("ami_id")
@click.argument("rating", type=click.IntRange(1, 5))
@click.option("--review", default=None, help="A few words on what worked (or did not).")
@json_option
@click.pass_obj
@core_errors
def ami_rate(state: CliState, ami_id: str, rating: int, review: str | None, as_json: bool) -> Any:
    """Rate a community image 1-5 (AMI_ID: its registry id or an EC2 image id it holds).

    Rating again replaces your earlier rating. Needs a token (CWS_REGISTRY_TOKEN).
    """
    result = state.svc().community.rate(ami_id, rating, review)
    return emit(result, show.render_rated, as_json)


@click.command("submit")
@click.argument("ami_id")
@click.option("--template", required=True, help="The template the image was built for.")
@click.option("--region", default=None, help="Region of AMI_ID (default: the configured one).")
@click.option("--name", default=None, help="Display name (default: the image's name).")
@click.option("--description", default="", help="What it holds (default: the image's).")
@click.option("--version", "version_", default="", help="Its version (e.g. 2026.03).")
@click.option("--category", default=None, help="e.g. data-science, bioinformatics.")
@json_option
@click.pass_obj
@core_errors
def ami_submit(
    state: CliState,
    ami_id: str,
    template: str,
    region: str | None,
    name: str | None,
    description: str,
    version_: str,
    category: str | None,
    as_json: bool,
) -> Any:
    """Publish one of your images to the community registry, with every region holding a copy.

    The registry checks that each image exists and is yours (your token's account) before
    marking it verified. Needs a token (CWS_REGISTRY_TOKEN).
    """
    result = state.svc().community.submit(
        ami_id,
        template,
        region=region,
        name=name,
        description=description,
        version=version_,
        category=category,
    )
    return emit(result, show.render_submitted, as_json)


COMMUNITY_COMMANDS = (ami_browse, ami_rate, ami_submit)
