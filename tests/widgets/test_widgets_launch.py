"""LaunchPanel driven like a user: pick, click Resolve, wait for the worker, read what is shown."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cws_jupyter.core.errors import ResolutionFailed
from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import LaunchPanel


def resolve(
    panel: LaunchPanel, template: str, region: str, strategy: str = "", arch: str = "auto"
) -> None:
    """Set the pickers, click Resolve, wait for the background work."""
    panel.template_picker.value = template
    panel.region_picker.value = region
    panel.strategy_picker.value = strategy
    panel.arch_picker.value = arch
    panel.resolve_button.click()
    panel.wait(timeout=60)


def test_pickers_offer_the_catalogue_and_every_region(service: CwsService) -> None:
    """Templates by name and slug, descriptions; all commercial regions; no launch before a
    resolution."""
    panel = LaunchPanel(service=service)
    assert ("Python ML Workstation (python-ml)", "python-ml") in panel.template_picker.options
    assert [code for _, code in panel.region_picker.options] == service.regions.regions()
    assert panel.region_picker.value == "eu-west-1"  # the configured region
    assert [v for _, v in panel.arch_picker.options] == ["auto", "x86_64", "arm64"]
    panel.template_picker.value = "teaching-lab"
    assert service.get_template("teaching-lab").template.description in panel.template_info.value
    assert panel.launch_button.disabled and "Resolve first" in panel.launch_button.tooltip


def test_resolve_shows_method_chain_warnings_cost_and_time(service: CwsService) -> None:
    """r-research in us-east-1: a cross-region answer from an untrusted owner, all of it on show."""
    panel = LaunchPanel(service=service)
    resolve(panel, "r-research", "us-east-1")
    res = panel.resolution
    assert res is not None and panel.error is None
    shown = panel.result.value
    assert res.ami_id in shown and "cross_region" in shown and res.source_region in shown
    assert 'class="cws-chain"' in shown and shown.count("<tr><td") >= len(res.fallback_chain)
    assert 'class="cws-warnings"' in shown and "not a trusted publisher" in shown
    assert "A template AMI vs script provisioning" in shown and "launch time" in shown
    assert res.summary() in panel.status.value
    assert not panel.resolve_button.disabled and panel.resolve_button.description == "Resolve"


def test_strategy_and_architecture_are_used(service: CwsService) -> None:
    """arm64 for python-ml: no arm64 AMI, so script provisioning and an instance swap warning."""
    panel = LaunchPanel(service=service)
    resolve(panel, "python-ml", "eu-west-1", arch="arm64")
    assert panel.resolution.architecture == "arm64"
    assert "script_fallback" in panel.result.value and "g5g.xlarge" in panel.result.value
    resolve(panel, "python-ml", "eu-west-1", strategy="ami_required", arch="arm64")
    assert panel.resolution is None and isinstance(panel.error, ResolutionFailed)


def test_a_failed_resolution_is_a_readable_red_message(service: CwsService) -> None:
    """amazon-linux-2023 (ami_required) in ap-south-1: reason and tiers in red; button back."""
    panel = LaunchPanel(service=service)
    resolve(panel, "amazon-linux-2023", "ap-south-1")
    shown = panel.result.value
    assert isinstance(panel.error, ResolutionFailed) and panel.resolution is None
    assert 'class="cws-error"' in shown and "#cf222e" in shown
    assert (
        "no AMI for template &#x27;amazon-linux-2023&#x27; in ap-south-1" in shown
        and "ami_required" in shown
    )
    assert shown.count("<li") >= 5 and "Traceback" not in shown
    assert not panel.resolve_button.disabled and panel.status.value == ""
    # One sentence on show; the tiers tried (long SSM paths among them) folded beneath it.
    headline, folded = shown.split("<details>", 1)
    assert "<li" not in headline and "/aws/service/" not in headline
    assert (
        "<b>No AMI for template &#x27;amazon-linux-2023&#x27; in ap-south-1 and the strategy is "
        "ami_required.</b>" in headline
    )
    assert folded.count("<li") >= 5 and "/aws/service/ami-amazon-linux-latest" in folded


class BlockingService:
    """A service whose resolve waits for the test to release it (to observe the busy state)."""

    def __init__(self, service: CwsService) -> None:
        """Delegate to ``service``."""
        self.inner = service
        self.release = threading.Event()
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        """Everything else from the real service."""
        return getattr(self.inner, name)

    def resolve(self, *args: Any, **kwargs: Any) -> Any:
        """Block until released, then resolve."""
        self.calls += 1
        assert self.release.wait(30)
        return self.inner.resolve(*args, **kwargs)


def test_resolving_runs_in_the_background_and_shows_progress(service: CwsService) -> None:
    """The click returns at once; the button is disabled and says so; a second click is ignored."""
    blocking = BlockingService(service)
    panel = LaunchPanel(service=blocking, template="python-ml", region="eu-west-1")
    panel.resolve_button.click()  # returns while the worker waits
    assert panel.busy and panel.resolve_button.disabled
    assert panel.resolve_button.description == "Resolving\u2026"
    assert "Resolving python-ml in eu-west-1" in panel.status.value
    assert panel.resolve() is None  # ignored while busy
    blocking.release.set()
    panel.wait(timeout=60)
    assert blocking.calls == 1 and not panel.busy and not panel.resolve_button.disabled
    assert panel.resolution.template == "python-ml"


def test_wait_times_out_instead_of_hanging(service: CwsService) -> None:
    """wait() raises when the work outlives the timeout (tests never hang)."""
    blocking = BlockingService(service)
    panel = LaunchPanel(service=blocking, template="python-ml", region="eu-west-1")
    panel.resolve_button.click()
    with pytest.raises(TimeoutError):
        panel.wait(timeout=0.05)
    blocking.release.set()
    panel.wait(timeout=60)
