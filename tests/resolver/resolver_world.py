"""Helpers to describe small test worlds (world.yaml families) for resolver tests."""

from __future__ import annotations

from typing import Any

from cws_jupyter.core.sandbox import world_image_id

CANONICAL = "099720109477"
AMAZON = "137112412989"
COMMUNITY = "210987654321"


def family(fam: str, regions: list[str], **extra: Any) -> dict[str, Any]:
    """A world family with sensible defaults."""
    data: dict[str, Any] = {
        "family": fam,
        "owner": CANONICAL,
        "regions": regions,
        "architectures": ["x86_64"],
        "name": f"{fam}-{{arch}}-20260101",
        "creation_date": "2026-10-01T00:00:00Z",
        "root_volume_gb": 8,
    }
    data.update(extra)
    return data


def image_id(name: str, region: str, arch: str = "x86_64") -> str:
    """The id a test-world family gets in a region."""
    return world_image_id(name, region, arch)
