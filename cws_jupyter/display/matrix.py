"""The availability matrix arranged for reading: the regions that have the AMI first, then the
others folded by reason (one reason, the regions it applies to). Shared by HTML and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def split_matrix(rows: Sequence[Any]) -> tuple[list[Any], list[tuple[str, list[str]]]]:
    """``(available rows, [(reason, regions), ...])``: rows keep their order; the groups come
    most regions first, then in the order their reasons first appear."""
    available = [r for r in rows if r.available]
    groups: dict[str, list[str]] = {}
    for row in rows:
        if not row.available:
            groups.setdefault(row.reason, []).append(row.region)
    order = list(groups)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), order.index(item[0])))
    return available, ranked


def regions_phrase(count: int) -> str:
    """``1 region``, ``32 regions``."""
    return f"{count} region" + ("" if count == 1 else "s")
