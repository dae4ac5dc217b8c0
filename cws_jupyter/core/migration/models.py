"""What the migration tools answer: the AMI analysis, template and workstation migrations, and
the every-template-in-every-region matrix."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..images.models import ImageBuild

#: What writing a copy did: a new file, an earlier migrated copy rewritten, or (force) a file
#: that was not a migrated copy replaced.
CopyAction = Literal["created", "refreshed", "overwritten"]


class Verdict(str, Enum):
    """Is an AMI worth it for a template, in words."""

    WORTH_AN_AMI = "worth an AMI"
    SCRIPT_IS_FINE = "script provisioning is fine"
    ALREADY_USES_AN_AMI = "already uses an AMI"
    AMI_ONLY = "AMI-only template"


class TemplateAnalysis(BaseModel):
    """One template: its setup time, what an AMI would save and cost a month, and the verdict."""

    template: str = Field(description="The template's slug")
    name: str
    path: str = Field(description="The file the template was loaded from")
    has_ami_config: bool
    strategy: str | None = Field(default=None, description="ami_config.strategy; null without one")
    ami_only: bool = Field(description="package_manager ami: nothing can be installed by script")
    instance_type: str = Field(description="The type of the template's preferred architecture")
    architecture: str
    hourly_price: float | None = Field(description="On-demand USD per hour; null when unknown")
    script_setup_seconds: int = Field(description="Provisioning time beyond the boot (estimate)")
    ami_launch_seconds: int = Field(description="Launching a prebuilt AMI of the template")
    minutes_saved_per_launch: float
    setup_cost_per_launch: float | None = Field(
        description="The instance's price during the setup, per launch (USD)"
    )
    launches_per_month: int
    savings_per_month: float | None = Field(
        description="setup_cost_per_launch x launches_per_month (USD)"
    )
    ami_storage_per_month: float = Field(description="Keeping the AMI's snapshot (USD/month)")
    net_per_month: float | None = Field(
        description="savings_per_month - ami_storage_per_month; positive: the AMI pays"
    )
    break_even_launches_per_month: float | None = None
    verdict: Verdict
    reason: str = Field(description="Why, in one sentence")


class MigrationReport(BaseModel):
    """``cws migrate analyze``: one row per template, for one region and a launch rate."""

    region: str
    launches_per_month: int
    price_as_of: str
    rows: list[TemplateAnalysis] = Field(default_factory=list)
    errors: list[str] = Field(
        default_factory=list, description="Template files that could not be loaded"
    )

    def by_template(self) -> dict[str, TemplateAnalysis]:
        """The rows keyed by template slug."""
        return {row.template: row for row in self.rows}


class TemplateMigration(BaseModel):
    """A copy of a template, with an ``ami_config``, written into the user's template folder."""

    template: str
    path: str = Field(description="The copy written")
    original_path: str = Field(description="The template file it was copied from")
    action: CopyAction = Field(
        description="created: a new file; refreshed: an earlier migrated copy rewritten; "
        "overwritten: a file that was not a migrated copy replaced (force)"
    )
    ami_config: dict[str, Any] = Field(description="The ami_config as written in the copy")
    mappings: dict[str, str] = Field(
        default_factory=dict, description="region -> AMI mapped in the copy"
    )
    searches_own_builds: bool = Field(
        default=False,
        description="No build existed: the copy searches this account's builds by tag",
    )
    active: bool = Field(description="The copy is what the template's name loads now")
    shadowed_by: str | None = Field(
        default=None, description="The file that wins over the copy on the search path, if any"
    )
    warnings: list[str] = Field(default_factory=list)


class InstanceMigration(BaseModel):
    """A workstation imaged, and its new AMI mapped into the template's copy."""

    workstation: str
    instance_id: str
    region: str
    template: str
    ami_id: str
    build: ImageBuild
    template_copy: TemplateMigration = Field(description="The copy the AMI is now mapped in")


class MatrixRow(BaseModel):
    """One resolution of the matrix: a template in a region, or why it failed."""

    template: str
    region: str
    ok: bool
    method: str | None = Field(default=None, description="The resolution_method, when it resolved")
    ami_id: str | None = None
    source_region: str | None = None
    copy_required: bool = False
    provisioning: str | None = None
    instance_type: str | None = None
    strategy: str | None = None
    error: str | None = Field(default=None, description="Why the resolution failed")
    error_code: str | None = None
    duration_ms: float = 0.0


class MigrationMatrix(BaseModel):
    """``cws migrate test-all``: every template resolved in every region asked."""

    templates: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    rows: list[MatrixRow] = Field(default_factory=list)
    resolved: int = 0
    failed: int = 0
    notes: list[str] = Field(
        default_factory=list, description="Template files that could not be loaded"
    )
    seconds: float = 0.0

    def row(self, template: str, region: str) -> MatrixRow | None:
        """The row of one template in one region."""
        return next((r for r in self.rows if r.template == template and r.region == region), None)
