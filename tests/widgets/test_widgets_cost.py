"""CostPanel: regions compared in the background, drawn as an SVG bar chart plus a table."""

from __future__ import annotations

import re

from cws_jupyter.core.resolver.models import CostComparison
from cws_jupyter.core.service import CwsService
from cws_jupyter.display.chart import cost_chart_svg
from cws_jupyter.widgets import CostPanel

REGIONS = ("eu-west-1", "eu-central-1", "us-east-1")


def test_default_regions_are_the_configured_one_and_its_neighbours(service: CwsService) -> None:
    """eu-west-1 and its fallback regions, nearest first."""
    panel = CostPanel(service=service)
    assert list(panel.region_picker.value) == ["eu-west-1", *service.regions.fallbacks("eu-west-1")]


def test_compare_draws_one_bar_group_per_region(service: CwsService) -> None:
    """Three regions: three groups of four bars (AMI, script, setup, storage), a table."""
    panel = CostPanel(service=service, template="python-ml")
    panel.region_picker.value = REGIONS
    panel.compare_button.click()
    panel.wait(timeout=60)
    assert panel.error is None and [c.region for c in panel.comparisons] == list(REGIONS)
    svg = panel.chart.value
    assert "<svg" in svg and re.findall(
        r'<g class="cws-region" data-region="([^"]+)"', svg
    ) == list(REGIONS)
    for kind in ("ami", "script", "setup", "storage"):
        assert svg.count(f'class="cws-bar-{kind}"') == len(REGIONS)
    for region in REGIONS:
        assert f">{region}</td>" in panel.table.value
    assert (panel.progress.value, panel.progress.max) == (3, 3)
    assert panel.progress.layout.visibility == "hidden" and not panel.compare_button.disabled
    assert "g4dn.xlarge" in panel.status.value


def test_bar_lengths_follow_the_numbers(service: CwsService) -> None:
    """The script bar is longer than the AMI bar by the ratio of their times."""
    panel = CostPanel(service=service, template="python-ml", regions=["eu-west-1"])
    panel.compare()
    panel.wait(timeout=60)
    c = panel.comparisons[0]
    widths = {
        kind: float(
            re.search(
                rf'class="cws-bar-{kind}" x="[^"]+" y="[^"]+" width="([^"]+)"', panel.chart.value
            ).group(1)
        )
        for kind in ("ami", "script")
    }
    ratio = widths["script"] / widths["ami"]
    assert abs(ratio - c.script_launch_seconds / c.ami_launch_seconds) < 0.1 * ratio


def test_no_region_selected_says_so(service: CwsService) -> None:
    """Compare with nothing selected: a red hint, no background work."""
    panel = CostPanel(service=service, template="python-ml")
    panel.region_picker.value = ()
    assert panel.compare() is None and panel.worker is None
    assert "at least one region" in panel.status.value


def test_chart_escapes_its_labels() -> None:
    """Region and instance labels are escaped in the SVG."""
    c = CostComparison(
        instance_type="<i>t3</i>",
        region="<script>x</script>",
        hourly_price=None,
        price_as_of="2025-11",
        ami_launch_seconds=45,
        script_launch_seconds=400,
        script_setup_seconds=355,
        script_setup_cost=None,
        time_saved_seconds=355,
        snapshot_gb=30,
        snapshot_storage_per_month=1.5,
        recommendation="r",
    )
    svg = cost_chart_svg([c])
    assert (
        "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg and "&lt;i&gt;t3" in svg
    )
    assert "n/a" in svg  # no price known: the setup cost says so
