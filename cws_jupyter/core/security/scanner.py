"""``SecurityScanner``: the security façade every front door calls (``cws ami scan``,
``cws policy check``, ``GET ami/{ami_id}/scan``, the Browse panel's Scan button).

A scan describes the image afresh (never from the lookup cache: a scan is about now), reads its
launch permission when it is yours, asks Amazon Inspector at the same time, runs the checks
(``checks``), scores the findings (``scoring``) and judges the image against the policy.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..aws.errors import AUTH_CODES, aws_code, aws_errors
from ..aws.images import AMIInfo
from ..errors import BadInput, CwsError, NotFound
from .checks import CHECKS, ImageFacts, run_checks
from .inspector import SANDBOX_NOTE, InspectorResult, inspector_findings
from .models import ImageVerdict, PolicyCheck, PolicyViolation, SecurityReport
from .policy import ENV, Policy, PolicyFile, load_policy
from .scoring import ordered, recommendations, score

if TYPE_CHECKING:
    from ..config import Settings

AMI_ID_RE = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
GONE_CODES = ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
NO_POLICY = f"no policy configured ({ENV}): every image is allowed"
#: The most images one ``policy check`` judges.
MAX_IMAGES = 100


def checked_ami_id(value: str) -> str:
    """An EC2 image id, or a BadInput saying what one looks like."""
    text = (value or "").strip()
    if not AMI_ID_RE.match(text):
        raise BadInput(
            f"{value!r} is not an image id: an image id is ami- and 8 or 17 hex digits, e.g. "
            "ami-0123456789abcdef0",
            field="ami_id",
        )
    return text


class SecurityScanner:
    """Scans images (checks, Inspector, score, fixes) and judges them against the policy.

    Everything AWS comes through callables (the service's parts), read at each call: the
    scanner holds no client of its own, so it follows the service when the sandbox restarts.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        ec2: Callable[[str], Any],
        inspector: Callable[[str], Any] | None = None,
        account: Callable[[], str | None] = lambda: None,
        check_region: Callable[[str], object] = lambda region: None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """``ec2(region)`` and ``inspector(region)`` give clients; ``account()`` the caller's
        account id (None: unknown); ``check_region`` raises a BadInput for a bad region."""
        from ..templates.models import TRUSTED_OWNERS

        self.settings = settings
        self._ec2 = ec2
        self._inspector = inspector
        self._account_of = account
        self._check_region = check_region
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.trusted = frozenset(TRUSTED_OWNERS) | frozenset(settings.extra_trusted_owners)
        self._policy_files: dict[Path, PolicyFile] = {}
        self._lock = threading.Lock()

    # -- the policy --------------------------------------------------------------------------
    def policy(self, path: Path | None = None) -> Policy | None:
        """The policy of ``path`` (default: the configured one, CWS_POLICY_FILE), re-read when the
        file changes; None when none is configured. A broken file is a BadInput naming it."""
        path = path or self.settings.policy_file
        if path is None:
            return None
        with self._lock:
            holder = self._policy_files.setdefault(Path(path), PolicyFile(Path(path)))
        return holder.get()

    def policy_check(
        self,
        ami_ids: str | Sequence[str] | None = None,
        region: str | None = None,
        *,
        policy_file: Path | None = None,
    ) -> PolicyCheck:
        """The policy's rules and, for each image named, whether it is allowed and why not.
        With no image: the policy file is validated (a BadInput when it is wrong) and shown."""
        ids = [ami_ids] if isinstance(ami_ids, str) else list(ami_ids or [])
        ids = list(dict.fromkeys(checked_ami_id(a) for a in ids))
        if len(ids) > MAX_IMAGES:
            raise BadInput(f"name at most {MAX_IMAGES} images at once", field="ami_ids")
        policy = load_policy(policy_file) if policy_file else self.policy()
        notes = []
        if policy is None:
            notes.append(NO_POLICY)
        elif not policy.rules:
            notes.append(f"policy {policy.origin} sets no rules: every image is allowed")
        verdicts = []
        if ids:
            where = self._region(region)
            account = self._account() if policy is not None else None
            for ami_id in ids:
                image = self.describe(where, ami_id)
                broken = policy.check(image, account=account, now=self._clock()) if policy else []
                verdicts.append(
                    ImageVerdict(
                        ami_id=ami_id,
                        region=where,
                        name=image.name,
                        owner_id=image.owner_id,
                        allowed=not broken,
                        violations=broken,
                    )
                )
        return PolicyCheck(
            policy=policy.summary() if policy is not None else None,
            images=verdicts,
            allowed=all(v.allowed for v in verdicts),
            notes=notes,
        )

    # -- the scan ----------------------------------------------------------------------------
    def scan(self, ami_id: str, region: str | None = None) -> SecurityReport:
        """Scan one image: every check, Inspector's findings, a score, a fix for each finding."""
        ami_id = checked_ami_id(ami_id)
        where = self._region(region)
        image = self.describe(where, ami_id)
        inspector = self._ask_inspector(where, ami_id)  # runs while ownership is looked into
        account = self._account()
        owned = None if account is None else image.owner_id == account
        public, owned, notes = self._launch_permission(where, image, owned)
        now = self._clock()
        facts = ImageFacts(
            image=image,
            now=now,
            max_age_days=self.settings.max_image_age_days,
            trusted=self.trusted,
            owned_by_caller=owned,
            launch_public=public,
        )
        found = run_checks(facts)
        checks = [name for name, _ in CHECKS]
        if isinstance(inspector, Future):
            checks.append("inspector")
            inspector = inspector.result()
        found += inspector.findings
        notes += inspector.notes
        violations, policy_file = self._policy_verdict(image, account, now, notes)
        findings = ordered(found)
        return SecurityReport(
            ami_id=ami_id,
            region=where,
            name=image.name,
            owner_id=image.owner_id,
            owner_alias=image.owner_alias,
            owned_by_you=owned,
            scanned_at=now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            score=score(findings),
            findings=findings,
            recommendations=recommendations(findings),
            checks=checks,
            policy_file=policy_file,
            policy_violations=violations,
            notes=notes,
        )

    def describe(self, region: str, ami_id: str) -> AMIInfo:
        """One image, asked afresh; NotFound names the region to try instead."""
        with aws_errors(region, f"looking up {ami_id}"):
            try:
                images = self._ec2(region).describe_images(
                    ImageIds=[ami_id], IncludeDeprecated=True
                )["Images"]
            except Exception as exc:
                if aws_code(exc) not in GONE_CODES:
                    raise
                images = []
        if not images:
            raise NotFound(
                f"{ami_id} does not exist in {region} (or this account may not see it); give "
                "the region it is in with --region",
                field="ami_id",
            )
        return AMIInfo.from_ec2(images[0], region)

    # -- parts of a scan ---------------------------------------------------------------------
    def _region(self, region: str | None) -> str:
        chosen = region or self.settings.region
        self._check_region(chosen)
        return chosen

    def _account(self) -> str | None:
        """The caller's account id; None when it cannot be told (a scan goes on without it)."""
        try:
            return self._account_of()
        except CwsError:
            return None

    def _launch_permission(
        self, region: str, image: AMIInfo, owned: bool | None
    ) -> tuple[bool | None, bool | None, list[str]]:
        """Whether the image's launch permission holds ``all`` (for your own images: only the
        owner may read it), and what that says of ownership when STS could not tell."""
        if owned is False:
            return None, owned, []
        try:
            with aws_errors(region, f"reading who may launch {image.ami_id}"):
                reply = self._ec2(region).describe_image_attribute(
                    ImageId=image.ami_id, Attribute="launchPermission"
                )
        except CwsError as exc:
            if owned is None and aws_code(exc) in AUTH_CODES:
                return None, False, []  # AWS lets only the owner read it: not ours
            return None, owned, [f"launch permission not read: {exc.message}"]
        public = any(p.get("Group") == "all" for p in reply.get("LaunchPermissions", []))
        return public, True if owned is None else owned, []

    def _ask_inspector(self, region: str, ami_id: str) -> Future[InspectorResult] | InspectorResult:
        """Inspector's findings, asked in the background (the sandbox has no Inspector)."""
        if self._inspector is None:
            return InspectorResult()
        if self.settings.sandbox:
            return InspectorResult(notes=[SANDBOX_NOTE])
        client_of = self._inspector
        future: Future[InspectorResult] = Future()

        def ask() -> None:
            try:
                future.set_result(inspector_findings(lambda: client_of(region), ami_id, region))
            except BaseException as exc:  # noqa: BLE001 - handed to the scan, which raises it
                future.set_exception(exc)

        threading.Thread(target=ask, name="cws-inspector", daemon=True).start()
        return future

    def _policy_verdict(
        self, image: AMIInfo, account: str | None, now: dt.datetime, notes: list[str]
    ) -> tuple[list[PolicyViolation], str | None]:
        """The configured policy's verdict; a broken policy file is a note here (``cws policy
        check`` reports it as the error it is)."""
        try:
            policy = self.policy()
        except BadInput as exc:
            notes.append(f"policy not checked: {exc.message}")
            return [], str(self.settings.policy_file)
        if policy is None:
            return [], None
        return policy.check(image, account=account, now=now), policy.origin
