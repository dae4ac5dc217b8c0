"""What the security scanner and the image policy answer: a ``SecurityReport`` (score, findings,
each with its fix) and a ``PolicyCheck`` (which images an institution's policy allows, and why
not). The same objects serialize to ``--json``, the REST body and the notebook display."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["critical", "high", "medium", "low", "info"]
#: Most severe first: the order findings are listed in.
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
#: The checks a scan runs (``Finding.check``), in the order they run.
CHECK_NAMES = (
    "owner",
    "state",
    "age",
    "deprecation",
    "launch_permission",
    "encryption",
    "imds",
    "boot_mode",
    "inspector",
)
PolicyRule = Literal["allowed_owners", "max_age_days", "require_encrypted", "require_imdsv2"]


class Finding(BaseModel):
    """One problem a check found, how bad it is, and what to do about it."""

    id: str = Field(description="Stable identifier, e.g. owner-squatting or launch-public")
    severity: Severity
    check: str = Field(description="The check that found it (owner, age, inspector, ...)")
    message: str = Field(description="What is wrong, naming the values at fault")
    fix: str = Field(description="What to do, in words (often the exact command)")
    source: Literal["cws", "inspector"] = Field(
        "cws", description="cws's own checks, or Amazon Inspector's findings"
    )


class PolicyViolation(BaseModel):
    """One rule of the institutional policy an image breaks."""

    rule: PolicyRule
    message: str = Field(description="The value at fault, the rule and the policy file")


class SecurityReport(BaseModel):
    """``cws ami scan``: how safe an image looks, what is wrong and how to fix it."""

    ami_id: str
    region: str
    name: str = ""
    owner_id: str = ""
    owner_alias: str | None = None
    owned_by_you: bool | None = Field(
        None, description="The image belongs to the calling account (None: STS could not tell)"
    )
    scanned_at: str = Field(description="When the scan ran (UTC, ISO 8601)")
    score: int = Field(ge=0, le=100, description="100 minus each finding's weight, at least 0")
    findings: list[Finding] = Field(default_factory=list, description="Most severe first")
    recommendations: list[str] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list, description="The checks that ran")
    policy_file: str | None = Field(None, description="The policy the image was checked against")
    policy_violations: list[PolicyViolation] = Field(
        default_factory=list,
        description="Rules of the policy the image breaks (the resolver and launch refuse it)",
    )
    notes: list[str] = Field(
        default_factory=list, description="What could not be checked, and why (e.g. Inspector)"
    )

    def counts(self) -> dict[str, int]:
        """How many findings of each severity (every severity present, most severe first)."""
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}


class PolicyRules(BaseModel):
    """A policy as ``cws policy check`` shows it: where it is and its rules in words."""

    file: str
    name: str | None = None
    allowed_owners: list[str] = Field(default_factory=list)
    max_age_days: int | None = None
    require_encrypted: bool = False
    require_imdsv2: bool = False
    rules: list[str] = Field(default_factory=list, description="Each rule in words")


class ImageVerdict(BaseModel):
    """What the policy says of one image."""

    ami_id: str
    region: str
    name: str = ""
    owner_id: str = ""
    allowed: bool
    violations: list[PolicyViolation] = Field(default_factory=list)


class PolicyCheck(BaseModel):
    """``cws policy check``: the policy's rules, and the verdict on each image named."""

    policy: PolicyRules | None = Field(None, description="None: no policy is configured")
    images: list[ImageVerdict] = Field(default_factory=list)
    allowed: bool = Field(True, description="Every image named is allowed")
    notes: list[str] = Field(default_factory=list)
