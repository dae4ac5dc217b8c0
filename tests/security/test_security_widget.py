"""``ScanView`` (the Browse panel's scan, driven by setting values and clicking) and the notebook
HTML of reports and policy checks: escaped, and kept away from MathJax."""

from __future__ import annotations

import pytest
from mathjax_text import exposed_to_mathjax
from security_helpers import REGION, SQUATTER, hostile_check, hostile_report, world_image

from cws_jupyter.core.service import CwsService
from cws_jupyter.display.security import policy_check_html, security_report_html
from cws_jupyter.widgets.security import ScanView

pytestmark = pytest.mark.sandbox


def test_clicking_scan_shows_the_report(service: CwsService) -> None:
    ami = world_image(service, SQUATTER, "ubuntu/images/")
    view = ScanView(service, ami_id=ami, region=REGION)
    assert view.output.value == "" and view.report is None
    view.scan_button.click()
    view.wait()
    assert view.error is None and view.report.ami_id == ami
    assert "owner-squatting" in view.output.value and "Security scan of" in view.output.value
    assert f"{view.report.score}/100" in view.output.value
    assert view.scan_button.disabled is False and view.status.value == ""


def test_a_failed_scan_is_a_short_red_sentence(service: CwsService) -> None:
    view = ScanView(service, ami_id="ami-0123456789abcdef0", region=REGION)
    view.scan_button.click()
    view.wait()
    assert view.report is None and view.error is not None
    assert "cws-error" in view.output.value and "does not exist in us-east-1" in view.output.value


def test_no_image_no_scan_and_show_image_fills_the_fields(service: CwsService) -> None:
    view = ScanView(service)
    assert view.region_picker.value == service.settings.region
    view.scan_button.click()
    assert view.worker is None and "enter an image id first" in view.status.value
    view.show_image("ami-0123456789abcdef0", "eu-west-1")
    assert view.ami_field.value == "ami-0123456789abcdef0"
    assert view.region_picker.value == "eu-west-1" and view.status.value == ""


@pytest.mark.parametrize(
    "producer, result",
    [(security_report_html, hostile_report), (policy_check_html, hostile_check)],
)
def test_html_is_escaped_and_kept_from_mathjax(producer: object, result: object) -> None:
    html = producer(result())  # type: ignore[operator]
    assert "$" not in html and "&#36;5.00" in html
    assert exposed_to_mathjax(html) == []
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "[bold]b [/x]" in html  # rich markup is just text here


def test_report_html_shows_the_policy_verdict_and_counts() -> None:
    report = hostile_report()
    html = security_report_html(report)
    assert "Denied by the policy" in html and "1 high" in html and "42/100" in html
    allowed = report.model_copy(update={"policy_violations": [], "findings": []})
    assert "Allowed by the policy" in security_report_html(allowed)
    assert "no findings" in security_report_html(allowed)
