"""What the updater answers: which images have fallen behind their base image or their template
(``cws ami outdated``), and what a rebuild did (``cws ami rebuild``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .models import ImageBuild

#: ``current``: built from the template's current base image; ``outdated``: a newer base image
#: exists; ``template_changed``: the template installs something else now (the resolver already
#: skips such builds); ``unknown``: what it was built from, or the current base, cannot be told.
Status = Literal["current", "outdated", "unknown", "template_changed"]
STATUSES: tuple[str, ...] = ("outdated", "template_changed", "unknown", "current")


class BaseImage(BaseModel):
    """A base image: what a build's instance started from, or a template's current one."""

    ami_id: str
    region: str
    name: str = ""
    created: str = Field("", description="CreationDate (UTC, ISO 8601)")
    source: str = Field(
        "",
        description="How it was found: the template's SSM parameter, its search, or its "
        "distribution's parameter",
    )


class OutdatedImage(BaseModel):
    """One image of a template (a build, a copy of one, or a direct mapping) and whether a newer
    base image exists for it."""

    template: str
    region: str
    ami_id: str
    name: str = ""
    kind: Literal["build", "copy", "mapping"] = Field(
        description="build: made by cws here; copy: a copy of a build; mapping: named by the "
        "template's ami_mappings (or legacy amis)"
    )
    created: str = ""
    built_from: str | None = Field(None, description="The base image it was built from")
    built_from_region: str | None = None
    current_base: str | None = Field(
        None, description="The template's base image now, in the region of ``built_from``"
    )
    current_base_source: str | None = None
    status: Status
    reason: str = Field(description="Why, in words")
    deprecation_time: str | None = None


class OutdatedReport(BaseModel):
    """``cws ami outdated``: per template and region, its images and their status."""

    images: list[OutdatedImage] = Field(default_factory=list)
    templates: list[str] = Field(default_factory=list, description="Templates with images here")
    regions: list[str] = Field(default_factory=list, description="Regions searched")
    counts: dict[str, int] = Field(default_factory=dict, description="Images per status")
    notes: list[str] = Field(
        default_factory=list, description="Regions not searched, templates not loaded"
    )

    @property
    def outdated(self) -> list[OutdatedImage]:
        """The images a rebuild would replace (outdated, or built from an earlier template)."""
        return [i for i in self.images if i.status in ("outdated", "template_changed")]


class DeprecationRow(BaseModel):
    """What a rebuild did to one earlier build: deprecated from a date, or kept as it was."""

    ami_id: str
    region: str
    status: Literal["deprecated", "kept"]
    deprecate_at: str | None = None
    message: str = ""


class RebuildResult(BaseModel):
    """``cws ami rebuild``: the new image, the base it came from, the builds it supersedes."""

    template: str
    region: str
    ami_id: str = Field(description="The new image")
    base: BaseImage
    build: ImageBuild
    builder_instance: str = Field(description="The instance provisioned and imaged (terminated)")
    deprecated: list[DeprecationRow] = Field(
        default_factory=list, description="Earlier builds in the region: never deleted"
    )
    grace_days: int
    job_id: str | None = None
    seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)
