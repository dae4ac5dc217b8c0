"""`%cws test` reports its progress like the long verbs (a widget bar in a kernel), and
`%cws panel cost|launch|browse TEMPLATE` opens a panel with the template chosen."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import cws_magics, ok, run

import cws_jupyter.magics.progress as notebook_progress
from cws_jupyter.widgets import BrowsePanel, CostPanel, LaunchPanel, ProgressBar


@pytest.fixture
def in_a_kernel(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Pretend the shell is a kernel's; return what IPython.display.display was asked to show."""
    shown: list[Any] = []
    monkeypatch.setattr(notebook_progress, "in_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, **_kw: shown.append(obj))
    return shown


def test_availability_check_shows_a_bar_counting_regions(
    shell: InteractiveShell, in_a_kernel: list[Any]
) -> None:
    """Four regions: one bar, shown at once, fed a region at a time, full and green at the end."""
    regions = ["eu-west-1", "eu-central-1", "us-east-1", "ap-south-1"]
    args = " ".join(f"--region {r}" for r in regions)
    matrix = ok(shell, f"%cws test teaching-lab {args}")
    assert matrix.checked == 4
    bars = list(cws_magics(shell).progress_bars)
    assert len(bars) == 1 and isinstance(bars[0], ProgressBar) and bars[0] in in_a_kernel
    bar = bars[0]
    assert bar.title == "checking teaching-lab" and bar.events == 4
    assert (bar.last.done, bar.last.total) == (4, 4) and "4 of 4 regions checked" in (
        bar.last.message
    )
    assert bar.percent == 100 and bar.ok is True and bar.bar.bar_style == "success"


def test_panels_take_a_template(shell: InteractiveShell) -> None:
    """The cost, launch and browse panels open on the template named; an unknown one fails."""
    cost = ok(shell, "%cws panel cost python-ml")
    assert isinstance(cost, CostPanel) and cost.template_picker.value == "python-ml"
    assert not cost.compare_button.disabled
    launch = ok(shell, "%cws panel launch teaching-lab")
    assert isinstance(launch, LaunchPanel) and launch.template_picker.value == "teaching-lab"
    browse = ok(shell, "%cws panel browse rstudio")
    assert isinstance(browse, BrowsePanel) and browse.matches.value == "rstudio"
    result, printed = run(shell, "%cws panel cost no-such-template")
    assert not result.success and "no-such-template" in printed


def test_cost_panel_without_a_template_asks_for_one(shell: InteractiveShell) -> None:
    """`%cws panel cost`: no template chosen yet, Compare disabled and saying why."""
    panel = ok(shell, "%cws panel cost")
    assert panel.template_picker.value == "" and panel.compare_button.disabled
    assert panel.compare_button.tooltip == "Choose a template first."


def test_a_panel_opens_on_the_template_last_named(shell: InteractiveShell) -> None:
    """`%cws costs python-ml --region eu-west-1`, then `%cws panel cost`: the comparison the
    user was looking at, not the alphabetically first template; a named one still wins."""
    ok(shell, "%cws costs --region eu-west-1 python-ml")
    panel = ok(shell, "%cws panel cost")
    assert panel.template_picker.value == "python-ml" and not panel.compare_button.disabled
    assert ok(shell, "%cws panel launch").template_picker.value == "python-ml"
    assert ok(shell, "%cws panel cost rstudio").template_picker.value == "rstudio"
    ok(shell, "%cws test teaching-lab --region eu-west-1")
    assert ok(shell, "%cws panel cost").template_picker.value == "teaching-lab"
    # Commands that name no template, or a failed one, leave the choice as it was.
    ok(shell, "%cws templates list")
    run(shell, "%cws resolve no-such-template")
    assert ok(shell, "%cws panel cost").template_picker.value == "teaching-lab"


def test_a_cell_template_is_not_remembered(shell: InteractiveShell) -> None:
    """`%%cws resolve` on a template written in the cell: not in the catalogue, not remembered."""
    ok(shell, "%cws resolve python-ml --region eu-west-1")
    cell = "name: Cell Lab\nslug: cell-lab\ndescription: d\nbase: ubuntu-22.04\n"
    shell.run_cell_magic("cws", "validate", cell)
    assert ok(shell, "%cws panel cost").template_picker.value == "python-ml"


def test_template_named_reads_the_line_as_click_does() -> None:
    """Options before or after, shorthands, `ami` verbs, the group's `--sandbox`."""
    from cws_jupyter.magics.dispatch import template_named

    assert template_named("costs --region eu-west-1 python-ml") == "python-ml"
    assert template_named("--sandbox test teaching-lab --all-regions") == "teaching-lab"
    assert template_named("ami create python-ml ws-1") == "python-ml"
    assert template_named('templates show "Python ML"') == "Python ML"
    assert template_named("launch rstudio lab-2 --dry-run") == "rstudio"
    for line in ("list", "templates list", "panel cost x", "resolve", "nonsense x", "resolve '"):
        assert template_named(line) is None, line
