"""Amazon Inspector (v2) findings on the instances launched from an image, when the account has
Inspector. Optional by nature: Inspector not enabled, not permitted or not offered in the region
is a note in the report, never a failed scan.

Inspector scans running instances, not images: its findings for an image are those of the
instances launched from it (``ec2InstanceImageId``), which is what a workstation from the image
would have too. One CVE found on five instances is one finding here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import SEVERITIES, Finding, Severity

#: Inspector's severities as the report's.
SEVERITY_OF: dict[str, Severity] = {
    "CRITICAL": "critical",
    "HIGH": "high",
    "MEDIUM": "medium",
    "LOW": "low",
    "INFORMATIONAL": "info",
    "UNTRIAGED": "info",
}
PAGE_SIZE = 100  # ListFindings' maximum
#: The most findings read (most severe first): enough to name the worst, bounded in time.
MAX_READ = 500
#: The most distinct findings listed in a report; the rest are counted in a note.
MAX_LISTED = 20
MAX_PACKAGES = 3
NOT_AVAILABLE = "Inspector not available"
SANDBOX_NOTE = f"{NOT_AVAILABLE}: the sandbox does not simulate Amazon Inspector"
ACCESS_CODES = {
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
}


@dataclass
class InspectorResult:
    """Findings from Inspector, and what to tell the user about it (coverage, availability)."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Issue:
    """One distinct problem (a CVE, a reachable port) over every instance it was seen on."""

    key: str
    severity: Severity
    score: float
    title: str
    vulnerability: str | None
    instances: set[str] = field(default_factory=set)
    packages: dict[str, str | None] = field(default_factory=dict)  # "name version" -> fixed in
    remediation: str = ""
    fix_available: str | None = None


def inspector_findings(client_of: Callable[[], Any], ami_id: str, region: str) -> InspectorResult:
    """Inspector's active findings for ``ami_id`` in ``region`` (``client_of()`` gives the
    ``inspector2`` client), or a note saying why there are none to show."""
    from botocore.exceptions import BotoCoreError, ClientError

    from ..errors import CwsError

    try:
        raw, complete = _read(client_of(), ami_id)
    except (ClientError, BotoCoreError, CwsError, ValueError) as exc:
        return InspectorResult(notes=[f"{NOT_AVAILABLE}: {_why(exc, region)}"])
    issues = _issues(raw)
    listed = issues[:MAX_LISTED]
    notes: list[str] = []
    if not issues:
        notes.append(
            f"Amazon Inspector has no active findings on instances launched from {ami_id} in "
            f"{region} (it scans running instances, not the image itself)"
        )
    if len(issues) > len(listed):
        notes.append(
            f"{len(issues) - len(listed)} more Inspector finding(s) not listed here: see Amazon "
            "Inspector in the AWS console"
        )
    if not complete:
        notes.append(f"only the {MAX_READ} most severe Inspector findings were read")
    return InspectorResult(findings=[_finding(i, ami_id) for i in listed], notes=notes)


def _read(client: Any, ami_id: str) -> tuple[list[dict[str, Any]], bool]:
    """Active findings for the image, most severe first, at most ``MAX_READ``; and whether
    that was all of them."""
    request: dict[str, Any] = {
        "filterCriteria": {
            "ec2InstanceImageId": [{"comparison": "EQUALS", "value": ami_id}],
            "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
        },
        "sortCriteria": {"field": "SEVERITY", "sortOrder": "DESC"},
        "maxResults": PAGE_SIZE,
    }
    found: list[dict[str, Any]] = []
    while True:
        reply = client.list_findings(**request)
        found += reply.get("findings", [])
        token = reply.get("nextToken")
        if not token:
            return found, True
        if len(found) >= MAX_READ:
            return found[:MAX_READ], False
        request["nextToken"] = token


def _issues(raw: list[dict[str, Any]]) -> list[_Issue]:
    """Findings grouped by CVE (or title), most severe first, then by Inspector's score."""
    issues: dict[str, _Issue] = {}
    for item in raw:
        details = item.get("packageVulnerabilityDetails") or {}
        vulnerability = details.get("vulnerabilityId")
        title = item.get("title") or vulnerability or item.get("type", "finding")
        key = vulnerability or title
        severity = SEVERITY_OF.get(str(item.get("severity")), "info")
        issue = issues.get(key)
        if issue is None:
            issue = issues[key] = _Issue(
                key=key,
                severity=severity,
                score=float(item.get("inspectorScore") or 0.0),
                title=title,
                vulnerability=vulnerability,
                remediation=((item.get("remediation") or {}).get("recommendation") or {}).get(
                    "text", ""
                ),
                fix_available=item.get("fixAvailable"),
            )
        elif SEVERITIES.index(severity) < SEVERITIES.index(issue.severity):
            issue.severity = severity
        issue.score = max(issue.score, float(item.get("inspectorScore") or 0.0))
        issue.instances.update(r.get("id", "") for r in item.get("resources", []) if r.get("id"))
        for package in details.get("vulnerablePackages", []):
            name = f"{package.get('name', '?')} {package.get('version', '')}".strip()
            issue.packages.setdefault(name, package.get("fixedInVersion"))
    return sorted(issues.values(), key=lambda i: (SEVERITIES.index(i.severity), -i.score, i.key))


def _finding(issue: _Issue, ami_id: str) -> Finding:
    where = f"{len(issue.instances)} instance(s) launched from {ami_id}"
    named = issue.title
    if issue.vulnerability and issue.vulnerability not in named:
        named = f"{issue.vulnerability}: {named}"
    packages = list(issue.packages.items())[:MAX_PACKAGES]
    message = f"{named} (Amazon Inspector, on {where})"
    if packages:
        message += "; in " + ", ".join(name for name, _ in packages)
    return Finding(
        id=f"inspector-{_slug(issue.key)}",
        severity=issue.severity,
        check="inspector",
        message=message,
        fix=_fix(issue, packages),
        source="inspector",
    )


def _fix(issue: _Issue, packages: list[tuple[str, str | None]]) -> str:
    updates = [f"{name.split()[0]} to {fixed}" for name, fixed in packages if fixed]
    parts = []
    if updates:
        parts.append("Update " + ", ".join(updates))
    elif issue.fix_available == "NO":
        parts.append("No fixed version is published yet; limit exposure until there is one")
    if issue.remediation:
        parts.append(issue.remediation.strip().rstrip("."))
    parts.append("then rebuild the image (cws ami create) so new workstations start patched")
    return "; ".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "finding"


def _why(exc: BaseException, region: str) -> str:
    """Why Inspector could not be asked, in words, with what to do."""
    from ..aws.errors import aws_code

    code = aws_code(exc) or ""
    response = getattr(exc, "response", None)
    text = (
        response.get("Error", {}).get("Message", "")
        if isinstance(response, dict)
        else getattr(exc, "message", None) or str(exc)
    )
    text = " ".join(str(text).split())[:300]
    if code in ACCESS_CODES:
        return (
            f"Amazon Inspector is not enabled for this account in {region}, or these "
            f"credentials may not read its findings ({code}: {text}). Enable it (aws inspector2 "
            "enable --resource-types EC2) or allow inspector2:ListFindings"
        )
    return f"{text} ({code})" if code and code not in text else text or type(exc).__name__
