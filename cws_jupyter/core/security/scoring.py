"""The score (100 minus each finding's weight, at least 0) and the recommendations of a report."""

from __future__ import annotations

from collections.abc import Iterable

from .models import SEVERITIES, Finding

#: What a finding of each severity costs the score.
WEIGHTS: dict[str, int] = {"critical": 40, "high": 25, "medium": 10, "low": 5, "info": 0}
PERFECT = 100

#: One recommendation per check that found something worth acting on (not ``info``).
ADVICE: dict[str, str] = {
    "owner": "Launch images only from your own account or publishers you trust, and give every "
    "ami_search in your templates an owner, so that look-alike images are never candidates.",
    "state": "Use images that are available; cws ami resolve skips the others.",
    "age": "Keep images current: rebuild your own from a fresh base every few months, and let "
    "cws ami resolve pick the publishers' newest images.",
    "deprecation": "Move off deprecated images: cws ami resolve finds the current one, and "
    "cws ami pin TEMPLATE --refresh moves a pin.",
    "launch_permission": "Keep your images private: share them with accounts or your "
    "organization (cws ami share AMI ACCOUNT) rather than with everyone, and turn on image block "
    "public access in each region.",
    "encryption": "Encrypt your images' snapshots (copy them with --encrypted), and turn on EBS "
    "encryption by default (aws ec2 enable-ebs-encryption-by-default) in each region.",
    "imds": "Require IMDSv2 on your images (aws ec2 modify-image-attribute --imds-support "
    "v2.0) and on every instance you launch outside cws.",
    "boot_mode": "Prefer UEFI images: they can use UEFI Secure Boot and NitroTPM.",
    "inspector": "Patch what Amazon Inspector reports on instances launched from this image, "
    "then rebuild the image so that new workstations start patched.",
}
ALL_CLEAR = (
    "No problems found by these checks. Scan again after each rebuild, and keep Amazon Inspector "
    "on to hear of newly published vulnerabilities."
)


def score(findings: Iterable[Finding]) -> int:
    """100 minus the weight of each finding, at least 0. Inspector's findings weigh once per
    severity, however many there are: a real image has dozens of medium CVEs, and a score of 0
    for all of them would tell nothing."""
    lost = 0
    inspector_severities: set[str] = set()
    for finding in findings:
        if finding.source == "inspector":
            inspector_severities.add(finding.severity)
        else:
            lost += WEIGHTS[finding.severity]
    lost += sum(WEIGHTS[s] for s in inspector_severities)
    return max(0, PERFECT - lost)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; within a severity, in the order found (check order)."""
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: rank[f.severity])


def recommendations(findings: Iterable[Finding]) -> list[str]:
    """One piece of advice per check with an actionable finding, most severe first."""
    advice: list[str] = []
    for finding in ordered(findings):
        text = ADVICE.get(finding.check)
        if finding.severity != "info" and text and text not in advice:
            advice.append(text)
    return advice or [ALL_CLEAR]
