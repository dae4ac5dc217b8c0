"""Checking a submission's claims: each ``{region: image_id}`` exists there, is available and not
deprecated, and belongs to the AWS account bound to the submitter's token.

A submission that cannot be verified (no bound account, AWS unreachable, an image missing or
owned by someone else) is still stored, unverified, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from ..errors import CwsError, NotFound

if TYPE_CHECKING:
    from ..aws.session import AwsAccess

NO_ACCOUNT = (
    "not verified: no AWS account is bound to your token; ask the registry administrator for "
    "one with `cws-registry token create USER --account ACCOUNT_ID`"
)


class Verification(BaseModel):
    """The outcome: verified only when every region checked out; ``note`` says why not."""

    verified: bool
    note: str
    #: Each region's finding ("ok" or what was wrong).
    regions: dict[str, str] = {}


class Verifier(Protocol):
    """Checks the images of a submission for the account bound to the submitter."""

    def verify(self, account_id: str | None, images: Mapping[str, str]) -> Verification: ...


class NoVerifier:
    """Verification turned off: every record is stored unverified, saying so."""

    def verify(self, account_id: str | None, images: Mapping[str, str]) -> Verification:
        """Unverified, with the reason."""
        return Verification(
            verified=False, note="not verified: this registry does not check images with AWS"
        )


def summarize(account_id: str | None, findings: Mapping[str, str]) -> Verification:
    """One verification from each region's finding."""
    bad = {region: found for region, found in sorted(findings.items()) if found != "ok"}
    if not bad:
        regions = ", ".join(sorted(findings))
        return Verification(
            verified=True,
            note=f"verified: owned by account {account_id} and available in {regions}",
            regions=dict(findings),
        )
    reasons = "; ".join(f"{region}: {found}" for region, found in bad.items())
    return Verification(verified=False, note=f"not verified: {reasons}", regions=dict(findings))


def _deprecated(image: Mapping[str, Any], now: datetime) -> bool:
    when = image.get("DeprecationTime")
    if not when:
        return False
    try:
        moment = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment <= now


class Ec2Verifier:
    """Checks images with EC2 ``DescribeImages`` (owner, state, deprecation), regions in parallel.

    ``client_for(region)`` gives an EC2 client; by default one from an ``AwsAccess`` built on first
    use by ``access_factory`` (so starting the registry never builds a boto3 session).
    """

    def __init__(
        self,
        access_factory: Callable[[], AwsAccess] | None = None,
        *,
        client_for: Callable[[str], Any] | None = None,
        max_workers: int = 8,
    ) -> None:
        if access_factory is None and client_for is None:
            raise TypeError("Ec2Verifier needs an access_factory or a client_for")
        self._factory = access_factory
        self._access: AwsAccess | None = None
        self._client_for = client_for
        self._max_workers = max_workers

    def _client(self, region: str) -> Any:
        if self._client_for is not None:
            return self._client_for(region)
        if self._access is None:
            assert self._factory is not None
            self._access = self._factory()
        return self._access.client("ec2", region)

    def verify(self, account_id: str | None, images: Mapping[str, str]) -> Verification:
        """Check every region (side by side); unverified with reasons unless all are fine."""
        if account_id is None:
            return Verification(verified=False, note=NO_ACCOUNT)
        if not images:
            return Verification(verified=False, note="not verified: no images were claimed")
        workers = max(1, min(self._max_workers, len(images)))
        with ThreadPoolExecutor(workers, thread_name_prefix="cws-verify") as pool:
            found = dict(
                zip(
                    images,
                    pool.map(lambda r: self.check(account_id, r, images[r]), list(images)),
                    strict=True,
                )
            )
        return summarize(account_id, found)

    def check(self, account_id: str, region: str, image_id: str) -> str:
        """ "ok", or what is wrong with ``image_id`` in ``region`` for ``account_id``."""
        from ..aws.errors import aws_errors

        try:
            with aws_errors(region, f"checking image {image_id}"):
                client = self._client(region)
                owned = client.describe_images(
                    ImageIds=[image_id], Owners=[account_id], IncludeDeprecated=True
                ).get("Images", [])
                if not owned:
                    # Not this account's: ask again without the owner (a targeted look-up, not a
                    # scan) only to say whose it is.
                    anyone = client.describe_images(
                        ImageIds=[image_id], IncludeDeprecated=True
                    ).get("Images", [])
                    if anyone:
                        owner = anyone[0].get("OwnerId", "another account")
                        return f"{image_id} is owned by {owner}, not by your account {account_id}"
                    return f"{image_id} does not exist in {region}"
        except NotFound:
            return f"{image_id} does not exist in {region}"
        except CwsError as exc:
            return f"AWS could not check {image_id} ({exc.code}): {exc.message}"
        except Exception as exc:  # noqa: BLE001 - never lose a submission to a checking failure
            return f"AWS could not check {image_id}: {type(exc).__name__}: {exc}"
        image = owned[0]
        state = image.get("State", "available")
        if state != "available":
            return f"{image_id} is {state}, not available"
        if _deprecated(image, datetime.now(timezone.utc)):
            return f"{image_id} is deprecated (since {image.get('DeprecationTime')})"
        return "ok"


def aws_verifier() -> Ec2Verifier:
    """The real verifier: AWS from the standard credential chain (or the sandbox when
    CWS_SANDBOX=1), built on first use."""

    def factory() -> AwsAccess:
        from ..aws.session import AwsAccess
        from ..config import Settings

        return AwsAccess.from_settings(Settings.from_env())

    return Ec2Verifier(factory)
