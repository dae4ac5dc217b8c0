"""HTML for the updater (``%cws outdated``, ``%cws rebuild``): each build and mapping with its
status and reason; a rebuild's new image and what became of the earlier builds. Every value is
escaped (``display.html``)."""

from __future__ import annotations

from typing import Any

from .html import GOOD, MUTED, WARN, badge, box, code, join, notes_block, pairs, table, tag

STATUS_COLOURS = {"current": GOOD, "outdated": WARN, "template_changed": WARN, "unknown": MUTED}


def outdated_html(report: Any) -> str:
    """One row per image: template, region, kind, status (coloured), the base and the reason."""
    if not report.images:
        empty = tag("div", "No builds or mappings to check.", f"color: {MUTED}")
        return box(empty, notes_block(report.notes), title="Outdated images")
    rows = [
        [
            image.template,
            image.region,
            join([code(image.ami_id), " ", tag("span", image.kind, f"color: {MUTED}")]),
            badge(image.status, STATUS_COLOURS.get(image.status, MUTED)),
            code(image.built_from) if image.built_from else "",
            code(image.current_base) if image.current_base else "",
            image.reason,
        ]
        for image in report.images
    ]
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()) if n)
    return box(
        tag("div", counts, f"color: {MUTED}"),
        table(
            ["template", "region", "image", "status", "built from", "current base", "why"],
            rows,
            cls="cws-outdated",
        ),
        notes_block(report.notes),
        title="Outdated images",
    )


def rebuild_html(result: Any) -> str:
    """The new image, the base it came from, and each earlier build deprecated or kept."""
    rows = [
        [
            code(row.ami_id),
            row.region,
            badge(row.status, GOOD if row.status == "deprecated" else MUTED),
            row.deprecate_at or "",
            row.message,
        ]
        for row in result.deprecated
    ]
    return box(
        pairs(
            [
                ("new image", code(result.ami_id)),
                ("template", result.template),
                ("region", result.region),
                ("base", join([code(result.base.ami_id), " ", result.base.name])),
                ("took", f"{result.seconds:.0f} s"),
                ("grace", f"{result.grace_days} days before earlier builds are deprecated"),
            ]
        ),
        table(["earlier build", "region", "", "deprecated from", "note"], rows, cls="cws-rebuild")
        if rows
        else tag("div", "No earlier build to deprecate.", f"color: {MUTED}"),
        notes_block(result.notes),
        title=f"Rebuilt {result.template}",
    )
