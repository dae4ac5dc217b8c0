"""HTML for the migration tools: the AMI analysis, a template's copy, a migrated workstation,
and the every-template-in-every-region matrix (every value escaped)."""

from __future__ import annotations

from typing import Any

from .html import (
    BAD,
    GOOD,
    MUTED,
    WARN,
    Raw,
    badge,
    box,
    code,
    money,
    notes_block,
    pairs,
    table,
    warnings_block,
)

VERDICT_COLOURS = {
    "worth an AMI": GOOD,
    "script provisioning is fine": MUTED,
    "already uses an AMI": GOOD,
    "AMI-only template": MUTED,
}


def _verdict(value: Any) -> Raw:
    text = str(getattr(value, "value", value))
    return badge(text, VERDICT_COLOURS.get(text, WARN))


def analysis_html(report: Any) -> str:
    """``migrate analyze``: is an AMI worth it, per template."""
    rows = [
        [
            code(r.template),
            _verdict(r.verdict),
            f"{r.minutes_saved_per_launch:g} min",
            money(r.setup_cost_per_launch),
            money(r.savings_per_month, 2),
            money(r.ami_storage_per_month, 2),
            money(r.net_per_month, 2),
            r.reason,
        ]
        for r in report.rows
    ]
    headers = [
        "template",
        "verdict",
        "saved/launch",
        "setup cost",
        "saved/month",
        "storage/month",
        "net/month",
        "why",
    ]
    title = (
        f"AMI or script? {len(report.rows)} template(s) in {report.region} at "
        f"{report.launches_per_month} launches a month (prices of {report.price_as_of})"
    )
    return str(box(table(headers, rows), notes_block(report.errors, "Not loaded"), title=title))


def template_migration_html(result: Any) -> str:
    """``migrate template``: the copy written and what its ami_config says."""
    mappings = ", ".join(f"{region}: {ami}" for region, ami in sorted(result.mappings.items()))
    facts = pairs(
        [
            ("copy", code(result.path)),
            ("from", code(result.original_path)),
            ("action", result.action),
            ("maps", mappings or None),
            ("searches own builds", "yes" if result.searches_own_builds else None),
            (
                "in use",
                badge("yes", GOOD) if result.active else badge(f"no: {result.shadowed_by}", WARN),
            ),
        ]
    )
    return str(
        box(facts, warnings_block(result.warnings), title=f"{result.template}: ami_config written")
    )


def instance_migration_html(result: Any) -> str:
    """``migrate instance``: a workstation imaged, its AMI mapped into the template's copy."""
    facts = pairs(
        [
            ("workstation", f"{result.workstation} ({result.instance_id}, {result.region})"),
            ("image", code(result.ami_id)),
            ("mapped in", code(result.template_copy.path)),
        ]
    )
    return str(
        box(
            facts,
            warnings_block(result.template_copy.warnings),
            title=f"{result.template} migrated to {result.ami_id}",
        )
    )


def matrix_html(matrix: Any) -> str:
    """``migrate test-all``: every template in every region, failures as rows."""
    rows = [
        [
            code(r.template),
            r.region,
            badge("ok", GOOD) if r.ok else badge("failed", BAD),
            r.method or "",
            code(r.ami_id) if r.ami_id else "",
            r.provisioning or "",
            r.error or "",
        ]
        for r in matrix.rows
    ]
    headers = ["template", "region", "", "method", "ami", "first boot", "error"]
    title = f"{matrix.resolved} resolved, {matrix.failed} failed ({matrix.seconds:.1f} s)"
    return str(box(table(headers, rows), notes_block(matrix.notes, "Not loaded"), title=title))
