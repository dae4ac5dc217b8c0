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


def test_chosen_regions_are_listed_first_and_named(service: CwsService) -> None:
    """The preselected regions head the list (in view without scrolling) and are named below."""
    panel = CostPanel(service=service)
    chosen = ["eu-west-1", *service.regions.fallbacks("eu-west-1")]
    codes = [code for _, code in panel.region_picker.options]
    assert codes[: len(chosen)] == chosen and sorted(codes) == sorted(service.regions.regions())
    assert f"{len(chosen)} chosen: {', '.join(chosen)}" in panel.chosen.value
    panel.region_picker.value = ("us-east-1",)
    assert "1 chosen: us-east-1" in panel.chosen.value


def test_no_template_until_one_is_chosen(service: CwsService) -> None:
    """Not the alphabetically first template: none, and Compare says what is missing."""
    panel = CostPanel(service=service)
    assert panel.template_picker.value == "" and panel.compare_button.disabled
    assert panel.compare() is None and "Choose a template" in panel.status.value
    panel.template_picker.value = "python-ml"
    assert not panel.compare_button.disabled


def test_each_measure_has_its_own_axis(service: CwsService) -> None:
    """Time, cost per launch and cost per month each on a scale of its own: the longest bar of
    each fills the same width, however different their units."""
    panel = CostPanel(service=service, template="amazon-linux-2023", regions=list(REGIONS))
    panel.compare()
    panel.wait(timeout=60)
    svg = panel.chart.value

    def widths(kind: str) -> list[float]:
        pattern = rf'class="cws-bar-{kind}" x="[^"]+" y="[^"]+" width="([^"]+)"'
        return [float(w) for w in re.findall(pattern, svg)]

    longest = {kind: max(widths(kind)) for kind in ("script", "setup", "storage")}
    assert max(longest.values()) - min(longest.values()) < 0.35 * max(longest.values())
    assert svg.count("setup cost per launch") == 1 and svg.count("storage per month") == 1
    assert "$0.0" in svg.replace("&#36;", "$")  # the per-launch axis counts fractions of a cent


def test_break_even_column_has_one_format(service: CwsService) -> None:
    """Every break-even figure with one decimal (``1746.0``, ``1785.7``; never ``1746``)."""
    panel = CostPanel(service=service, template="amazon-linux-2023", regions=list(REGIONS))
    panel.compare()
    panel.wait(timeout=60)
    cells = re.findall(r"<td[^>]*>([0-9.]+|n/a)</td></tr>", panel.table.value)
    assert len(cells) == len(REGIONS)
    assert all(re.fullmatch(r"\d+\.\d", cell) for cell in cells), cells
