"""What every AMI operation needs (AWS access, lookups, prices, jobs) and the EC2 image calls
they share: describe one image, find its snapshots, deregister it with its snapshots, tag."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..aws.errors import aws_code, aws_errors
from ..errors import CwsError, NotFound

if TYPE_CHECKING:
    from ..aws.images import AMIInfo, ImageCatalog
    from ..aws.session import AwsAccess
    from ..config import Settings
    from ..jobs import JobBook
    from ..pricing import PriceBook
    from ..regions import RegionMap

T = TypeVar("T")
SNAPSHOT_DELETE_TRIES = 5


@dataclass
class ImageContext:
    """The AMI manager's parts, wired by the service (the composition root)."""

    access: AwsAccess
    catalog: ImageCatalog
    prices: PriceBook
    regions: RegionMap
    settings: Settings
    jobs: JobBook
    #: Called after any change to images: every process's cached lookups are then stale.
    changed: Callable[[], None]
    #: The current hash of a template by slug (None when the template is not on the path).
    template_hash_of: Callable[[str], str | None] = lambda slug: None
    #: Why the institutional policy (CWS_POLICY_FILE) denies an image; None: no policy.
    denied: Callable[[AMIInfo], str | None] | None = None
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    # -- inputs --------------------------------------------------------------------------------
    def region(self, region: str | None) -> str:
        """A checked region (default: the configured one)."""
        chosen = region or self.settings.region
        self.regions.fallbacks(chosen)  # raises BadInput(field="region") with a suggestion
        return chosen

    def ec2(self, region: str) -> Any:
        """The EC2 client of a region."""
        return self.access.client("ec2", region)

    def account(self) -> str | None:
        """The caller's account id (cached), or None when STS cannot tell."""
        return self.catalog.caller_account()

    # -- fan-out -------------------------------------------------------------------------------
    @property
    def pool(self) -> ThreadPoolExecutor:
        """Threads for work across regions (copies, searches of every region)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=40, thread_name_prefix="cws-images")
        return self._pool

    def for_regions(self, regions: list[str], work: Callable[[str], T]) -> dict[str, T | CwsError]:
        """``work(region)`` for every region at once; a region's failure is its value, not a crash."""
        futures = {region: self.pool.submit(work, region) for region in regions}
        results: dict[str, T | CwsError] = {}
        for region, future in futures.items():
            try:
                results[region] = future.result()
            except CwsError as exc:
                results[region] = exc
        return results

    # -- images --------------------------------------------------------------------------------
    def describe(self, region: str, ami_id: str) -> dict[str, Any]:
        """One image, asked afresh (never from the cache); NotFound names the region to try."""
        with aws_errors(region, f"looking up {ami_id}"):
            try:
                images = self.ec2(region).describe_images(
                    ImageIds=[ami_id], IncludeDeprecated=True
                )["Images"]
            except Exception as exc:
                if aws_code(exc) in ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"):
                    images = []
                else:
                    raise
        if not images:
            raise NotFound(
                f"{ami_id} does not exist in {region} (or this account may not see it); give "
                "the region it is in with --region",
                field="ami_id",
            )
        return images[0]  # type: ignore[no-any-return]

    def require_owned(self, image: dict[str, Any], doing: str) -> None:
        """Refuse to change an image another account owns."""
        from ..errors import Conflict

        mine = self.account()
        if mine is not None and image.get("OwnerId") != mine:
            raise Conflict(
                f"{image['ImageId']} belongs to account {image.get('OwnerId')}, not yours "
                f"({mine}): only its owner can {doing} it",
                field="ami_id",
            )

    def snapshots_of(self, region: str, image: dict[str, Any] | None, ami_id: str) -> list[str]:
        """The snapshots behind an image: its block device mappings, and (for an image still
        pending, or gone) the snapshots AWS describes as made by CreateImage/CopyImage for it."""
        ids = [
            m["Ebs"]["SnapshotId"]
            for m in (image or {}).get("BlockDeviceMappings", [])
            if m.get("Ebs", {}).get("SnapshotId")
        ]
        if ids:  # a registered image's mappings are the truth
            return list(dict.fromkeys(ids))
        # AWS's own descriptions: "Created by CreateImage(i-...) for ami-..." and "Copied for
        # DestinationAmi ami-... from SourceAmi ...": never a snapshot that only mentions it as
        # the source of a copy.
        patterns = [f"*for {ami_id}", f"*DestinationAmi {ami_id} *"]
        with aws_errors(region, f"finding the snapshots of {ami_id}"):
            pages = (
                self.ec2(region)
                .get_paginator("describe_snapshots")
                .paginate(OwnerIds=["self"], Filters=[{"Name": "description", "Values": patterns}])
            )
            ids += [s["SnapshotId"] for page in pages for s in page.get("Snapshots", [])]
        return list(dict.fromkeys(ids))

    def deregister(
        self, region: str, ami_id: str, snapshot_ids: list[str]
    ) -> tuple[list[str], dict[str, str]]:
        """Deregister an image, then delete its snapshots; returns (deleted, kept: id -> why)."""
        ec2 = self.ec2(region)
        with aws_errors(region, f"deregistering {ami_id}"):
            try:
                ec2.deregister_image(ImageId=ami_id)
            except Exception as exc:
                if aws_code(exc) not in ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"):
                    raise
        deleted: list[str] = []
        kept: dict[str, str] = {}
        for snapshot_id in snapshot_ids:
            why = self._delete_snapshot(ec2, region, snapshot_id)
            if why is None:
                deleted.append(snapshot_id)
            else:
                kept[snapshot_id] = why
        self.changed()
        return deleted, kept

    def _delete_snapshot(self, ec2: Any, region: str, snapshot_id: str) -> str | None:
        """Delete one snapshot (retried while AWS still sees it in use); None, or why not."""
        for attempt in range(SNAPSHOT_DELETE_TRIES):
            try:
                ec2.delete_snapshot(SnapshotId=snapshot_id)
                return None
            except Exception as exc:
                code = aws_code(exc)
                if code == "InvalidSnapshot.NotFound":
                    return None
                if code != "InvalidSnapshot.InUse" or attempt == SNAPSHOT_DELETE_TRIES - 1:
                    return f"{code or type(exc).__name__}: {exc}"
                time.sleep(self.access.poll_seconds * (attempt + 1))
        return "still in use"

    def tag(self, region: str, resource_ids: list[str], tags: dict[str, str]) -> None:
        """Write tags on images or snapshots."""
        from .tags import as_aws

        if resource_ids and tags:
            with aws_errors(region, f"tagging {', '.join(resource_ids)}"):
                self.ec2(region).create_tags(Resources=resource_ids, Tags=as_aws(tags))
