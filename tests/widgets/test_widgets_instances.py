"""InstancesPanel driven like a user: list, select, stop, start, terminate (after confirming)."""

from __future__ import annotations

import contextlib
import itertools
import threading
from typing import Any

import pytest

from cws_jupyter.core.errors import CwsError
from cws_jupyter.core.instances.models import InstanceList
from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import InstancesPanel

_numbers = itertools.count(1)


@pytest.fixture
def service(lifecycle_service: CwsService) -> CwsService:
    """These tests launch workstations: on a sandbox of their own (see conftest)."""
    return lifecycle_service


@pytest.fixture
def workstation(service: CwsService) -> Any:
    """A running teaching-lab workstation in eu-west-1 (terminated afterwards if still alive)."""
    name = f"ip-{threading.get_ident() % 10000}-{next(_numbers)}"
    plan = service.instances.plan(
        service.get_template("teaching-lab"), name, region="eu-west-1", cidrs=["203.0.113.9/32"]
    )
    record = service.instances.run(plan).instance
    yield record
    with contextlib.suppress(CwsError):  # unless the test terminated it
        service.instances.act(name, "terminate", yes=True)


def loaded(service: Any) -> InstancesPanel:
    """A panel whose first listing has arrived."""
    panel = InstancesPanel(service=service)
    panel.wait(timeout=60)
    assert panel.error is None, panel.result.value
    return panel


def row_of(panel: InstancesPanel, name: str) -> str:
    """The table row of workstation ``name``."""
    rows = panel.table.value.split("<tr>")
    found = [row for row in rows if f">{name}<" in row or f"\u25b6 {name}<" in row]
    assert found, panel.table.value
    return found[0]


def test_the_list_shows_each_workstation_with_its_details(
    service: CwsService, workstation: Any
) -> None:
    """Name, state, template, region, type, image, public IP: in the table and the picker."""
    panel = loaded(service)
    row = row_of(panel, workstation.name)
    for value in ("running", "teaching-lab", "eu-west-1", workstation.instance_type):
        assert value in row
    assert workstation.ami_used in row and workstation.public_ip in row and workstation.id in row
    assert 'class="cws-instances"' in panel.table.value
    for header in ("name", "state", "template", "region", "type", "image", "public IP"):
        assert f">{header}</th>" in panel.table.value
    assert workstation.name in [value for _, value in panel.picker.options]
    assert "workstation(s)" in panel.status.value and not panel.refresh_button.disabled


def test_stop_then_start_update_the_list_and_show_the_result(
    service: CwsService, workstation: Any
) -> None:
    """Stop (in the background, with a bar) -> stopped; Start -> running; buttons follow."""
    panel = loaded(service)
    panel.select(workstation.name)
    assert "\u25b6 " + workstation.name in panel.table.value  # the selection is marked
    assert not panel.stop_button.disabled and panel.start_button.disabled
    panel.stop_button.click()
    panel.wait(timeout=60)
    assert panel.error is None, panel.result.value
    assert panel.selected.state == "stopped" and "stopped" in row_of(panel, workstation.name)
    assert panel.last_action.action == "stop" and "stopped" in panel.result.value
    assert panel.progress.percent == 100 and panel.progress.ok is True
    assert panel.stop_button.disabled and not panel.start_button.disabled
    panel.start_button.click()
    panel.wait(timeout=60)
    assert panel.selected.state == "running" and "running" in row_of(panel, workstation.name)
    assert panel.last_action.action == "start" and not panel.stop_button.disabled


def test_terminate_needs_the_confirmation_first(service: CwsService, workstation: Any) -> None:
    """Unticked: Terminate is off, and a click anyway refuses; ticked: it goes, list refreshed."""
    panel = loaded(service)
    panel.select(workstation.name)
    assert panel.terminate_button.disabled and not panel.confirm.value
    panel.terminate_button.click()  # a click on the disabled button still reaches the handler
    assert (
        not panel.busy
        and "Tick" in panel.result.value
        and 'class="cws-error"' in panel.result.value
    )
    assert service.instances.get(workstation.name).state == "running"
    panel.confirm.value = True
    assert not panel.terminate_button.disabled
    panel.terminate_button.click()
    panel.wait(timeout=60)
    assert panel.error is None, panel.result.value
    assert panel.last_action.instance.state == "terminated" and "terminated" in panel.result.value
    assert workstation.name not in [r.name for r in panel.records]
    assert not panel.confirm.value  # ticked again for the next one
    panel.show_terminated.value = True  # refreshes, terminated ones included
    panel.wait(timeout=60)
    assert "terminated" in row_of(panel, workstation.name)
    panel.select(workstation.name)
    assert panel.terminate_button.disabled and panel.confirm.disabled


def test_a_failed_action_is_one_readable_sentence(service: CwsService, workstation: Any) -> None:
    """Terminated behind the panel's back, then Stop: a sentence, details folded, list fresh."""
    panel = loaded(service)
    panel.select(workstation.name)
    service.instances.act(workstation.name, "terminate", yes=True)
    panel.stop_button.click()
    panel.wait(timeout=60)
    assert isinstance(panel.error, CwsError)
    shown = panel.result.value
    assert 'class="cws-error"' in shown and "<details>" in shown and "Traceback" not in shown
    head = shown.split("<details>")[0]
    assert head.count("<b>") == 1 and ". " not in head.split("<b>")[1].split("</b>")[0].rstrip(".")
    assert not panel.progress.shown  # refused before anything ran: no bar
    assert workstation.name not in [r.name for r in panel.records]  # listed again afterwards


class BlockingInstances:
    """``service.instances`` whose actions wait for the test."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.release = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def act(self, *args: Any, **kwargs: Any) -> Any:
        assert self.release.wait(30)
        return self.inner.act(*args, **kwargs)


class BlockingService:
    """A service whose workstation actions wait for the test."""

    def __init__(self, inner: CwsService) -> None:
        self.inner = inner
        self.instances = BlockingInstances(inner.instances)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_actions_run_in_the_background(service: CwsService, workstation: Any) -> None:
    """While an action runs every button is off and further clicks are ignored."""
    blocking = BlockingService(service)
    panel = loaded(blocking)
    panel.select(workstation.name)
    panel.stop_button.click()
    assert panel.busy and panel.refresh_button.disabled
    assert panel.stop_button.disabled and panel.start_button.disabled
    assert panel.terminate_button.disabled
    assert f"Stopping {workstation.name}" in panel.status.value
    assert panel.refresh() is None and panel.start() is None
    blocking.instances.release.set()
    panel.wait(timeout=60)
    assert panel.selected.state == "stopped" and not panel.refresh_button.disabled


class NoWorkstations:
    """A service with no workstations (and no AWS behind it)."""

    class instances:  # noqa: N801 - stands for ``service.instances``
        @staticmethod
        def list(include_terminated: bool = False) -> InstanceList:
            return InstanceList(notes=["not refreshed from AWS: <offline> $x$"])


def test_an_empty_list_says_how_to_start_one() -> None:
    """No workstations: a sentence naming `%cws launch` and the Launch panel; notes escaped."""
    panel = InstancesPanel(service=NoWorkstations())
    panel.wait(timeout=60)
    assert "No workstations yet" in panel.table.value and "%cws launch" in panel.table.value
    assert "&lt;offline&gt; &#36;x&#36;" in panel.table.value and "$x$" not in panel.table.value
    assert panel.picker.options == () and panel.stop_button.disabled
    assert panel.terminate_button.disabled and panel.confirm.disabled
