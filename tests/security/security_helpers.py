"""Helpers for the security tests (a module of its own: conftest files are not importable)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from cws_testing import isolated_environ

from cws_jupyter.core.aws.images import AMIInfo
from cws_jupyter.core.config import Settings
from cws_jupyter.core.security.models import (
    Finding,
    ImageVerdict,
    PolicyCheck,
    PolicyRules,
    PolicyViolation,
    SecurityReport,
)

#: The sandbox's own account, and the look-alike publisher of its world (world.yaml).
ACCOUNT = "123456789012"
SQUATTER = "666666666666"
CANONICAL = "099720109477"
REGION = "us-east-1"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]
#: Text a renderer must show as written: rich markup, a MathJax formula, HTML, an emoji code.
HOSTILE = "[bold]b [/x] $x$ <script>s</script> :rocket: $5.00 and $6.00"


def make_settings(home: Path, **extra: Any) -> Settings:
    """Settings for the sandbox under ``home`` (the layout CWS_HOME=home gives the CLI)."""
    return Settings(
        region=REGION,
        sandbox=True,
        state_dir=home / "state",
        cache_dir=home / "cache",
        user_template_dir=home / "templates",
        **extra,
    )


def image(**fields: Any) -> AMIInfo:
    """An image as the scanner sees it; a current, EBS-backed, encrypted, IMDSv2, UEFI image of
    a stranger's account unless ``fields`` say otherwise."""
    values: dict[str, Any] = {
        "ami_id": "ami-0123456789abcdef0",
        "name": "lab-image-2026.05",
        "owner_id": "210987654321",
        "region": REGION,
        "creation_date": "2026-05-20T10:00:00.000Z",
        "state": "available",
        "public": False,
        "encrypted": True,
        "imds_support": "v2.0",
        "boot_mode": "uefi",
    }
    values.update(fields)
    return AMIInfo(**values)


def world_image(service: Any, owner: str, name_start: str, region: str = REGION) -> str:
    """The id of the sandbox world's image of ``owner`` whose name starts with ``name_start``."""
    ec2 = service.access.client("ec2", region)
    images = ec2.describe_images(Owners=[owner])["Images"]
    return next(i["ImageId"] for i in images if i["Name"].startswith(name_start))


def register(service: Any, name: str, region: str = REGION, public: bool = False) -> str:
    """Register an image in this (the sandbox's) account; optionally shared with everyone."""
    ec2 = service.access.client("ec2", region)
    ami = ec2.register_image(Name=name, RootDeviceName="/dev/sda1")["ImageId"]
    if public:
        ec2.modify_image_attribute(ImageId=ami, LaunchPermission={"Add": [{"Group": "all"}]})
    return ami


def cws(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`cws --sandbox ARGS` in a separate process: no user AWS settings, CWS_HOME=home."""
    return subprocess.run(
        [*CWS, "--sandbox", *args],
        env={**isolated_environ(home), "HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def body(out: subprocess.CompletedProcess[str]) -> Any:
    """The JSON a command printed."""
    return json.loads(out.stdout)


def write_policy(folder: Path, text: str, name: str = "policy.yaml") -> Path:
    """A policy file holding ``text``."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def hostile_report() -> SecurityReport:
    """A report with hostile text in every text field."""
    finding = Finding(id=HOSTILE, severity="high", check="owner", message=HOSTILE, fix=HOSTILE)
    return SecurityReport(
        ami_id=HOSTILE,
        region=HOSTILE,
        name=HOSTILE,
        owner_id=HOSTILE,
        owner_alias=HOSTILE,
        scanned_at=HOSTILE,
        score=42,
        findings=[finding],
        recommendations=[HOSTILE],
        policy_file=HOSTILE,
        policy_violations=[PolicyViolation(rule="allowed_owners", message=HOSTILE)],
        notes=[HOSTILE],
    )


def hostile_check() -> PolicyCheck:
    """A policy check with hostile text in every text field."""
    violation = PolicyViolation(rule="max_age_days", message=HOSTILE)
    return PolicyCheck(
        policy=PolicyRules(file=HOSTILE, name=HOSTILE, rules=[HOSTILE]),
        images=[
            ImageVerdict(
                ami_id=HOSTILE,
                region=HOSTILE,
                name=HOSTILE,
                owner_id=HOSTILE,
                allowed=False,
                violations=[violation],
            )
        ],
        allowed=False,
        notes=[HOSTILE],
    )
