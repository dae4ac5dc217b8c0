"""The scan's checks: one small pure function each, over what is known of one image.

Each takes the ``ImageFacts`` the scanner gathered (no AWS calls here) and returns its findings,
each with a fix in words. Whose image it is matters: your own build that is public is a leak to
fix; Canonical's image being public is the point of it. So several checks weigh a finding by
``owned_by_caller``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..aws.images import AMIInfo, parse_time
from .models import Finding, Severity
from .publishers import imitated_publisher, publisher_of

#: An image older than this many times the age limit is ``high`` rather than ``medium``.
VERY_OLD_FACTOR = 2


@dataclass(frozen=True)
class ImageFacts:
    """What the scanner learned about one image, for the checks to judge."""

    image: AMIInfo
    now: dt.datetime
    #: Older than this is old (the ``max_image_age_days`` setting, CWS_MAX_AMI_AGE_DAYS).
    max_age_days: int
    #: Owner ids and aliases trusted like the resolver trusts them (defaults + CWS_TRUSTED_OWNERS).
    trusted: frozenset[str]
    #: The image belongs to the calling account (None: STS could not tell).
    owned_by_caller: bool | None = None
    #: Its launch permission holds the group ``all`` (None: not readable, or not asked).
    launch_public: bool | None = None

    @property
    def ami(self) -> str:
        """The image id."""
        return self.image.ami_id

    @property
    def region(self) -> str:
        """The image's region."""
        return self.image.region

    @property
    def mine(self) -> bool:
        """True only when the image is known to be the caller's."""
        return self.owned_by_caller is True


Check = Callable[[ImageFacts], list[Finding]]


def _finding(check: str, id_: str, severity: Severity, message: str, fix: str) -> Finding:
    return Finding(id=id_, severity=severity, check=check, message=message, fix=fix)


def check_owner(facts: ImageFacts) -> list[Finding]:
    """Squatting (a publisher's name, another owner), else an owner nobody said to trust."""
    image = facts.image
    if facts.mine:
        return []
    alias = image.owner_alias or ""
    trusted = image.owner_id in facts.trusted or (alias != "" and alias in facts.trusted)
    imitated = imitated_publisher(image.name)
    if imitated is not None and not imitated.owns(image.owner_id, alias) and not trusted:
        accounts = ", ".join(imitated.owners) or ", ".join(imitated.aliases)
        return [
            _finding(
                "owner",
                "owner-squatting",
                "critical",
                f"{facts.ami} is named like an image of {imitated.name} ('{image.name}'), "
                f"but its owner is account {image.owner_id}, not the publisher's ({accounts}): "
                "possibly AMI squatting (CVE-2018-15869), a look-alike published to be picked "
                "by a search without an owner",
                f"Do not launch it. Use the publisher's own image: {imitated.official}. In a "
                "template, give ami_search an owner (or an ssm_parameter) so that look-alikes "
                "are never candidates",
            )
        ]
    if trusted:
        return []
    known = publisher_of(image.owner_id, alias)
    trust_it = (
        f"if you trust it, add it with CWS_TRUSTED_OWNERS={image.owner_id} (and to "
        "allowed_owners in your policy file)"
    )
    if known is not None:
        return [
            _finding(
                "owner",
                "owner-not-trusted",
                "low",
                f"{facts.ami} is owned by {known.name} ({image.owner_id}), a known publisher "
                "that is not among your trusted owners",
                f"Check the image is the publisher's; {trust_it}",
            )
        ]
    return [
        _finding(
            "owner",
            "owner-untrusted",
            "medium",
            f"{facts.ami} is owned by account {image.owner_id}, which is neither yours nor a "
            "trusted publisher",
            f"Find out who publishes account {image.owner_id} before launching it; {trust_it}",
        )
    ]


def check_state(facts: ImageFacts) -> list[Finding]:
    """An image that is not ``available`` cannot be launched (failed, disabled, pending)."""
    state = facts.image.state
    if state == "available":
        return []
    return [
        _finding(
            "state",
            f"state-{state}",
            "info" if state == "pending" else "high",
            f"{facts.ami} is {state}, not available: it cannot be launched",
            "Wait for it to become available"
            if state == "pending"
            else "Use another image (cws ami resolve finds the current one), or rebuild it",
        )
    ]


def check_age(facts: ImageFacts) -> list[Finding]:
    """An old image misses the security updates published since it was made."""
    created = parse_time(facts.image.creation_date)
    if created is None:
        return [
            _finding(
                "age",
                "age-unknown",
                "info",
                f"{facts.ami} has no readable creation date, so its age is unknown",
                "Prefer an image whose creation date you can check",
            )
        ]
    days = (facts.now - created).days
    if days <= facts.max_age_days:
        return []
    very = days > VERY_OLD_FACTOR * facts.max_age_days
    fix = (
        "Rebuild it from a current base image (cws launch TEMPLATE NAME, then cws ami create "
        "TEMPLATE NAME), then delete this one (cws ami delete)"
        if facts.mine
        else "Use a current image: cws ami resolve TEMPLATE picks the newest usable one (or "
        "cws ami pin TEMPLATE --refresh moves a pin); else update the packages at first boot"
    )
    return [
        _finding(
            "age",
            "age-very-old" if very else "age-old",
            "high" if very else "medium",
            f"{facts.ami} was created {created.date()}, {days} days ago (older than "
            f"{facts.max_age_days} days, CWS_MAX_AMI_AGE_DAYS): it lacks the security updates "
            "published since",
            fix,
        )
    ]


def check_deprecation(facts: ImageFacts) -> list[Finding]:
    """Deprecated (its publisher retired it) or about to be."""
    when = parse_time(facts.image.deprecation_time)
    if when is None:
        return []
    if when <= facts.now:
        return [
            _finding(
                "deprecation",
                "deprecated",
                "high",
                f"{facts.ami} is deprecated since {when.date()}: its publisher no longer "
                "supports it",
                "Stop launching it: cws ami resolve TEMPLATE skips deprecated images and finds "
                "the current one (cws ami pin TEMPLATE --refresh moves a pin)",
            )
        ]
    days = (when - facts.now).days
    return [
        _finding(
            "deprecation",
            "deprecation-scheduled",
            "low",
            f"{facts.ami} will be deprecated on {when.date()} (in {days} days)",
            f"Move to its successor before {when.date()}: cws ami resolve TEMPLATE finds the "
            "current image",
        )
    ]


def check_launch_permission(facts: ImageFacts) -> list[Finding]:
    """Your own image shared with everyone (``launchPermission`` group ``all``)."""
    if not facts.mine:
        return []  # a publisher's image is public on purpose
    public = facts.launch_public if facts.launch_public is not None else facts.image.public
    if not public:
        return []
    ami, region = facts.ami, facts.region
    return [
        _finding(
            "launch_permission",
            "launch-public",
            "high",
            f"{ami} is public: its launch permission holds the group 'all', so anyone on AWS "
            "can launch it and read everything it holds",
            f"Make it private: cws ami share {ami} all --remove --region {region} (or aws ec2 "
            f"modify-image-attribute --image-id {ami} --region {region} --launch-permission "
            '"Remove=[{Group=all}]"); to stop it happening again: aws ec2 '
            "enable-image-block-public-access --image-block-public-access-state "
            f"block-new-sharing --region {region}",
        )
    ]


def check_encryption(facts: ImageFacts) -> list[Finding]:
    """Snapshots that are not encrypted (only your own images can be encrypted)."""
    encrypted = facts.image.encrypted
    if encrypted is True:
        return []
    ami, region = facts.ami, facts.region
    if encrypted is None:
        return [
            _finding(
                "encryption",
                "encryption-unknown",
                "info",
                f"{ami} has no EBS snapshot whose encryption AWS reports (an instance-store "
                "image?)",
                "Prefer EBS-backed images with encrypted snapshots",
            )
        ]
    if not facts.mine:
        return [
            _finding(
                "encryption",
                "snapshots-unencrypted",
                "info",
                f"{ami}'s snapshots are not encrypted (an image shared with others cannot be)",
                "Nothing to do for the image: cws launch encrypts the workstation's disk. For an "
                "encrypted image of your own, copy it encrypted (aws ec2 copy-image ... "
                "--encrypted)",
            )
        ]
    name = facts.image.name or ami
    return [
        _finding(
            "encryption",
            "snapshots-unencrypted",
            "medium",
            f"{ami}'s snapshots are not encrypted: anyone who gets a snapshot reads the disk",
            f"Make an encrypted copy: aws ec2 copy-image --source-image-id {ami} --source-region "
            f'{region} --region {region} --name "{name}-encrypted" --encrypted (add '
            "--kms-key-id KEY for your own key), then delete this one (cws ami delete); copies "
            "to other regions: cws ami copy AMI REGION... --encrypt",
        )
    ]


def check_imds(facts: ImageFacts) -> list[Finding]:
    """Instances launched from the image do not require IMDSv2 (session tokens) by default."""
    if facts.image.imds_support == "v2.0":
        return []
    ami, region = facts.ami, facts.region
    if facts.mine:
        return [
            _finding(
                "imds",
                "imdsv2-not-required",
                "medium",
                f"{ami} does not require IMDSv2: instances launched from it elsewhere answer "
                "IMDSv1 requests, which SSRF attacks use to steal instance credentials",
                f"aws ec2 modify-image-attribute --image-id {ami} --region {region} "
                "--imds-support v2.0 (it cannot be undone); cws launch already requires IMDSv2",
            )
        ]
    return [
        _finding(
            "imds",
            "imdsv2-not-required",
            "low",
            f"{ami} does not require IMDSv2 by itself",
            "Launch it with IMDSv2 required: cws launch does (HttpTokens=required); with the "
            "AWS CLI add --metadata-options HttpTokens=required",
        )
    ]


def check_boot_mode(facts: ImageFacts) -> list[Finding]:
    """Legacy BIOS only: no UEFI Secure Boot, no NitroTPM."""
    mode = facts.image.boot_mode
    if mode == "legacy-bios":
        fix = (
            "Rebuild it on a UEFI base image (or register it with --boot-mode uefi-preferred)"
            if facts.mine
            else "Prefer the publisher's UEFI image"
        )
        return [
            _finding(
                "boot_mode",
                "boot-legacy-bios",
                "low",
                f"{facts.ami} boots with legacy BIOS only: no UEFI Secure Boot and no NitroTPM",
                fix,
            )
        ]
    if mode is None and facts.image.architecture == "x86_64":
        return [
            _finding(
                "boot_mode",
                "boot-mode-unset",
                "info",
                f"{facts.ami} names no boot mode: it boots as the instance type defaults "
                "(legacy BIOS on most x86_64 types)",
                "Nothing required; images registered with --boot-mode uefi-preferred can use "
                "UEFI Secure Boot",
            )
        ]
    return []


#: Every check of a scan, in order (Inspector's findings are added by the scanner).
CHECKS: tuple[tuple[str, Check], ...] = (
    ("owner", check_owner),
    ("state", check_state),
    ("age", check_age),
    ("deprecation", check_deprecation),
    ("launch_permission", check_launch_permission),
    ("encryption", check_encryption),
    ("imds", check_imds),
    ("boot_mode", check_boot_mode),
)


def run_checks(facts: ImageFacts) -> list[Finding]:
    """Every check's findings, in check order."""
    return [finding for _, check in CHECKS for finding in check(facts)]
