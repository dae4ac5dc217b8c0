"""A browse page's total as people read it: a registry answering from SQL (`--no-catalog`) stops
counting a text search's matches at a cap, and the front doors then show the total as a lower
bound."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from cws_jupyter.cli.render_community import render_browse
from cws_jupyter.core.registry.limits import COUNT_CAP
from cws_jupyter.core.registry.models import BrowsePage, CommunityAMI
from cws_jupyter.display.community import browse_html

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
ITEM = CommunityAMI(
    ami_id="cami-0123456789abcdef",
    name="lab image",
    template="python-ml",
    creator="ana",
    created_at=NOW,
    last_updated=NOW,
)


def page(total: int, estimate: bool) -> BrowsePage:
    return BrowsePage(
        items=[ITEM] * 20, page=1, per_page=20, total=total, total_is_estimate=estimate
    )


def test_an_estimated_total_reads_as_a_lower_bound() -> None:
    assert page(COUNT_CAP, True).total_label == f"{COUNT_CAP:,}+"
    assert page(1234, False).total_label == "1,234"
    out = io.StringIO()
    render_browse(Console(file=out, width=120, color_system=None), page(COUNT_CAP, True))
    assert f"({COUNT_CAP:,}+; page 1)" in out.getvalue()
    assert f"Community images ({COUNT_CAP:,}+)" in browse_html(page(COUNT_CAP, True))
