"""Registry ids (``cami-`` + 16 hex digits), distinct from EC2 image ids (``ami-...``)."""

from __future__ import annotations

import re
import secrets

from .limits import IMAGE_ID_PATTERN, REGISTRY_ID_PATTERN

REGISTRY_ID = re.compile(REGISTRY_ID_PATTERN)
IMAGE_ID = re.compile(IMAGE_ID_PATTERN)
PREFIX = "cami-"


def new_registry_id() -> str:
    """A fresh random registry id (64 random bits: collisions are not a practical concern)."""
    return PREFIX + secrets.token_hex(8)


def is_registry_id(value: str) -> bool:
    """True for ``cami-`` + 16 lower-case hex digits."""
    return bool(REGISTRY_ID.match(value))


def is_image_id(value: str) -> bool:
    """True for an EC2 image id (``ami-`` + 8 to 17 lower-case hex digits)."""
    return bool(IMAGE_ID.match(value))
