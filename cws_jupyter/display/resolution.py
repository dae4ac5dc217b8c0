"""HTML for the resolver's answers: a Resolution (answer, chain, warnings, costs) and costs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import (
    BAD,
    GOOD,
    MUTED,
    OUTCOME_COLOURS,
    WARN,
    Raw,
    badge,
    box,
    code,
    colour,
    details,
    duration,
    heading,
    join,
    launches,
    money,
    notes_block,
    pairs,
    pre,
    table,
    tag,
    warnings_block,
)

PROVISIONING = {
    "none": "none: the AMI holds everything",
    "ami_plus_script": "base image + first-boot script installing the template's packages",
    "script": "script provisioning on the region's default base image",
}


def _value(enum_or_str: Any) -> str:
    """An enum's value, or the string itself."""
    return str(getattr(enum_or_str, "value", enum_or_str))


def method_badge(method: Any) -> Raw:
    """The resolution method, coloured: an AMI (green), script (amber), failed (red)."""
    name = _value(method)
    hue = BAD if name == "failed" else WARN if name == "script_fallback" else GOOD
    return badge(name, hue)


def chain_table(chain: Sequence[Any]) -> Raw:
    """The fallback chain as numbered steps, each outcome in its colour."""
    rows = []
    for number, step in enumerate(chain, 1):
        outcome = _value(step.outcome)
        rows.append(
            [
                number,
                code(_value(step.tier)),
                step.region,
                badge(outcome, OUTCOME_COLOURS.get(outcome, MUTED)),
                step.reason,
                f"{step.duration_ms:.0f}",
            ]
        )
    return table(["step", "tier", "region", "outcome", "reason", "ms"], rows, cls="cws-chain")


def _image_line(ami: Any) -> str | None:
    """``name (owner 123, created 2025-01-01)``."""
    if ami is None:
        return None
    owner = ami.owner_id + (f" {ami.owner_alias}" if ami.owner_alias else "")
    created = ami.creation_date[:10]
    return f"{ami.name or ami.ami_id} (owner {owner}, {ami.architecture}, created {created})"


def resolution_html(res: Any) -> str:
    """A Resolution: answer, method, provisioning, warnings, fallback chain, cost comparison."""
    answer = (
        code(res.ami_id) if res.ami_id else colour("no AMI: script provisioning", WARN, bold=True)
    )
    title = join([res.template, " in ", res.region, " \u2192 ", answer])
    copy_line = None
    if res.copy_required:
        seconds = res.cost_comparison.copy_seconds if res.cost_comparison else 0
        copy_line = f"{res.source_region} (copy to {res.region} needed, ~{duration(seconds)})"
    instance = (
        f"{res.instance_type} at {money(res.estimated_cost)}/h" if res.instance_type else None
    )
    facts = pairs(
        [
            ("method", method_badge(res.resolution_method)),
            ("provisioning", PROVISIONING.get(_value(res.provisioning), _value(res.provisioning))),
            ("strategy", res.strategy),
            ("architecture", res.architecture),
            ("image", _image_line(res.ami)),
            ("source region", copy_line),
            ("fallback AMI", _image_line(res.fallback_ami)),
            ("instance", instance),
            ("launch time", f"~{duration(res.estimated_launch_time)} to a ready workstation"),
            ("AWS calls", f"{res.aws_calls} ({res.duration_ms:.0f} ms)"),
        ]
    )
    warnings = list(res.warnings)
    if res.warning and res.warning not in warnings:
        warnings.insert(0, res.warning)
    parts: list[Any] = [
        facts,
        warnings_block(warnings),
        heading("Fallback chain"),
        chain_table(res.fallback_chain),
    ]
    if res.cost_comparison is not None:
        parts += [heading("A template AMI vs script provisioning"), costs_body(res.cost_comparison)]
    if res.user_data:
        parts.append(details("first-boot script (user data)", pre(res.user_data)))
    return str(box(*parts, title=title))


def costs_body(c: Any) -> Raw:
    """AMI launch versus script provisioning, side by side, and the verdict."""
    rows = [
        ["time to ready", duration(c.ami_launch_seconds), duration(c.script_launch_seconds)],
        ["setup cost per launch", "$0", money(c.script_setup_cost)],
        [
            "snapshot storage",
            f"{money(c.snapshot_storage_per_month, 2)}/month ({c.snapshot_gb} GB)",
            "-",
        ],
    ]
    if c.cross_region_transfer or c.copy_seconds:
        rows.append(
            [
                "cross-region copy",
                f"{money(c.cross_region_transfer, 2)} once, ~{duration(c.copy_seconds)}",
                "-",
            ]
        )
    if c.break_even_launches_per_month is not None:
        rows.append(
            ["break-even", f"{launches(c.break_even_launches_per_month)} launches/month", ""]
        )
    caption = tag(
        "div",
        f"{c.instance_type} in {c.region} at {money(c.hourly_price)}/h (prices of {c.price_as_of})",
        f"color: {MUTED}",
    )
    verdict = tag("div", c.recommendation, "margin-top: 4px")
    return join(
        [
            caption,
            table(["", "prebuilt AMI", "script provisioning"], rows, cls="cws-costs"),
            verdict,
        ]
    )


def cost_comparison_html(c: Any) -> str:
    """One CostComparison: a chart (time and money) over the table; then, when asked for
    (``ami costs``), the template's stored images and what they cost a month; then notes."""
    from .chart import cost_chart_svg

    title = f"A template AMI vs script provisioning: {c.region}"
    parts: list[Any] = [Raw(cost_chart_svg([c])), costs_body(c)]
    stored = getattr(c, "stored_images", None)
    if stored is not None:
        from .lifecycle import stored_costs_body

        parts += [heading(f"Stored images of {stored.template}"), stored_costs_body(stored)]
    parts.append(notes_block(getattr(c, "notes", None) or []))
    return str(box(*parts, title=title))


def costs_table_html(comparisons: Sequence[Any]) -> str:
    """Several regions' cost comparisons as one table."""
    rows = [
        [
            c.region,
            c.instance_type,
            money(c.hourly_price),
            duration(c.ami_launch_seconds),
            duration(c.script_launch_seconds),
            money(c.script_setup_cost),
            f"{money(c.snapshot_storage_per_month, 2)}/month",
            launches(c.break_even_launches_per_month),
        ]
        for c in comparisons
    ]
    headers = [
        "region",
        "instance",
        "price/h",
        "AMI ready",
        "script ready",
        "setup cost/launch",
        "snapshot storage",
        "break-even launches/month",
    ]
    return str(box(table(headers, rows, cls="cws-cost-table")))
