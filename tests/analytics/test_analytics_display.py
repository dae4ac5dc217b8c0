"""Notebook HTML and terminal text of the analytics answers: hostile names print as written,
dollar amounts stay text (no MathJax), the charts are inline SVG with one mark per value."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from mathjax_text import exposed_to_mathjax
from rich.console import Console

from cws_jupyter.cli import render_analytics as show
from cws_jupyter.core.analytics.models import (
    AnalyticsReport,
    Candidate,
    ExportResult,
    LaunchStats,
    MethodStats,
    Recommendations,
    RegionAdvice,
    RegionOption,
    RegionStats,
    ResolutionStats,
    SavingsPoint,
    SavingsStats,
    TemplateLaunches,
)
from cws_jupyter.display.formatters import html_of, text_renderer_of
from cws_jupyter.display.text import pretty_printer

HOSTILE = "[/x] [bold]b $x$ <script>s</script> :rocket: \\"
MONEY = "about 8 min ($0.081) per launch; its storage ($5.00/month)"


def report() -> AnalyticsReport:
    days = [dt.date(2026, 11, d) for d in (1, 2, 5)]
    return AnalyticsReport(
        resolutions=ResolutionStats(
            total=12,
            by_method={
                HOSTILE: MethodStats(count=10, p50_ms=12.5, p95_ms=80.0),
                "own_build": MethodStats(count=2, p50_ms=3.0, p95_ms=None),
            },
        ),
        launches=LaunchStats(
            total=4,
            ok=3,
            failed=1,
            success_rate=0.75,
            by_template={
                HOSTILE: TemplateLaunches(
                    total=4, ok=3, failed=1, success_rate=0.75, hourly_usd=0.5
                )
            },
        ),
        savings=SavingsStats(
            usd=1.25,
            minutes=30,
            count=3,
            by_day=[
                SavingsPoint(day=d, usd=0.25 * (i + 1), minutes=10) for i, d in enumerate(days)
            ],
        ),
        regions={HOSTILE: RegionStats(resolutions=12)},
        events=19,
        generated_at=dt.datetime(2026, 12, 1),
        recording=True,
        notes=[MONEY, HOSTILE],
    )


def recommendations() -> Recommendations:
    return Recommendations(
        template=HOSTILE,
        region="eu-west-1",
        basis="history",
        candidates=[
            Candidate(
                ami_id="ami-1",
                region="eu-west-1",
                name=HOSTILE,
                sources=["resolver"],
                rank=1,
                score=0.8,
                reasons=[MONEY, HOSTILE],
            )
        ],
        notes=[HOSTILE],
    )


def advice() -> RegionAdvice:
    return RegionAdvice(
        template=HOSTILE,
        from_region="eu-west-1",
        architecture="x86_64",
        instance_type="t3.large",
        image_gb=30,
        prices_as_of="2025-11",
        options=[
            RegionOption(
                region="eu-west-1",
                display_name=HOSTILE,
                distance="here",
                available=False,
                copy_from="eu-central-1",
                instance_type="t3.large",
                hourly_usd=0.0944,
                rank=1,
                reasons=[MONEY, HOSTILE],
            )
        ],
        notes=[MONEY],
    )


ANSWERS = [
    report,
    recommendations,
    advice,
    lambda: ExportResult(path=f"/tmp/{HOSTILE}.parquet", format="parquet", rows=3),
]


@pytest.mark.parametrize("make", ANSWERS)
def test_html_keeps_text_as_written_and_away_from_mathjax(make: Any) -> None:
    html = html_of(make())
    assert "$" not in html, "a dollar sign MathJax could pair with another"
    assert exposed_to_mathjax(html) == []
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("make", ANSWERS)
def test_terminal_text_prints_markup_as_written(make: Any) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, emoji=False)
    answer = make()
    getattr(show, text_renderer_of(answer).split(":")[1])(console, answer)
    assert "[/x] [bold]b $x$ <script>s</script> :rocket:" in buffer.getvalue()


def test_the_report_draws_a_bar_per_method_and_a_point_per_day() -> None:
    html = html_of(report())
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    bars, line = svgs
    assert bars.count("<rect") == 3  # p50 and p95 of one method, p50 only of the other
    assert line.count("<circle") == 3 and "<polyline" in line
    assert "&#36;1.50" in line  # the running total (0.25 + 0.50 + 0.75) as the top tick


def test_ipython_prints_the_terminal_form() -> None:
    class Printer:
        def __init__(self) -> None:
            self.out = ""

        def text(self, value: str) -> None:
            self.out += value

    printer = Printer()
    answer = report()
    pretty_printer(text_renderer_of(answer))(answer, printer, False)
    assert printer.out.startswith("usage analytics (all events kept: 19 event(s))")
