"""Choosing among candidate images, and the safety checks on the image chosen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..aws.images import AMIInfo
from ..templates.models import TRUSTED_OWNERS

VERSION_RE = re.compile(r"\d+(?:\.\d+)+")
SQUATTING = (
    "refusing to search every public image without an owner: anyone can publish an image with "
    "a look-alike name (AMI squatting, CVE-2018-15869). Add `owner:` (an account id such as "
    "099720109477 for Canonical, 137112412989 for Amazon, or 'self') to ami_search"
)


def parse_time(text: str | None) -> dt.datetime | None:
    """EC2 timestamps (``2025-11-12T08:14:09.000Z``) as aware datetimes."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def usable(image: AMIInfo, now: dt.datetime) -> str | None:
    """Why an image may not be used (not available, deprecated), or None when it may."""
    if image.state != "available":
        return f"{image.ami_id} is {image.state}"
    deprecated = parse_time(image.deprecation_time)
    if deprecated and deprecated <= now:
        return f"{image.ami_id} is deprecated since {image.deprecation_time}"
    return None


def pick_newest(
    images: Iterable[AMIInfo],
    archs: list[str],
    now: dt.datetime,
    *,
    min_creation: dt.date | None = None,
    version_constraint: str | None = None,
) -> tuple[AMIInfo | None, list[str]]:
    """Best image: preferred architecture first, then newest CreationDate, then lowest id."""
    rejected: list[str] = []
    candidates: list[AMIInfo] = []
    for image in images:
        reason = usable(image, now)
        created = parse_time(image.creation_date)
        if reason is None and image.architecture not in archs:
            reason = f"{image.ami_id} is {image.architecture}, wanted {'/'.join(archs)}"
        if reason is None and min_creation and created and created.date() < min_creation:
            reason = f"{image.ami_id} was created {created.date()}, before {min_creation}"
        if reason is None and version_constraint and not satisfies(image.name, version_constraint):
            reason = f"{image.ami_id} ({image.name}) does not satisfy {version_constraint}"
        if reason:
            rejected.append(reason)
        else:
            candidates.append(image)
    if not candidates:
        return None, rejected
    candidates.sort(key=lambda i: (archs.index(i.architecture), _neg_time(i), i.ami_id))
    return candidates[0], rejected


def _neg_time(image: AMIInfo) -> float:
    created = parse_time(image.creation_date)
    return -created.timestamp() if created else 0.0


def satisfies(name: str, constraint: str) -> bool:
    """Does the first version number in an image name meet a PEP 440 constraint (e.g. '>=2025.9')?"""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        spec = SpecifierSet(constraint)
    except InvalidSpecifier:
        return constraint in name
    for token in VERSION_RE.findall(name):
        try:
            return Version(token) in spec
        except InvalidVersion:
            continue
    return False


def safety_warnings(
    image: AMIInfo,
    *,
    trusted: set[str],
    owned_by_caller: bool,
    max_age_days: int,
    now: dt.datetime,
) -> list[str]:
    """Warnings about the chosen image: untrusted owner, old age."""
    warnings: list[str] = []
    if (
        not owned_by_caller
        and image.owner_id not in trusted
        and (image.owner_alias or "") not in trusted
    ):
        known = ", ".join(
            f"{name} {acct}" for acct, name in TRUSTED_OWNERS.items() if acct.isdigit()
        )
        warnings.append(
            f"{image.ami_id} is owned by account {image.owner_id}, which is not a trusted publisher "
            f"({known}); check it before use, or trust it with CWS_TRUSTED_OWNERS={image.owner_id}"
        )
    created = parse_time(image.creation_date)
    if created and (now - created).days > max_age_days:
        warnings.append(
            f"{image.ami_id} was created {created.date()}, {(now - created).days} days ago "
            f"(older than {max_age_days} days): it may lack security updates"
        )
    return warnings
