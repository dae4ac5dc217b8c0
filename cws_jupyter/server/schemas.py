"""The REST API's own bodies (errors, jobs, version, health) and a registry of every model it uses.

Imported on the first request (it pulls in the core's models), never when the extension loads.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, ValidationError

from ..core.analytics.models import AnalyticsReport
from ..core.errors import BadInput
from ..core.images.models import (
    CopyResult,
    DeleteResult,
    DeprecateResult,
    ImageBuild,
    ImageDetails,
    ImageList,
    PublishResult,
    ShareResult,
)
from ..core.images.updates import OutdatedReport
from ..core.instances.models import InstanceAction, InstanceList, LaunchPlan, LaunchResult
from ..core.migration.models import (
    InstanceMigration,
    MigrationMatrix,
    MigrationReport,
    TemplateMigration,
)
from ..core.pricing import RefreshReport
from ..core.regions.models import RegionFallback
from ..core.registry import limits as community_limits
from ..core.registry.models import AmiDetails, BrowsePage, RateResult, SubmitResult, UseResult
from ..core.resolver.availability import AvailabilityMatrix
from ..core.resolver.models import CostComparison, Resolution
from ..core.sandbox import SandboxInfo
from ..core.security.models import SecurityReport
from ..core.service import TemplateList
from ..core.templates.loader import LoadedTemplate, TemplateCheck

MAX_REGIONS = 64
#: Limits of request bodies: every string, list and map a body takes is bounded, and the
#: server's byte limit for each body is computed from these (``bodysize``), so the OpenAPI
#: document and the server always agree on what is accepted.
MAX_TEMPLATE_CHARS = 65_536
RegionName = Annotated[str, Field(max_length=40)]
TemplateRef = Annotated[str, Field(min_length=1, max_length=200)]
TagKey = Annotated[str, Field(min_length=1, max_length=128)]
TagValue = Annotated[str, Field(max_length=256)]
ShareTarget = Annotated[str, Field(min_length=1, max_length=256)]
KmsKey = Annotated[str, Field(min_length=1, max_length=320)]
Cidr = Annotated[str, Field(min_length=1, max_length=64)]


class ErrorBody(BaseModel):
    """Every error the API returns: a code, what is wrong and how to fix it, the field at fault."""

    error: str = Field(description="Machine-readable code: bad_input, not_found, ...")
    message: str = Field(description="What went wrong and how to fix it")
    field: str | None = Field(None, description="The request field at fault, when one is")
    details: Any = Field(None, description="Extra data, e.g. a failed resolution's fallback chain")


class AmiTestRequest(BaseModel):
    """Body of ``POST ami/test``: a template and where to look (regions, or every region)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"template": "python-ml", "regions": ["eu-west-1", "eu-central-1"]},
                {"template": "ubuntu-24-server", "all_regions": True, "architecture": "arm64"},
            ]
        },
    )

    template: str = Field(min_length=1, max_length=200, description="Template slug or display name")
    regions: list[RegionName] | None = Field(
        None,
        max_length=MAX_REGIONS,
        description="Regions to check; default: the home region and its fallbacks",
    )
    all_regions: StrictBool = Field(
        False, description="Check every commercial region (excludes `regions`)"
    )
    architecture: Literal["x86_64", "arm64"] | None = Field(
        None, description="Architecture to look for"
    )


class JobAccepted(BaseModel):
    """The 202 answer to a long request: where to poll for its outcome."""

    job_id: str
    status: Literal["running"] = "running"
    url: str = Field(description="Absolute path of the job resource (also in the Location header)")


class CreateAccepted(JobAccepted):
    """The 202 answer to ``POST ami/create`` (the spec's fields): the image exists, pending."""

    ami_id: str
    creation_status: Literal["pending"] = "pending"
    estimated_completion: str | None = Field(
        None, description="When the image should be available (UTC, ISO 8601; an estimate)"
    )
    region: str


class JobProgressBody(BaseModel):
    """How far a job has got."""

    done: int = 0
    total: int = 0
    step: str | None = None
    message: str = ""


class JobStatus(BaseModel):
    """A job (started from any front door): running, or how it ended, with its result or error."""

    job_id: str
    kind: str = Field(
        description="ami_test, ami_create, ami_copy, launch, instance_stop|start|terminate, "
        "migrate_instance, migrate_test_all"
    )
    status: Literal["running", "succeeded", "failed", "interrupted", "abandoned"]
    progress: JobProgressBody
    params: dict[str, Any] = Field(default_factory=dict, description="What was asked")
    resources: dict[str, Any] = Field(
        default_factory=dict, description="AWS resources made so far (for cleanup)"
    )
    result: (
        AvailabilityMatrix
        | ImageBuild
        | CopyResult
        | LaunchResult
        | InstanceAction
        | InstanceMigration
        | MigrationMatrix
        | None
    ) = Field(
        None,
        description="Once succeeded: the availability matrix (ami_test), the build "
        "(ami_create), the copy (ami_copy), the launch (launch), the action (instance_*), "
        "the migration (migrate_instance), the matrix (migrate_test_all)",
    )
    error: ErrorBody | None = Field(None, description="Why it failed, once failed")
    created: float = Field(description="Unix time the job was accepted")
    updated: float | None = None
    finished: float | None = Field(None, description="Unix time the job ended")
    owner: str = Field("", description="host:pid:start of the process running it")


class JobListBody(BaseModel):
    """Recent jobs of this account view, newest first, and abandoned ones just cleaned up."""

    jobs: list[JobStatus]
    recovered: list[str] = Field(default_factory=list)


class AmiCreateRequest(BaseModel):
    """Body of ``POST ami/create`` (the spec's AMICreationRequest, plus the template)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"template": "python-ml", "instance_id": "i-0123456789abcdef0"},
                {"template": "teaching-lab", "instance_id": "lab-1", "multi_region": ["eu-west-1"]},
            ]
        },
    )

    template: str = Field(min_length=1, max_length=200, description="Template slug or name")
    instance_id: str = Field(
        min_length=1, max_length=100, description="Instance id, or a workstation's name"
    )
    name: str | None = Field(None, max_length=128, description="Image name")
    description: str | None = Field(None, max_length=255)
    no_reboot: StrictBool = False
    region: str | None = Field(None, max_length=40)
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, max_length=40)
    public: StrictBool = Field(
        False,
        description="Must stay false: make an image public afterwards with "
        "POST ami/{ami_id}/share (targets ['all'], public and yes)",
    )
    multi_region: list[RegionName] = Field(
        default_factory=list, max_length=MAX_REGIONS, description="Copy the image there too"
    )


class AmiShareRequest(BaseModel):
    """Body of ``POST ami/{ami_id}/share``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"targets": ["123456789012"], "region": "eu-west-1"}]},
    )

    targets: list[ShareTarget] = Field(
        min_length=1,
        max_length=100,
        description="Account ids, organization or OU ARNs, or 'all' (public)",
    )
    region: str | None = Field(None, max_length=40)
    remove: StrictBool = Field(False, description="Stop sharing with the targets")
    public: StrictBool = Field(False, description="Allow 'all'; needs yes too")
    yes: StrictBool = Field(False, description="Confirm making the image public")


class AmiCopyRequest(BaseModel):
    """Body of ``POST ami/{ami_id}/copy``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"regions": ["eu-central-1", "us-east-1"], "source_region": "eu-west-1"}]
        },
    )

    regions: list[RegionName] = Field(min_length=1, max_length=MAX_REGIONS)
    source_region: str | None = Field(None, max_length=40)
    kms_keys: dict[RegionName, KmsKey] = Field(
        default_factory=dict, max_length=MAX_REGIONS, description="region -> KMS key"
    )
    encrypt: StrictBool = False


class AmiDeprecateRequest(BaseModel):
    """Body of ``POST ami/{ami_id}/deprecate``."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"at": "2027-06-30"}]}
    )

    at: str = Field(min_length=1, max_length=40, description="YYYY-MM-DD or an ISO time (UTC)")
    region: str | None = Field(None, max_length=40)


class AmiPublishRequest(BaseModel):
    """Body of ``POST ami/{ami_id}/publish``."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"parameter": "/my-lab/ami/python-ml"}]}
    )

    parameter: str = Field(min_length=1, max_length=1011, description="SSM parameter name")
    region: str | None = Field(None, max_length=40)


class RebuildRequest(BaseModel):
    """Body of ``POST ami/rebuild``: the POST is the confirmation (the CLI's ``--yes``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"template": "python-ml", "region": "eu-west-1"}]},
    )

    template: TemplateRef = Field(description="Template slug or display name")
    region: RegionName | None = Field(None, description="Default: the server's configured region")
    grace_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        strict=True,
        description="Days until the earlier builds are deprecated (default 14)",
    )
    instance_type: str | None = Field(
        None, max_length=40, description="The builder's instance type (default: the template's)"
    )


class RebuildAccepted(JobAccepted):
    """The 202 answer to ``POST ami/rebuild``: what the job builds from, and what it supersedes."""

    template: str
    region: str
    base_ami: str = Field(description="The base image the builder starts from")
    supersedes: list[str] = Field(
        default_factory=list, description="Earlier builds deprecated once the new one is available"
    )
    grace_days: int


class LaunchRequest(BaseModel):
    """Body of ``POST instances``: launch a workstation from a template."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"template": "python-ml", "name": "lab-1", "region": "eu-west-1"},
                {"template": "teaching-lab", "name": "class-a", "cidrs": ["203.0.113.7/32"]},
            ]
        },
    )

    template: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=63, description="The workstation's name")
    region: str | None = Field(None, max_length=40)
    instance_type: str | None = Field(None, max_length=40)
    strategy: Literal["ami_preferred", "ami_required", "ami_fallback"] | None = None
    ami: str | None = Field(
        None,
        max_length=21,
        description="Launch this image instead (an EC2 image id, or a community registry id "
        "cami-... whose copy in the region is launched, counting the launch)",
    )
    cidrs: list[Cidr] = Field(
        default_factory=list, max_length=20, description="Open the template's ports to these"
    )
    allow_any_ip: StrictBool = Field(False, description="Allow 0.0.0.0/0 in cidrs")
    copy_image: StrictBool = Field(
        True, alias="copy", description="Copy the image in from another region when needed"
    )
    key_name: str | None = Field(None, max_length=255)
    dry_run: StrictBool = Field(False, description="Answer the plan and AWS's DryRun verdicts")


class MigrateRequest(BaseModel):
    """Body of ``POST migrate/template/{template}`` and ``POST migrate/instance/{name}``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"force": False}]})

    force: StrictBool = Field(
        False, description="Replace an ami_config or a user-folder file that is not a migrated copy"
    )


class MigrateTestAllRequest(BaseModel):
    """Body of ``POST migrate/test-all`` (both default: every template; home region + fallbacks)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"templates": ["python-ml"], "regions": ["eu-west-1"]}]},
    )

    templates: list[TemplateRef] | None = Field(None, max_length=200)
    regions: list[RegionName] | None = Field(None, max_length=MAX_REGIONS)


class Version(BaseModel):
    """The server half's version, for the frontend's handshake."""

    version: str
    api: Literal["v1"] = "v1"


class Health(BaseModel):
    """Is the server half up, which AWS does it talk to, and what stops routes from working
    (answered without AWS calls)."""

    status: Literal["ok", "degraded"] = Field(
        "ok", description="degraded: up, but `problems` keeps some routes from working"
    )
    sandbox: bool
    aws: Literal["sandbox", "aws", "unconfigured"]
    region: str | None = Field(
        None, description="The server's configured region (the default of every route)"
    )
    problems: list[str] = Field(
        default_factory=list,
        description="What is wrong (an AWS profile, a file, a folder) and how to fix it",
    )


class ValidateRequest(BaseModel):
    """Body of ``POST templates/validate``: a template's YAML text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"template": "name: My Lab\npackages: {conda: [jupyterlab]}\n"}]
        },
    )

    template: str = Field(
        min_length=1, max_length=MAX_TEMPLATE_CHARS, description="The template, as YAML text"
    )
    origin: str = Field(
        "<request>", max_length=200, description="A name for messages (e.g. a file name)"
    )


class PricesRefreshRequest(BaseModel):
    """Body of ``POST prices/refresh``: which regions to fetch (default: the server's region)."""

    model_config = ConfigDict(extra="forbid")

    regions: list[RegionName] | None = Field(
        None, max_length=MAX_REGIONS, description="Regions to refresh"
    )
    all_regions: StrictBool = Field(
        False, description="Every commercial region (about 1,400 calls)"
    )


class CommunitySubmitRequest(BaseModel):
    """Body of ``POST community/amis``: one of your images and the template it was built for."""

    model_config = ConfigDict(extra="forbid")

    ami_id: str = Field(
        min_length=12, max_length=21, pattern=r"^ami-[0-9a-f]{8,17}$", description="Your image"
    )
    template: str = Field(
        min_length=1,
        max_length=community_limits.MAX_TEMPLATE_CHARS,
        pattern=community_limits.SLUG_PATTERN,
        description="The template it was built for",
    )
    region: RegionName | None = Field(None, description="Region of ami_id (default: the server's)")
    name: str | None = Field(
        None, min_length=1, max_length=community_limits.MAX_NAME_CHARS, description="Display name"
    )
    description: str = Field("", max_length=community_limits.MAX_DESCRIPTION_CHARS)
    version: str = Field("", max_length=community_limits.MAX_VERSION_CHARS)
    category: str | None = Field(
        None,
        min_length=1,
        max_length=community_limits.MAX_CATEGORY_CHARS,
        pattern=community_limits.SLUG_PATTERN,
    )


class CommunityRateRequest(BaseModel):
    """Body of ``POST community/amis/{ami_id}/rate``."""

    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5, strict=True, description="Stars, 1 to 5")
    review: str | None = Field(None, max_length=community_limits.MAX_REVIEW_CHARS)


class CommunityUseRequest(BaseModel):
    """Body of ``POST community/amis/{ami_id}/use`` (optional)."""

    model_config = ConfigDict(extra="forbid")

    region: RegionName | None = Field(None, description="The region launched in")


class SandboxStatus(BaseModel):
    """Is the user's sandbox running, and where."""

    running: bool
    sandbox: SandboxInfo | None = None


class TemplateSchema(RootModel[dict[str, Any]]):
    """The JSON Schema of the template format (for editors)."""


class RegionFallbackList(RootModel[list[RegionFallback]]):
    """Each region's fallback neighbours, nearest first."""


#: Every model the API reads or writes, by the name the route table and OpenAPI use.
MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        Resolution,
        CostComparison,
        RegionFallbackList,
        TemplateList,
        LoadedTemplate,
        AmiTestRequest,
        JobAccepted,
        JobStatus,
        Version,
        Health,
        ErrorBody,
        TemplateCheck,
        TemplateSchema,
        ValidateRequest,
        PricesRefreshRequest,
        RefreshReport,
        SandboxStatus,
        CreateAccepted,
        JobListBody,
        AmiCreateRequest,
        AmiShareRequest,
        AmiCopyRequest,
        AmiDeprecateRequest,
        AmiPublishRequest,
        LaunchRequest,
        ImageList,
        ImageDetails,
        ShareResult,
        DeleteResult,
        DeprecateResult,
        PublishResult,
        InstanceList,
        LaunchPlan,
        MigrateRequest,
        MigrateTestAllRequest,
        MigrationReport,
        TemplateMigration,
        CommunitySubmitRequest,
        CommunityRateRequest,
        CommunityUseRequest,
        BrowsePage,
        AmiDetails,
        SubmitResult,
        RateResult,
        UseResult,
        OutdatedReport,
        RebuildRequest,
        RebuildAccepted,
        SecurityReport,
        AnalyticsReport,
    )
}


def parse_body(model: type[BaseModel], data: Any, example: str) -> Any:
    """Validate a JSON body against ``model``; any problem is a BadInput naming the field."""
    if not isinstance(data, dict):
        raise BadInput(f"the request body must be a JSON object, e.g. {example}", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in errors]
        first = errors[0]["loc"]
        raise BadInput(
            "invalid request body: " + "; ".join(problems),
            field=str(first[0]) if first else "body",
            details=problems,
        ) from None


def parse_test_request(data: Any) -> AmiTestRequest:
    """Validate a ``POST ami/test`` body; any problem is a BadInput naming the field."""
    request = parse_body(
        AmiTestRequest, data, '{"template": "python-ml", "regions": ["eu-west-1"]}'
    )
    if request.all_regions and request.regions:
        raise BadInput(
            "give either `regions` or `all_regions: true`, not both", field="all_regions"
        )
    return request
