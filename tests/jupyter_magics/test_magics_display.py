"""The display formatters: HTML (every value escaped) and readable text for each result type."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok

from cws_jupyter.core.resolver.models import (
    CostComparison,
    Provisioning,
    Resolution,
    ResolutionMethod,
    TierAttempt,
    TierOutcome,
)
from cws_jupyter.core.service import TemplateList, TemplateSummary
from cws_jupyter.core.templates.loader import TemplateCheck
from cws_jupyter.display import CheckList
from cws_jupyter.display.html import OUTCOME_COLOURS

EVIL = "<script>alert('x')</script>"


def formats(shell: InteractiveShell, obj: object) -> tuple[str, str]:
    """The text/html and text/plain forms IPython would send for ``obj``."""
    data, _ = shell.display_formatter.format(obj)
    return data["text/html"], data["text/plain"]


def crafted_costs(region: str = "eu-west-1") -> CostComparison:
    """A cost comparison with a hostile recommendation."""
    return CostComparison(
        instance_type="t3.large",
        region=region,
        hourly_price=0.0944,
        price_as_of="2025-11",
        ami_launch_seconds=45,
        script_launch_seconds=405,
        script_setup_seconds=360,
        script_setup_cost=0.00944,
        time_saved_seconds=360,
        snapshot_gb=30,
        snapshot_storage_per_month=1.5,
        recommendation=f"use it {EVIL}",
    )


def crafted_resolution() -> Resolution:
    """A resolution whose every text field carries markup."""
    return Resolution(
        template=EVIL,
        region="eu-west-1",
        strategy="ami_preferred",
        architecture="x86_64",
        ami_id="ami-0123456789abcdef0",
        resolution_method=ResolutionMethod.CROSS_REGION,
        source_region="eu-central-1",
        copy_required=True,
        fallback_chain=[
            TierAttempt(
                tier=ResolutionMethod.DIRECT_MAPPING,
                region="eu-west-1",
                outcome=TierOutcome.SKIPPED,
                reason="no <mapping> here",
            ),
            TierAttempt(
                tier=ResolutionMethod.SSM_PARAMETER,
                region="eu-west-1",
                outcome=TierOutcome.MISS,
                reason="parameter <none> & gone",
            ),
            TierAttempt(
                tier=ResolutionMethod.CROSS_REGION,
                region="eu-central-1",
                outcome=TierOutcome.HIT,
                reason="found",
                ami_id="ami-0123456789abcdef0",
            ),
        ],
        warnings=["<img src=x onerror=alert(1)> is not trusted"],
        instance_type="t3.large",
        estimated_cost=0.0944,
        estimated_launch_time=45,
        cost_comparison=crafted_costs(),
        provisioning=Provisioning.NONE,
        user_data="#!/bin/bash\necho '</pre><b>boom</b>'",
    )


def test_resolution_html_has_the_answer_the_chain_and_escapes_everything(
    shell: InteractiveShell,
) -> None:
    """The ami id, each step in its outcome colour, warnings highlighted; values never markup."""
    html, text = formats(shell, crafted_resolution())
    assert "ami-0123456789abcdef0" in html and 'class="cws-chain"' in html
    for tier in ("direct_mapping", "ssm_parameter", "cross_region"):
        assert tier in html
    for outcome in ("skipped", "miss", "hit"):
        assert OUTCOME_COLOURS[outcome] in html
    assert 'class="cws-warnings"' in html and "eu-central-1 (copy to eu-west-1 needed" in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "no &lt;mapping&gt; here" in html and "&lt;none&gt; &amp; gone" in html
    assert "<b>boom</b>" not in html and "&lt;/pre&gt;&lt;b&gt;boom" in html
    assert "ami-0123456789abcdef0" in text and "fallback chain" in text


def test_real_resolution_html(shell: InteractiveShell) -> None:
    """A sandbox resolution: ami id, method, chain, cost comparison and launch time shown."""
    res = ok(shell, "%cws resolve teaching-lab --region eu-west-1")
    html, text = formats(shell, res)
    assert res.ami_id in html and "cross_region" in html and "eu-central-1" in html
    assert "A template AMI vs script provisioning" in html and "launch time" in html
    chain = html.split('class="cws-chain"')[1].split("</table>")[0]
    assert chain.count("<tr><td") == len(res.fallback_chain) >= 5  # one step per tier tried
    assert res.ami_id in text and "fallback chain" in text


def test_other_results_escape_their_values(shell: InteractiveShell) -> None:
    """Catalogue, checks and costs: values with markup are shown as text."""
    listing = TemplateList(
        templates=[
            TemplateSummary(
                slug="x", name=EVIL, description="a <b>bold</b> claim", path="/tmp/x.yml"
            )
        ],
        errors=[f"bad file {EVIL}"],
    )
    html, _ = formats(shell, listing)
    assert (
        "<script>" not in html
        and "&lt;b&gt;bold&lt;/b&gt;" in html
        and "could not be loaded" in html
    )
    checks = CheckList([TemplateCheck(path="<cell>", ok=False, errors=[f"field {EVIL}"])])
    html, _ = formats(shell, checks)
    assert "<script>" not in html and "&lt;cell&gt;" in html
    html, _ = formats(shell, crafted_costs(region="<b>r</b>"))
    assert "<b>r</b>" not in html and "&lt;b&gt;r&lt;/b&gt;" in html and "<svg" in html


@pytest.mark.parametrize(
    ("cell", "in_html", "in_text"),
    [
        ("%cws templates list", 'class="cws-templates"', "python-ml"),
        ("%cws templates show python-ml", "AMI sources", "slug: python-ml"),
        ("%cws regions fallbacks", 'class="cws-fallbacks"', "Europe (Ireland)"),
        (
            "%cws test python-ml --region eu-west-1",
            'class="cws-matrix"',
            "available in 1/1 regions",
        ),
        ("%cws costs python-ml", 'class="cws-cost-chart"', "script provisioning"),
        ("%cws sandbox status", "simulated AWS account", "sandbox: running at http://127.0.0.1:"),
    ],
)
def test_every_result_has_html_and_readable_text(
    shell: InteractiveShell, cell: str, in_html: str, in_text: str
) -> None:
    """Each verb's result renders as an HTML box and as the CLI's text, not as a pydantic repr."""
    result = ok(shell, cell)
    html, text = formats(shell, result)
    assert html.startswith('<div class="cws-result"') and in_html in html
    assert in_text in text and not text.startswith(type(result).__name__ + "(")
