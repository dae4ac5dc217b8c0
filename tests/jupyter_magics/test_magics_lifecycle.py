"""The AMI lifecycle and workstations in a notebook: `%cws launch|list|stop|...|ami ...`, a
progress bar for long verbs, and an HTML and a text display of every result, escaped."""

from __future__ import annotations

import itertools
import os
from html import escape
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import cws_magics, ok, run, use_home

import cws_jupyter.magics.progress as notebook_progress
from cws_jupyter.widgets import InstancesPanel, ProgressBar

_numbers = itertools.count(1)


def fresh_name(stem: str) -> str:
    """A workstation name no other test of this session uses."""
    return f"{stem}-{os.getpid() % 10000}-{next(_numbers)}"


def formats(shell: InteractiveShell, obj: object) -> tuple[str, str]:
    """The text/html and text/plain forms IPython would send for ``obj``."""
    data, _ = shell.display_formatter.format(obj)
    return data.get("text/html", ""), data["text/plain"]


@pytest.fixture
def in_a_kernel(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Pretend the shell is a kernel's; return what IPython.display.display was asked to show."""
    shown: list[Any] = []
    monkeypatch.setattr(notebook_progress, "in_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, **_kw: shown.append(obj))
    return shown


def bars(shell: InteractiveShell) -> list[ProgressBar]:
    """The progress bars of the last `%cws` command."""
    return list(cws_magics(shell).progress_bars)


def assert_finished(bar: ProgressBar) -> None:
    """A bar fed by the core's events, ended full and green."""
    assert bar.events >= 1 and bar.last is not None
    assert bar.percent == 100 and bar.ok is True and bar.bar.bar_style == "success"
    assert bar.shown and "done in" in bar.label.value


def test_launch_shows_a_progress_bar_that_ends_at_100(
    lifecycle_shell: InteractiveShell, in_a_kernel: list[Any]
) -> None:
    """`%cws launch`: one bar, displayed, fed the launch's events, full at the end."""
    name = fresh_name("mag")
    result = ok(
        lifecycle_shell, f"%cws launch teaching-lab {name} --region eu-west-1 --cidr 203.0.113.7/32"
    )
    assert type(result).__name__ == "LaunchResult" and result.instance.state == "running"
    (bar,) = bars(lifecycle_shell)
    assert in_a_kernel == [bar]
    assert_finished(bar)
    assert f"launching {name}" in bar.label.value
    steps = {bar.last.step}
    assert steps <= {"start", "launch", "network", "copy", "wait"}
    stopped = ok(lifecycle_shell, f"%cws stop {name}")
    assert stopped.instance.state == "stopped"
    assert_finished(bars(lifecycle_shell)[0])
    ok(lifecycle_shell, f"%cws terminate {name} --yes")


def test_ami_create_shows_a_progress_bar_that_ends_at_100(
    lifecycle_shell: InteractiveShell, in_a_kernel: list[Any]
) -> None:
    """`%cws ami create TEMPLATE WORKSTATION`: the build's bar ends full; the build shows."""
    name = fresh_name("img")
    ok(lifecycle_shell, f"%cws launch teaching-lab {name} --region eu-west-1")
    build = ok(lifecycle_shell, f"%cws ami create teaching-lab {name}")
    assert type(build).__name__ == "ImageBuild" and build.creation_status == "available"
    (bar,) = bars(lifecycle_shell)
    assert_finished(bar)
    assert f"building {build.ami_id}" in bar.label.value
    html, text = formats(lifecycle_shell, build)
    assert build.ami_id in html and build.ami_id in text
    ok(lifecycle_shell, f"%cws terminate {name} --yes")
    ok(lifecycle_shell, f"%cws ami delete {build.ami_id} --region eu-west-1 --yes")


def test_a_failing_verb_leaves_no_bar_and_one_line(
    lifecycle_shell: InteractiveShell, in_a_kernel: list[Any]
) -> None:
    """A duplicate name fails while planning: a one-line error, no bar shown."""
    name = fresh_name("twice")
    ok(lifecycle_shell, f"%cws launch teaching-lab {name} --region eu-west-1")
    result, printed = run(lifecycle_shell, f"%cws launch teaching-lab {name} --region eu-west-1")
    assert not result.success and "already exists" in printed and "Traceback" not in printed
    assert all(not bar.shown for bar in bars(lifecycle_shell))
    ok(lifecycle_shell, f"%cws terminate {name} --yes")


def test_outside_a_kernel_there_is_no_bar(lifecycle_shell: InteractiveShell) -> None:
    """A terminal IPython: the verbs run, no widget is made."""
    assert notebook_progress.notebook_progress_view() is None
    name = fresh_name("term")
    ok(lifecycle_shell, f"%cws launch teaching-lab {name} --region eu-west-1")
    assert bars(lifecycle_shell) == []
    ok(lifecycle_shell, f"%cws terminate {name} --yes")


def test_without_ipywidgets_there_is_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a kernel but without ipywidgets: no view (the verbs run without a bar)."""
    monkeypatch.setattr(notebook_progress, "in_kernel", lambda: True)
    monkeypatch.setattr(notebook_progress, "widgets_available", lambda: False)
    assert notebook_progress.notebook_progress_view() is None
    monkeypatch.setattr(notebook_progress, "widgets_available", lambda: True)
    assert callable(notebook_progress.notebook_progress_view())


def test_panel_instances_and_the_help_name_the_new_verbs(shell: InteractiveShell) -> None:
    """`%cws panel instances` builds the panel; `%cws?` and `%cws --help` list the verbs."""
    panel = ok(shell, "%cws panel instances")
    assert isinstance(panel, InstancesPanel)
    panel.wait(timeout=60)
    doc = cws_magics(shell).cws.__doc__
    for verb in (
        "%cws launch",
        "%cws list",
        "%cws stop",
        "%cws start",
        "%cws terminate",
        "%cws ami create",
        "%cws ami list",
        "%cws ami info",
        "%cws ami share",
        "%cws ami copy",
        "%cws ami deprecate",
        "%cws ami publish",
        "%cws ami delete",
        "%cws ami status",
        "instances",
        "progress bar",
    ):
        assert verb in doc, verb
    _, printed = run(shell, "%cws --help")
    for verb in ("launch", "list", "stop", "start", "terminate"):
        assert f"  {verb} " in printed, verb
    _, printed = run(shell, "%cws ami --help")
    for verb in ("create", "share", "copy", "status"):
        assert f"  {verb} " in printed, verb


# -- every result type, from the sandbox ---------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox_results(_loaded_shell: InteractiveShell, lifecycle_home: Path) -> dict[str, Any]:
    """One of each result, made by the magics on the sandbox (a workstation, an image, ...)."""
    shell = _loaded_shell
    name = fresh_name("show")
    with pytest.MonkeyPatch.context() as patch:
        use_home(shell, patch, lifecycle_home)
        found: dict[str, Any] = {}
        launch = f"%cws launch teaching-lab {name} --region eu-west-1 --cidr 203.0.113.7/32"
        found["LaunchPlan"] = ok(shell, launch + " --dry-run")
        found["LaunchResult"] = ok(shell, launch)
        found["InstanceList"] = ok(shell, "%cws list")
        build = found["ImageBuild"] = ok(shell, f"%cws ami create teaching-lab {name}")
        ami = build.ami_id
        found["InstanceAction"] = ok(shell, f"%cws stop {name}")
        found["ImageList"] = ok(shell, "%cws ami list --region eu-west-1 --template teaching-lab")
        found["ShareResult"] = ok(shell, f"%cws ami share {ami} 111122223333 --region eu-west-1")
        found["ImageDetails"] = ok(shell, f"%cws ami info {ami} --region eu-west-1")
        found["CopyResult"] = ok(
            shell, f"%cws ami copy {ami} eu-central-1 --source-region eu-west-1"
        )
        found["PublishResult"] = ok(
            shell, f"%cws ami publish {ami} --parameter /cws-test/{name} --region eu-west-1"
        )
        found["JobList"] = ok(shell, "%cws ami status")
        found["JobRecord"] = ok(shell, f"%cws ami status {build.job_id}")
        found["CostComparison"] = ok(shell, "%cws costs teaching-lab --region eu-west-1")
        copy = found["CopyResult"].rows[0]
        found["DeleteResult"] = ok(
            shell, f"%cws ami delete {copy.ami_id} --region {copy.region} --yes"
        )
        ok(shell, f"%cws terminate {name} --yes")
    cws_magics(shell)._services.clear()  # later tests build their service from their own home
    return found


#: For each result: what its HTML and its text must show (attribute paths on the result).
KEY_VALUES = {
    "LaunchPlan": ["name", "template", "instance_type", "region"],
    "LaunchResult": ["instance.name", "instance.id", "instance.public_ip", "instance.region"],
    "InstanceList": ["instances.0.name", "instances.0.template", "instances.0.id"],
    "InstanceAction": ["instance.name", "instance.id", "instance.state"],
    "ImageBuild": ["ami_id", "template", "region", "source_instance"],
    "ImageList": ["images.0.ami_id", "images.0.region", "images.0.template"],
    "ImageDetails": ["ami_id", "name", "owner_id", "architecture"],
    "ShareResult": ["ami_id", "added.0", "region"],
    "CopyResult": ["source_ami", "rows.0.region", "rows.0.ami_id"],
    "PublishResult": ["parameter", "ami_id", "region"],
    "JobList": ["jobs.0.job_id", "jobs.0.kind"],
    "JobRecord": ["job_id", "kind", "status"],
    "CostComparison": ["region", "instance_type", "stored_images.images.0.ami_id"],
    "DeleteResult": ["ami_id", "region"],
}
#: The CLI's text folds long values inside table cells (110 columns): these are checked whole.
TEXT_VALUES = {
    **KEY_VALUES,
    "InstanceList": ["instances.0.state", "instances.0.region"],
    "ImageList": ["images.0.region", "images.0.state"],
    "JobList": ["jobs.0.kind"],
}


def pick(obj: Any, path: str) -> str:
    """``a.0.b`` of ``obj`` as text."""
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return str(getattr(obj, "value", obj))


@pytest.mark.parametrize("kind", sorted(KEY_VALUES))
def test_every_lifecycle_result_displays_as_html_and_text(
    shell: InteractiveShell, sandbox_results: dict[str, Any], kind: str
) -> None:
    """An HTML box and the CLI's text, each with the result's key values; no pydantic repr."""
    result = sandbox_results[kind]
    assert type(result).__name__ == kind
    html, text = formats(shell, result)
    assert html.startswith('<div class="cws-result"'), html[:200]
    assert "tex2jax_ignore mathjax_ignore" in html and "$" not in html
    assert not text.startswith(kind + "(") and text.strip()
    for path in KEY_VALUES[kind]:
        value = pick(result, path)
        assert value in html, (kind, path, value)
    for path in TEXT_VALUES[kind]:
        value = pick(result, path)
        assert value in text, (kind, path, value)


def test_the_cost_comparison_shows_the_stored_images(
    shell: InteractiveShell, sandbox_results: dict[str, Any]
) -> None:
    """`%cws costs`: the chart and table, then the template's stored images and their cost."""
    costs = sandbox_results["CostComparison"]
    stored = costs.stored_images
    assert stored is not None and stored.images
    html, text = formats(shell, costs)
    assert 'class="cws-cost-chart"' in html and 'class="cws-stored"' in html
    assert "Stored images of teaching-lab" in html
    assert f"&#36;{stored.monthly_usd:.2f}/month" in html
    for image in stored.images:
        assert image.ami_id in html and image.ami_id in text
    assert escape(stored.recommendation).replace("$", "&#36;") in html
