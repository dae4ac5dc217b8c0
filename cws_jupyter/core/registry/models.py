"""The registry's data crossing boundaries: request bodies (strict: no coercion, no unknown
fields) and answers. The request models carry the limits, so the OpenAPI document generated from
them states exactly what validation enforces."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .limits import (
    COUNT_CAP,
    IMAGE_ID_PATTERN,
    MAX_CATEGORY_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    MAX_REGIONS,
    MAX_REVIEW_CHARS,
    MAX_TEMPLATE_CHARS,
    MAX_VERSION_CHARS,
    REGION_PATTERN,
    SLUG_PATTERN,
)

RegionName = Annotated[str, StringConstraints(pattern=REGION_PATTERN, max_length=20)]
ImageId = Annotated[str, StringConstraints(pattern=IMAGE_ID_PATTERN)]


class _Request(BaseModel):
    """A request body: exact types (``"5"`` is not an integer) and no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Submission(_Request):
    """``POST /api/v1/community/amis``: publish images built for a template."""

    template: str = Field(
        min_length=1,
        max_length=MAX_TEMPLATE_CHARS,
        pattern=SLUG_PATTERN,
        description="The template slug the images were built for (e.g. python-ml)",
    )
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS, description="A display name")
    description: str = Field("", max_length=MAX_DESCRIPTION_CHARS)
    version: str = Field("", max_length=MAX_VERSION_CHARS, description="e.g. 2026.03")
    category: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_CATEGORY_CHARS,
        pattern=SLUG_PATTERN,
        description="e.g. machine-learning, bioinformatics, data-science",
    )
    regions: dict[RegionName, ImageId] = Field(
        min_length=1,
        max_length=MAX_REGIONS,
        description="The EC2 image id in each region that holds a copy: {region: image_id}",
    )


class RateRequest(_Request):
    """``POST .../rate``: one rating per user per image; rating again replaces it."""

    rating: int = Field(ge=1, le=5, description="Stars, 1 to 5")
    review: str | None = Field(None, max_length=MAX_REVIEW_CHARS)


class UseRequest(_Request):
    """``POST .../use``: count a download (a launch); ``region`` picks the image to return."""

    region: RegionName | None = None


class Principal(BaseModel):
    """Who is making a write: the user, their bound AWS account, their token's public prefix."""

    user_id: str
    account_id: str | None = None
    token_prefix: str = ""
    #: The token's hash (rate limits are kept per token); never the token itself.
    token_hash: str = Field(default="", exclude=True, repr=False)


class CommunityAMI(BaseModel):
    """One registry record, as browse lists it."""

    ami_id: str = Field(description="The registry id (cami-...), not an EC2 image id")
    name: str
    template: str
    category: str | None = None
    creator: str
    description: str = ""
    version: str = ""
    rating: float | None = Field(None, description="The plain average; null when unrated")
    rating_count: int = 0
    download_count: int = 0
    regions: list[str] = Field(default_factory=list, description="Regions holding a copy")
    images: dict[str, str] = Field(default_factory=dict, description="{region: image_id}")
    verified: bool = False
    verification: str | None = Field(None, description="Why the record is or is not verified")
    created_at: datetime
    last_updated: datetime


class Review(BaseModel):
    """One user's rating of an image, with the review text if any."""

    user: str
    rating: int
    review: str | None = None
    created_at: datetime


class AmiDetails(CommunityAMI):
    """One record with its reviews (newest first, paged) and how its ratings are spread."""

    reviews: list[Review] = Field(default_factory=list)
    review_page: int = 1
    reviews_per_page: int = 20
    review_total: int = 0
    rating_histogram: dict[str, int] = Field(
        default_factory=dict, description="How many ratings of each star count ('1'..'5')"
    )


class BrowsePage(BaseModel):
    """One page of browse results."""

    items: list[CommunityAMI]
    page: int
    per_page: int
    total: int = Field(description="How many records match (a lower bound when estimated)")
    total_is_estimate: bool = Field(
        False,
        description=f"True when the registry stopped counting a text search's matches at "
        f"{COUNT_CAP:,} (a registry that answers from SQL, `--no-catalog`): `total` is then a "
        f"lower bound (show it as '{COUNT_CAP:,}+'), and pages go on while they come back full",
    )

    @property
    def total_label(self) -> str:
        """``total`` as people read it: ``1,000+`` when it is a lower bound."""
        return f"{self.total:,}+" if self.total_is_estimate else f"{self.total:,}"


class SubmitResult(CommunityAMI):
    """A new record (``verified``/``verification`` say what the image check found)."""


class RateResult(BaseModel):
    """The rating stored and the image's new aggregates."""

    ami_id: str
    user: str
    rating: int
    review: str | None = None
    replaced: bool = Field(description="True when this replaced the user's earlier rating")
    average: float
    rating_count: int


class UseResult(BaseModel):
    """A counted download, and the image to launch when a region was named."""

    ami_id: str
    download_count: int
    region: str | None = None
    image_id: str | None = None


class BestAMI(CommunityAMI):
    """``find_best_ami``: the best record holding an image in ``region``, and that image."""

    region: str
    image_id: str


class TokenCreated(BaseModel):
    """A new write token: shown once, stored only as a hash."""

    user: str
    token: str
    prefix: str = Field(description="The token's first characters, for `token revoke`")
    account_id: str | None = None


class RegistryStats(BaseModel):
    """Counts for /metrics."""

    records: int
    verified_records: int
    ratings: int
    users: int
    active_tokens: int
    downloads: int
