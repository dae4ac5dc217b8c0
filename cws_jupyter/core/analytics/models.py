"""What analytics answers: the usage report, an export, image recommendations, region advice.

Each answer is one pydantic object: ``--json`` and the REST API print ``model_dump``, the
terminal (``cli/render_analytics``) and notebooks (``display/analytics``) render it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Times are UTC; the events database keeps them without an offset, the answer says it."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


#: A time in UTC, always with its offset (RFC 3339 ``date-time`` in JSON).
UtcTime = Annotated[dt.datetime | None, AfterValidator(_as_utc)]


# -- the report ------------------------------------------------------------------------------
class MethodStats(BaseModel):
    """Resolutions found one way: how many, how fast."""

    count: int
    p50_ms: float | None = Field(default=None, description="Median time of a resolution, ms")
    p95_ms: float | None = Field(default=None, description="95th percentile, ms")
    cached: int = Field(default=0, description="Answered from the lookup cache (no AWS call)")
    pinned: int = Field(default=0, description="Answered by a pin of the lock file")
    aws_calls: int = 0


class ResolutionStats(BaseModel):
    """Every resolution of the period, by how the AMI was found (``resolution_method``)."""

    total: int = 0
    by_method: dict[str, MethodStats] = Field(default_factory=dict)
    cached: int = 0
    pinned: int = 0
    aws_calls: int = 0


class TemplateLaunches(BaseModel):
    """Launches of one template."""

    total: int
    ok: int
    failed: int
    success_rate: float | None = None
    p50_seconds_to_ready: float | None = None
    hourly_usd: float | None = Field(
        default=None, description="Average hourly price of its launches"
    )


class LaunchStats(BaseModel):
    """Every launch of the period: results, time to a ready workstation, per template."""

    total: int = 0
    ok: int = 0
    failed: int = 0
    success_rate: float | None = Field(
        default=None, description="ok / total; null without launches"
    )
    p50_seconds_to_ready: float | None = None
    by_template: dict[str, TemplateLaunches] = Field(default_factory=dict)


class SavingsPoint(BaseModel):
    """Estimated savings of one day (UTC)."""

    day: dt.date
    usd: float
    minutes: float


class SavingsStats(BaseModel):
    """What launching an AMI instead of provisioning by script saved (estimates)."""

    usd: float = 0.0
    minutes: float = 0.0
    count: int = 0
    by_day: list[SavingsPoint] = Field(default_factory=list)


class RegionStats(BaseModel):
    """Activity in one region."""

    resolutions: int = 0
    launches: int = 0
    launch_success_rate: float | None = None
    builds: int = 0
    copies_in: int = 0
    copies_out: int = 0


class Outcomes(BaseModel):
    """Builds or copies: how many, how many failed, how long they took."""

    total: int = 0
    ok: int = 0
    failed: int = 0
    p50_seconds: float | None = None


class AnalyticsReport(BaseModel):
    """``cws analytics report``: usage of this machine over a period (all events kept: null)."""

    resolutions: ResolutionStats = Field(default_factory=ResolutionStats)
    launches: LaunchStats = Field(default_factory=LaunchStats)
    savings: SavingsStats = Field(default_factory=SavingsStats)
    regions: dict[str, RegionStats] = Field(default_factory=dict)
    builds: Outcomes = Field(default_factory=Outcomes)
    copies: Outcomes = Field(default_factory=Outcomes)
    events: int = Field(default=0, description="Events in the period")
    since: UtcTime = Field(default=None, description="Start of the period (UTC)")
    first_event: UtcTime = None
    last_event: UtcTime = None
    generated_at: Annotated[dt.datetime, AfterValidator(_as_utc)]
    recording: bool = Field(description="Events are being recorded (CWS_ANALYTICS)")
    notes: list[str] = Field(default_factory=list)


class ExportResult(BaseModel):
    """``cws analytics export``: where the events went."""

    path: str
    format: Literal["parquet", "csv", "json"]
    rows: int
    since: UtcTime = None


# -- recommendations -------------------------------------------------------------------------
Source = Literal["resolver", "fallback", "own_build", "community"]


class Candidate(BaseModel):
    """One image worth launching for a template, with why it ranks where it does."""

    rank: int = 0
    ami_id: str
    region: str = Field(description="Where the image is (a copy is needed when not the asked one)")
    name: str = ""
    sources: list[Source] = Field(
        description="Where it came from: the resolver's answer, "
        "the template's own builds, the community registry"
    )
    method: str | None = Field(default=None, description="How the resolver found it")
    created: str | None = None
    age_days: int | None = None
    launches: int = Field(default=0, description="Launches of it recorded on this machine")
    launch_success_rate: float | None = None
    median_seconds_to_ready: float | None = None
    rating: float | None = Field(default=None, description="Community rating, 1-5")
    rating_count: int = 0
    community_id: str | None = None
    verified: bool | None = None
    instance_type: str | None = None
    hourly_usd: float | None = None
    copy_from: str | None = Field(default=None, description="The region a copy would come from")
    transfer_usd: float | None = Field(default=None, description="Copying it to the region, once")
    score: float = 0.0
    reasons: list[str] = Field(default_factory=list)


class Recommendations(BaseModel):
    """``cws ami recommend``: the template's candidate images, best first."""

    template: str
    region: str
    basis: Literal["history", "resolver_order"] = Field(
        description="history: ranked by recorded launches and the other signals; "
        "resolver_order: no launch history yet, so in the resolver's order"
    )
    candidates: list[Candidate] = Field(default_factory=list)
    launches_seen: int = Field(default=0, description="Recorded launches of these candidates")
    notes: list[str] = Field(default_factory=list)


# -- region advice ---------------------------------------------------------------------------
Distance = Literal["here", "neighbour", "same_geography", "far"]


class RegionOption(BaseModel):
    """One region to launch a template in, seen from the user's region."""

    rank: int = 0
    region: str
    display_name: str
    continent: str | None = None
    distance: Distance
    available: bool = Field(description="The template's image is in the region already")
    ami_id: str | None = None
    method: str | None = None
    copy_from: str | None = Field(default=None, description="Where a copy would come from")
    copy_minutes: float | None = None
    transfer_usd: float | None = Field(default=None, description="Copying the image there, once")
    instance_type: str
    hourly_usd: float | None = None
    launches: int = Field(default=0, description="Your recorded launches of the template there")
    launch_success_rate: float | None = None
    score: float = 0.0
    reasons: list[str] = Field(default_factory=list)


class RegionAdvice(BaseModel):
    """``cws regions best``: where to launch a template, best first."""

    template: str
    from_region: str
    architecture: str
    instance_type: str
    image_gb: int = Field(description="Image size used for copy time and transfer cost")
    options: list[RegionOption] = Field(default_factory=list)
    prices_as_of: str
    notes: list[str] = Field(default_factory=list)
