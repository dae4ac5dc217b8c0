"""Validated scalar types shared by the template format: AMI ids, regions, durations, architectures."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

# The region checks live with the region data; imported here for the template fields (and
# for callers that know them from here).
from ..regions.known import AZ_RE, check_region, known_regions, nearest_region  # noqa: F401

AMI_ID_RE = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
DURATION_RE = re.compile(r"^(?:(\d{1,6})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?$")
INSTANCE_TYPE_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+(?:-[a-z0-9]+)*$")  # m7i.metal-24xl


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


OWNER_ALIASES = frozenset({"amazon", "aws-marketplace", "self", "aws-backup-vault"})
ACCOUNT_ID_RE = re.compile(r"^\d{12}$")


def owner_problem(value: object) -> str | None:
    """Why ``value`` is not an image owner EC2 can search (None when it is one)."""
    if isinstance(value, str) and (ACCOUNT_ID_RE.match(value) or value in OWNER_ALIASES):
        return None
    quote = (
        ' (put account ids in quotes, e.g. owner: "099720109477": YAML reads some numbers as octal)'
        if isinstance(value, str) and value.isdigit()
        else ""
    )
    return (
        f"{shown(value)} is not an image owner: use a 12-digit AWS account id (Canonical is "
        "099720109477, Amazon 137112412989) or one of amazon, aws-marketplace, self" + quote
    )


def check_owner(value: str) -> str:
    """An image owner is a 12-digit account id or one of EC2's aliases (ValueError otherwise)."""
    problem = owner_problem(value)
    if problem:
        raise ValueError(problem)
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
