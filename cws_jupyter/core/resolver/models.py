"""What the resolver answers: a ``Resolution`` with its fallback chain and cost comparison."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from ..aws.images import AMIInfo
from ..images.stored_costs import StoredImageCosts


class ResolutionMethod(str, Enum):
    """How the answer was found."""

    DIRECT_MAPPING = "direct_mapping"
    OWN_BUILD = "own_build"
    SSM_PARAMETER = "ssm_parameter"
    DYNAMIC_SEARCH = "dynamic_search"
    COMMUNITY = "community"
    MARKETPLACE = "marketplace"
    CROSS_REGION = "cross_region"
    SCRIPT_FALLBACK = "script_fallback"
    FAILED = "failed"


class Provisioning(str, Enum):
    """What happens at first boot."""

    NONE = "none"  # the AMI holds everything
    AMI_PLUS_SCRIPT = (
        "ami_plus_script"  # a base OS image; the template's packages are installed on it
    )
    SCRIPT = "script"  # no AMI: script provisioning on the region's default base image


class TierOutcome(str, Enum):
    """What one tier of the chain did."""

    HIT = "hit"
    MISS = "miss"
    SKIPPED = "skipped"
    REFUSED = "refused"
    ERROR = "error"


class TierAttempt(BaseModel):
    """One step of the fallback chain: which tier, where, what happened and why, how long it took."""

    tier: ResolutionMethod
    region: str
    outcome: TierOutcome
    reason: str
    duration_ms: float = 0.0
    ami_id: str | None = None

    def line(self) -> str:
        """A one-line human summary (for error messages and the CLI)."""
        where = f" in {self.region}" if self.region else ""
        return f"{self.tier.value}{where}: {self.outcome.value} ({self.reason})"


class CostComparison(BaseModel):
    """AMI launch versus script provisioning for one instance type in one region."""

    instance_type: str
    region: str
    hourly_price: float | None = Field(description="On-demand USD per hour; null when unknown")
    price_as_of: str
    ami_launch_seconds: int
    script_launch_seconds: int
    script_setup_seconds: int = Field(description="Provisioning time beyond the boot")
    script_setup_cost: float | None = Field(
        description="Setup time x instance price, per launch (USD)"
    )
    time_saved_seconds: int
    snapshot_gb: int
    snapshot_storage_per_month: float = Field(description="Keeping the AMI's snapshot (USD/month)")
    cross_region_transfer: float = Field(0.0, description="Copying the AMI here (USD, once)")
    copy_seconds: int = 0
    break_even_launches_per_month: float | None = Field(
        None, description="Launches a month at which the AMI's storage pays for itself"
    )
    recommendation: str
    stored_images: StoredImageCosts | None = Field(
        None,
        description="The template's stored builds and copies and what they cost (`ami costs`; "
        "null when not asked for)",
    )
    notes: list[str] = Field(default_factory=list)


class Resolution(BaseModel):
    """The resolver's answer for one template in one region."""

    template: str
    region: str
    strategy: str
    architecture: str
    ami_id: str | None
    ami: AMIInfo | None = None
    resolution_method: ResolutionMethod
    source_region: str | None = None
    copy_required: bool = False
    fallback_chain: list[TierAttempt] = Field(default_factory=list)
    warning: str | None = None
    warnings: list[str] = Field(default_factory=list)
    instance_type: str | None = None
    estimated_cost: float | None = Field(None, description="On-demand USD per hour")
    estimated_launch_time: int = Field(description="Seconds from launch to a ready workstation")
    cost_comparison: CostComparison | None = None
    provisioning: Provisioning = Field(description="What runs at first boot")
    user_data: str | None = Field(None, description="First-boot script (cloud-init user data)")
    fallback_ami: AMIInfo | None = Field(None, description="The AMI to fall back on (ami_fallback)")
    community_id: str | None = Field(
        None, description="The community registry's record of the image (method community)"
    )
    pinned: bool = Field(
        False, description="The image is the one pinned in the lock file (cws.lock)"
    )
    aws_calls: int = Field(0, description="AWS API calls this resolution made (0 when cached)")
    duration_ms: float = 0.0

    def summary(self) -> str:
        """One line: what was chosen and how."""
        if self.ami_id:
            src = f" from {self.source_region} (copy needed)" if self.copy_required else ""
            return f"{self.template} in {self.region}: {self.ami_id}{src} via {self.resolution_method.value}"
        return f"{self.template} in {self.region}: {self.resolution_method.value}"
