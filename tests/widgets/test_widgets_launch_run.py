"""LaunchPanel's Launch button, driven like a user: resolve, name it, click Launch, read the result."""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

import pytest

from cws_jupyter.core.errors import BadInput, Conflict
from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import LaunchPanel
from cws_jupyter.widgets.launch import RESOLVE_AGAIN, RESOLVE_FIRST, default_name

_numbers = itertools.count(1)


@pytest.fixture
def service(lifecycle_service: CwsService) -> CwsService:
    """These tests launch workstations: on a sandbox of their own (see conftest)."""
    return lifecycle_service


def fresh_name(stem: str = "lp") -> str:
    """A workstation name no other test of this session uses."""
    return f"{stem}-{threading.get_ident() % 10000}-{next(_numbers)}"


def resolved_panel(service: Any, template: str = "teaching-lab", region: str = "eu-west-1") -> Any:
    """A panel whose resolution for ``template`` in ``region`` is on show."""
    panel = LaunchPanel(service=service, template=template, region=region)
    panel.resolve_button.click()
    panel.wait(timeout=60)
    assert panel.resolution is not None, panel.result.value
    return panel


def launch(panel: LaunchPanel, name: str, cidr: str = "") -> None:
    """Type a name and an address range, click Launch, wait for the worker."""
    panel.name_field.value = name
    panel.cidr_field.value = cidr
    panel.launch_button.click()
    panel.wait(timeout=120)


def headline_and_details(shown: str) -> tuple[str, str]:
    """The bold sentence before the folded details, and the folded part."""
    head, _, folded = shown.partition("<details>")
    sentence = re.findall(r"<b>(.*?)</b>", head)
    assert sentence, shown
    return sentence[-1], folded


def test_launch_waits_for_a_resolution_and_the_name_follows_the_template(
    service: CwsService,
) -> None:
    """Before resolving, Launch is off and says why; the default name is <template>-1."""
    panel = LaunchPanel(service=service, template="python-ml", region="eu-west-1")
    assert panel.launch_button.disabled and panel.launch_button.tooltip == RESOLVE_FIRST
    assert panel.name_field.value == "python-ml-1" == default_name("python-ml")
    panel.template_picker.value = "teaching-lab"
    assert panel.name_field.value == "teaching-lab-1"
    panel.name_field.value = "my-own"  # typed by the user: no longer follows the template
    panel.template_picker.value = "r-research"
    assert panel.name_field.value == "my-own"
    panel.resolve_button.click()
    panel.wait(timeout=60)
    assert not panel.launch_button.disabled and panel.launch_button.description == "Launch"
    panel.region_picker.value = "us-east-1"  # the shown resolution no longer matches
    assert panel.launch_button.disabled and panel.launch_button.tooltip == RESOLVE_AGAIN
    panel.region_picker.value = "eu-west-1"
    assert not panel.launch_button.disabled


def test_name_and_address_ranges_are_checked_as_you_type(service: CwsService) -> None:
    """A bad name or CIDR: a red hint, Launch off; clicking anyway says why and starts nothing."""
    panel = resolved_panel(service)
    panel.name_field.value = "no spaces allowed"
    assert panel.launch_button.disabled
    assert "is not a workstation name" in panel.field_hint.value
    assert "is not a workstation name" in panel.launch_button.tooltip
    assert panel.launch() is None and not panel.busy  # refused at once, nothing started
    assert isinstance(panel.launch_error, BadInput)
    assert "Is not a workstation name" not in panel.launch_output.value  # quoted name first
    assert "&#x27;no spaces allowed&#x27; is not a workstation name." in panel.launch_output.value
    panel.name_field.value = "fine-name"
    panel.cidr_field.value = "203.0.113.7/33"
    assert panel.launch_button.disabled and "not an address range" in panel.field_hint.value
    panel.cidr_field.value = "203.0.113.7/32, 198.51.100.0/24"
    assert not panel.launch_button.disabled and panel.field_hint.value == ""


def test_launch_runs_in_the_background_shows_progress_and_the_workstation(
    service: CwsService,
) -> None:
    """teaching-lab in eu-west-1: the bar ends at 100 %, the LaunchResult is shown, listed."""
    panel = resolved_panel(service)
    name = fresh_name()
    launch(panel, name, "203.0.113.7/32")
    result = panel.launched
    assert panel.error is None and result is not None, panel.launch_output.value
    record = result.instance
    assert record.name == name and record.state == "running" and record.region == "eu-west-1"
    assert record.cidrs == ["203.0.113.7/32"] and record.open_ports
    shown = panel.launch_output.value
    assert 'class="cws-launched"' in shown and '<div class="cws-result"' in shown and name in shown
    assert record.id in shown and record.public_ip in shown and "running" in shown
    assert "203.0.113.7/32" in shown and "<details>" in shown  # the plan, folded
    assert panel.progress.percent == 100 and panel.progress.ok is True
    assert panel.progress.events >= 2 and panel.progress.bar.bar_style == "success"
    assert panel.progress.shown and f"{name} is running" in panel.progress.label.value
    assert not panel.launch_button.disabled and not panel.resolve_button.disabled
    assert panel.name_field.value == f"{name.rsplit('-', 1)[0]}-{int(name.rsplit('-', 1)[1]) + 1}"
    assert name in [r.name for r in service.instances.list().instances]
    service.instances.act(name, "terminate", yes=True)


def test_a_failing_launch_is_one_sentence_with_the_details_folded(service: CwsService) -> None:
    """A duplicate name: 'A workstation named ... already exists.', then the rest folded."""
    name = fresh_name("dup")
    service.instances.run(
        service.instances.plan(service.get_template("teaching-lab"), name, region="eu-west-1")
    )
    panel = resolved_panel(service)
    launch(panel, name)
    assert isinstance(panel.error, Conflict) and panel.launched is None
    shown = panel.launch_output.value
    sentence, folded = headline_and_details(shown)
    assert sentence == f"A workstation named &#x27;{name}&#x27; already exists."
    assert 'class="cws-error"' in shown and "Traceback" not in shown
    assert "choose another name" in folded and "error code: conflict" in folded
    assert "field: name" in folded
    assert not panel.progress.shown  # refused while planning: no bar for what never ran
    assert not panel.launch_button.disabled and panel.launch_button.description == "Launch"
    service.instances.act(name, "terminate", yes=True)


def test_the_whole_internet_is_refused_in_one_sentence(service: CwsService) -> None:
    """0.0.0.0/0: the core refuses; the panel says so in a sentence, nothing is launched."""
    panel = resolved_panel(service)
    name = fresh_name("world")
    launch(panel, name, "0.0.0.0/0")
    assert isinstance(panel.error, BadInput)
    sentence, folded = headline_and_details(panel.launch_output.value)
    assert sentence == "0.0.0.0/0 opens the workstation&#x27;s ports to the whole internet."
    assert "203.0.113.7" in folded
    assert name not in [r.name for r in service.instances.list().instances]


class SlowInstances:
    """``service.instances`` whose run waits for the test (to see the busy state)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.release = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def run(self, plan: Any, **kwargs: Any) -> Any:
        assert self.release.wait(30)
        return self.inner.run(plan, **kwargs)


class SlowService:
    """A service whose launches wait for the test."""

    def __init__(self, inner: CwsService) -> None:
        self.inner = inner
        self.instances = SlowInstances(inner.instances)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_while_launching_both_buttons_wait_and_a_second_click_is_ignored(
    service: CwsService,
) -> None:
    """The click returns at once; Launch says Launching...; clicks meanwhile do nothing."""
    slow = SlowService(service)
    panel = resolved_panel(slow)
    name = fresh_name("slow")
    panel.name_field.value = name
    panel.launch_button.click()
    assert panel.busy and panel.launch_button.disabled and panel.resolve_button.disabled
    assert panel.launch_button.description == "Launching\u2026"
    assert f"Launching {name} in eu-west-1" in panel.status.value
    assert panel.launch() is None and panel.resolve() is None
    slow.instances.release.set()
    panel.wait(timeout=120)
    assert panel.launched.instance.name == name and not panel.launch_button.disabled
    service.instances.act(name, "terminate", yes=True)


def test_launch_without_resolving_first_resolves_itself(service: CwsService) -> None:
    """Called directly (no resolution shown), launch plans and resolves on its own."""
    panel = LaunchPanel(service=service, template="teaching-lab", region="eu-west-1")
    name = fresh_name("direct")
    panel.name_field.value = name
    assert panel.launch() is not None
    panel.wait(timeout=120)
    assert panel.launched is not None and panel.launched.instance.name == name
    service.instances.act(name, "terminate", yes=True)
