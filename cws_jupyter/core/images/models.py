"""What the AMI manager answers: builds, listings, details, shares, copies, deletions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CopyRow(BaseModel):
    """One target region of a copy."""

    region: str
    status: Literal["copied", "skipped", "failed"]
    ami_id: str | None = None
    message: str = ""
    seconds: float = 0.0


class ImageBuild(BaseModel):
    """An image built from a workstation (``cws ami create``): the spec's creation answer."""

    ami_id: str
    region: str
    name: str
    template: str
    template_hash: str
    source_instance: str
    source_ami: str | None = None
    creation_status: Literal["pending", "available", "failed"] = Field(
        description="pending while AWS snapshots the volumes; available when it can be launched"
    )
    estimated_completion: str | None = Field(
        None, description="When the image should be available (UTC, ISO 8601; an estimate)"
    )
    snapshot_ids: list[str] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)
    job_id: str | None = None
    seconds: float | None = Field(None, description="How long the build took, once available")
    copies: list[CopyRow] = Field(
        default_factory=list, description="Copies made to other regions (the spec's multi_region)"
    )
    warnings: list[str] = Field(default_factory=list)


class StoredImage(BaseModel):
    """One image cws-jupyter built (or a copy of one) that this account owns or may launch."""

    ami_id: str
    region: str
    name: str
    template: str | None = None
    template_hash: str | None = None
    current: bool | None = Field(
        None,
        description="Built from the template as it is now (None: the template is unknown here)",
    )
    state: str
    created: str
    owner_id: str
    owned: bool = Field(description="Owned by this account (else shared with it)")
    public: bool | None = None
    source_ami: str | None = Field(None, description="The image this one was copied from")
    snapshot_gb: int = 0
    deprecation_time: str | None = None


class ImageList(BaseModel):
    """``cws ami list``: builds and copies, newest first."""

    images: list[StoredImage] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list, description="Regions searched")
    template: str | None = None
    notes: list[str] = Field(default_factory=list, description="Regions that could not be searched")


class SnapshotInfo(BaseModel):
    """One EBS snapshot behind an image."""

    snapshot_id: str
    size_gb: int
    encrypted: bool = False
    state: str = "completed"


class ImageCopyRef(BaseModel):
    """Where a copy of an image lives."""

    region: str
    ami_id: str
    state: str


class CommunityListing(BaseModel):
    """The community registry's record of an image (shown by ``cws ami info``)."""

    registry_id: str = Field(description="The registry's id of the record (cami-...)")
    name: str
    creator: str
    rating: float | None = None
    rating_count: int = 0
    download_count: int = 0
    verified: bool = False
    registry_url: str


class ImageDetails(BaseModel):
    """``cws ami info``: everything about one image."""

    ami_id: str
    region: str
    name: str
    description: str = ""
    owner_id: str
    owner_alias: str | None = None
    owned: bool
    state: str
    architecture: str
    created: str
    age_days: int | None = None
    public: bool | None = None
    template: str | None = None
    template_hash: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    deprecation_time: str | None = None
    shares: list[str] = Field(
        default_factory=list, description="Accounts, organizations and OUs it is shared with"
    )
    snapshots: list[SnapshotInfo] = Field(default_factory=list)
    snapshot_gb: int = 0
    copies: list[ImageCopyRef] = Field(default_factory=list)
    regions_holding: list[str] = Field(
        default_factory=list, description="This region and every region holding a copy"
    )
    monthly_storage_usd: float = Field(
        0.0, description="Snapshot storage of the image and its copies, USD per month"
    )
    community: CommunityListing | None = Field(
        None, description="Its record in the community registry, when it is listed there"
    )
    notes: list[str] = Field(default_factory=list)


class ShareResult(BaseModel):
    """``cws ami share``: who may launch the image now."""

    ami_id: str
    region: str
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    public: bool = False
    snapshots_shared: list[str] = Field(
        default_factory=list, description="Snapshots now readable by the account targets (to copy)"
    )
    shares: list[str] = Field(default_factory=list, description="Everyone it is shared with now")
    warnings: list[str] = Field(default_factory=list)


class CopyResult(BaseModel):
    """``cws ami copy``: per region, copied, skipped (already there) or failed (and why)."""

    source_ami: str
    source_region: str
    rows: list[CopyRow] = Field(default_factory=list)
    copied: int = 0
    skipped: int = 0
    failed: int = 0
    encrypted: bool = False
    job_id: str | None = None
    seconds: float = 0.0

    def by_region(self) -> dict[str, CopyRow]:
        """The rows keyed by region."""
        return {row.region: row for row in self.rows}


class DeleteResult(BaseModel):
    """``cws ami delete``: the image deregistered, its snapshots deleted (or kept, and why)."""

    ami_id: str
    region: str
    deregistered: bool
    snapshots_deleted: list[str] = Field(default_factory=list)
    snapshots_kept: dict[str, str] = Field(
        default_factory=dict, description="snapshot id -> why it was kept"
    )


class DeprecateResult(BaseModel):
    """``cws ami deprecate``: when the image stops being offered."""

    ami_id: str
    region: str
    deprecate_at: str


class PublishResult(BaseModel):
    """``cws ami publish``: an SSM parameter now names the image."""

    ami_id: str
    region: str
    parameter: str
    version: int
    hint: str = ""
