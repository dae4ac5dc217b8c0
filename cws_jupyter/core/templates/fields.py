"""Validated scalar types shared by the template format: AMI ids, regions, durations, architectures."""

from __future__ import annotations

import difflib
import re
from enum import Enum
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

AMI_ID_RE = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
DURATION_RE = re.compile(r"^(?:(\d{1,6})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?$")
INSTANCE_TYPE_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")


class Strategy(str, Enum):
    """How hard the resolver insists on an AMI."""

    AMI_PREFERRED = "ami_preferred"
    AMI_REQUIRED = "ami_required"
    AMI_FALLBACK = "ami_fallback"


class FallbackStrategy(str, Enum):
    """What to do when no AMI is found in the region itself."""

    SCRIPT_PROVISIONING = "script_provisioning"
    ERROR = "error"
    CROSS_REGION = "cross_region"


class Architecture(str, Enum):
    """EC2 image architectures a workstation can run."""

    X86_64 = "x86_64"
    ARM64 = "arm64"


ARCH_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "x86-64": "x86_64", "aarch64": "arm64"}


class PackageManager(str, Enum):
    """How the template's software gets onto the machine."""

    APT = "apt"
    DNF = "dnf"
    CONDA = "conda"
    PIP = "pip"
    SPACK = "spack"
    AMI = "ami"


def shown(value: object, limit: int = 80) -> str:
    """``repr`` of a user's value, shortened so one bad field cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_ami_id(value: str) -> str:
    """An AMI id is ``ami-`` followed by 8 or 17 lowercase hex digits."""
    if not isinstance(value, str) or not AMI_ID_RE.match(value):
        raise ValueError(
            f"{shown(value)} is not an AMI id: expected 'ami-' followed by 8 or 17 hex digits "
            "(e.g. ami-0123456789abcdef0)"
        )
    return value


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every EC2 region botocore knows, across the commercial, China and GovCloud partitions."""
    import botocore.session

    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(regions)


OWNER_ALIASES = frozenset({"amazon", "aws-marketplace", "self", "aws-backup-vault"})
ACCOUNT_ID_RE = re.compile(r"^\d{12}$")


def check_owner(value: str) -> str:
    """An image owner is a 12-digit account id or one of EC2's aliases."""
    if not isinstance(value, str) or not (ACCOUNT_ID_RE.match(value) or value in OWNER_ALIASES):
        raise ValueError(
            f"{shown(value)} is not an image owner: use a 12-digit AWS account id (Canonical is "
            "099720109477, Amazon 137112412989) or one of amazon, aws-marketplace, self"
        )
    return value


AZ_RE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")


def _typo_distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (us-esat-1)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def nearest_region(value: str) -> str | None:
    """The known region a mistyped name most likely meant, or None when nothing is close."""
    text = value.strip().lower()[:64]
    regions = sorted(known_regions())
    if text in regions:
        return text
    zone = AZ_RE.match(text)
    if zone and zone.group(1) in regions:
        return zone.group(1)
    scored = sorted(
        regions,
        key=lambda r: (_typo_distance(text, r), -difflib.SequenceMatcher(None, text, r).ratio()),
    )
    best = scored[0]
    return best if _typo_distance(text, best) <= max(2, len(best) // 4) else None


def check_region(value: str) -> str:
    """A region must be one AWS actually has; suggest the nearest spelling otherwise."""
    if not isinstance(value, str) or value not in known_regions():
        hint = nearest_region(value) if isinstance(value, str) else None
        if hint and AZ_RE.match(str(value).strip().lower()):
            suggestion = f"; that is an availability zone, its region is {hint}"
        else:
            suggestion = f"; did you mean {hint}?" if hint else ""
        raise ValueError(
            f"{shown(value)} is not an AWS region{suggestion} (e.g. us-east-1, eu-west-1)"
        )
    return value


def duration_seconds(value: str) -> int:
    """Parse a Go-style duration such as ``10m``, ``1h30m`` or ``45s`` into seconds."""
    match = DURATION_RE.match(value.strip()) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise ValueError(
            f"{shown(value)} is not a duration: "
            "use hours, minutes and seconds like '10m', '1h30m', '45s'"
        )
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def check_duration(value: str) -> str:
    """Validate a duration string, keeping the text the author wrote."""
    duration_seconds(value)
    return value.strip()


def normalize_architecture(value: object) -> object:
    """Accept the common spellings ``amd64`` and ``aarch64`` for the EC2 names."""
    if isinstance(value, str):
        return ARCH_ALIASES.get(value.strip().lower(), value.strip().lower())
    return value


def check_instance_type(value: str) -> str:
    """An EC2 instance type looks like ``family.size`` (t3.medium, g5.xlarge)."""
    if not isinstance(value, str) or not INSTANCE_TYPE_RE.match(value):
        raise ValueError(f"{shown(value)} is not an EC2 instance type (e.g. t3.medium, m7g.large)")
    return value


AmiId = Annotated[str, AfterValidator(check_ami_id)]
Region = Annotated[str, AfterValidator(check_region)]
Duration = Annotated[str, AfterValidator(check_duration)]
Arch = Annotated[Architecture, BeforeValidator(normalize_architecture)]
InstanceType = Annotated[str, AfterValidator(check_instance_type)]
