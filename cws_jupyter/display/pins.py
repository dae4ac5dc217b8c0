"""HTML for the lock file's AMI pins (``%cws lock``). Every value is escaped (``display.html``)."""

from __future__ import annotations

from typing import Any

from .html import MUTED, box, code, table, tag


def lock_html(lock: Any) -> str:
    """One row per pinned template and region."""
    where = lock.source or "the lock file"
    if not lock.pins:
        return box(tag("div", f"No pins in {where}.", f"color: {MUTED}"), title="AMI pins")
    rows = [
        [template, region, code(pin.ami_id), pin.method, pin.name, pin.pinned_at[:10]]
        for template, regions in sorted(lock.pins.items())
        for region, pin in sorted(regions.items())
    ]
    return box(
        table(["template", "region", "AMI", "found by", "name", "pinned"], rows, cls="cws-pins"),
        title=f"AMI pins in {where}",
    )
