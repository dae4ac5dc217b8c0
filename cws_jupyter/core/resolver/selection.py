"""Choosing among candidate images, and the safety checks on the image chosen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..aws.images import AMIInfo, RankedImages, parse_time
from ..templates.models import TRUSTED_OWNERS

VERSION_RE = re.compile(r"\d+(?:\.\d+)+")
SQUATTING = (
    "refusing to search every public image without an owner: anyone can publish an image with "
    "a look-alike name (AMI squatting, CVE-2018-15869). Add `owner:` (an account id such as "
    "099720109477 for Canonical, 137112412989 for Amazon, or 'self') to ami_search"
)


__all__ = ["parse_time", "pick_newest", "safety_warnings", "satisfies", "usable"]


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
    """Best image: preferred architecture first, then newest CreationDate, then lowest id.

    Images from the catalog (``RankedImages``) are already in that order: the first usable one
    of the preferred architecture wins, and the choice is kept with them until an image's
    deprecation time passes. Then ``rejected`` names the images passed over before the choice
    (all of them when nothing is chosen, in the order AWS listed them)."""
    if isinstance(images, RankedImages):
        return _pick_ranked(images, archs, now, min_creation, version_constraint)
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


def _pick_ranked(
    images: RankedImages,
    archs: list[str],
    now: dt.datetime,
    min_creation: dt.date | None,
    version_constraint: str | None,
) -> tuple[AMIInfo | None, list[str]]:
    """``pick_newest`` over ranked rows: stops at the first usable image of the first
    architecture; the result is kept until the next deprecation time among the images."""
    memo_key = (tuple(archs), min_creation, version_constraint)
    at = now.timestamp()
    kept = images.selections.get(memo_key)
    if kept is not None and kept[0] <= at < kept[1]:
        return kept[2], list(kept[3])
    # The head (a prefix of the ranked rows) decides when it holds a usable image of the first
    # architecture: the whole list would stop there too. Otherwise every row is read.
    found = _scan(images.head, archs, at, min_creation, version_constraint)
    if (found[0] is None or found[1] != 0) and not images.complete:
        found = _scan(images.rows, archs, at, min_creation, version_constraint)
    best, _, rejected = found
    reasons = [reason for _, reason in sorted(rejected)]
    chosen = images.info(best) if best is not None else None
    images.selections[memo_key] = (at, images.next_deprecation(at), chosen, reasons)
    return chosen, list(reasons)


def _scan(
    rows: list[list[Any]],
    archs: list[str],
    at: float,
    min_creation: dt.date | None,
    version_constraint: str | None,
) -> tuple[int | None, int, list[tuple[int, str]]]:
    """The index of the best row among ``rows`` (ranked), its architecture's rank, and the
    reasons (with each row's place in the AWS answer) of the rows passed over before it."""
    best: int | None = None
    best_rank = len(archs)
    rejected: list[tuple[int, str]] = []
    for index, row in enumerate(rows):
        pos, ami_id, name, arch, created_text, _, state, deprecation, deprecated_ts, _ = row
        reason = None
        if state != "available":
            reason = f"{ami_id} is {state}"
        elif deprecated_ts is not None and deprecated_ts <= at:
            reason = f"{ami_id} is deprecated since {deprecation}"
        elif arch not in archs:
            reason = f"{ami_id} is {arch}, wanted {'/'.join(archs)}"
        elif min_creation:
            created = parse_time(created_text)
            if created and created.date() < min_creation:
                reason = f"{ami_id} was created {created.date()}, before {min_creation}"
        if reason is None and version_constraint and not satisfies(name, version_constraint):
            reason = f"{ami_id} ({name}) does not satisfy {version_constraint}"
        if reason is not None:
            rejected.append((pos, reason))
            continue
        rank = archs.index(arch)
        if rank < best_rank:
            best, best_rank = index, rank
            if rank == 0:
                break
    return best, best_rank, rejected


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
