"""The one route table: tornado's URL rules and the OpenAPI document are both built from it.

Each route names its handler and, per HTTP verb, what the operation takes (path and query
parameters, a JSON body model), what it answers on success and which errors it can return.
Query parameters are also validated from here (``CwsHandler.args``), so what the document promises
is what the server enforces.
"""

from __future__ import annotations

from typing import Any

from ..core.registry import limits as community_limits
from . import NAMESPACE
from .handlers import (
    AmiTestHandler,
    CostsHandler,
    FallbacksHandler,
    HealthHandler,
    JobHandler,
    JobsHandler,
    NotFoundHandler,
    OpenApiHandler,
    PricesRefreshHandler,
    ResolveHandler,
    SandboxActionHandler,
    SandboxHandler,
    TemplateHandler,
    TemplateSchemaHandler,
    TemplatesHandler,
    TemplateValidateHandler,
    VersionHandler,
)
from .handlers_analytics import AnalyticsReportHandler, MetricsHandler
from .handlers_community import (
    CommunityAmiHandler,
    CommunityAmisHandler,
    CommunityRateHandler,
    CommunityUseHandler,
)
from .handlers_images import (
    AmiCopyHandler,
    AmiCreateHandler,
    AmiDeprecateHandler,
    AmiHandler,
    AmiListHandler,
    AmiPublishHandler,
    AmiShareHandler,
)
from .handlers_instances import InstanceActionHandler, InstancesHandler
from .handlers_migrate import (
    MigrateAnalyzeHandler,
    MigrateInstanceHandler,
    MigrateTemplateHandler,
    MigrateTestAllHandler,
)
from .handlers_security import AmiScanHandler
from .handlers_updates import AmiOutdatedHandler, AmiRebuildHandler
from .spec import ARCHITECTURES, STRATEGIES, Operation, Param, Route

REGION = Param("region", "AWS region; default: the server's configured region", example="eu-west-1")
ARCH = Param(
    "architecture", "CPU architecture; default: the template's preference", enum=ARCHITECTURES
)
TEMPLATE = Param("template", "Template slug or display name", location="path", example="python-ml")
STRATEGY = Param("strategy", "Override the template's strategy", enum=STRATEGIES)
BOOL = ("true", "false")
AMI_ID = Param(
    "ami_id",
    "An image id",
    location="path",
    example="ami-0123456789abcdef0",
    pattern="^ami-[0-9a-f]{8}([0-9a-f]{9})?$",
)
IMAGE_REGION = Param(
    "region", "Region of the image; default: the server's configured region", example="eu-west-1"
)
COMMUNITY_ID = Param(
    "community_id",
    "A community registry id (cami-...) or an EC2 image id the record holds",
    location="path",
    example="cami-0123456789abcdef",
)
COMMUNITY = (
    " Served from the community registry this server is configured with (CWS_REGISTRY_URL, or "
    "the sandbox's own); 503 when it does not answer, 400 when none is configured."
)
JOB_202 = (
    "Input is checked at once (400/404/409); the work then runs as a job: poll the `Location` "
    "(GET jobs/{job_id}) until its status is no longer running."
)

ROUTES: tuple[Route, ...] = (
    Route(
        "ami/resolve/{template}",
        ResolveHandler,
        {
            "get": Operation(
                "resolveAmi",
                "Resolve the best AMI for a template in a region",
                "Resolution",
                params=(TEMPLATE, REGION, STRATEGY, ARCH),
                errors=(400, 404, 409, 503),
                description="Walks the tiers (direct mapping, the template's own builds, SSM "
                "parameter, dynamic search, marketplace, cross-region) and answers the AMI, how it was found, the "
                "fallback chain, warnings and a cost comparison. 409 when the strategy is "
                "ami_required and no AMI exists: the error's `details` list every tier and why "
                "it failed.",
            )
        },
    ),
    Route(
        "ami/test",
        AmiTestHandler,
        {
            "post": Operation(
                "testAmi",
                "Check a template's AMI availability across regions (a job)",
                "JobAccepted",
                status=202,
                body="AmiTestRequest",
                errors=(400, 404, 429),
                description="Input is validated at once (400/404); the check then runs as a job: poll "
                "the `Location` (GET jobs/{job_id}) until its status is succeeded or failed.",
            )
        },
    ),
    Route(
        "jobs",
        JobsHandler,
        {
            "get": Operation(
                "listJobs",
                "Recent jobs started from any front door (CLI, notebook, this server)",
                "JobListBody",
                params=(Param("limit", "How many (1-500, default 20)"),),
                errors=(400,),
                description="Jobs whose process died are found first, marked abandoned and "
                "cleaned up after (a half-made image is deregistered, its snapshots deleted).",
            )
        },
    ),
    Route(
        "jobs/{job_id}",
        JobHandler,
        {
            "get": Operation(
                "getJob",
                "A job's status, progress and outcome",
                "JobStatus",
                params=(Param("job_id", "The id a 202 answer gave", location="path"),),
                errors=(404,),
            )
        },
    ),
    Route(
        "ami/costs/{template}",
        CostsHandler,
        {
            "get": Operation(
                "amiCosts",
                "AMI launch versus script provisioning: time and money",
                "CostComparison",
                params=(
                    TEMPLATE,
                    REGION,
                    ARCH,
                    Param(
                        "stored",
                        "Also count the template's stored images in every region (AWS lookups)",
                        enum=BOOL,
                    ),
                ),
                errors=(400, 404),
            )
        },
    ),
    Route(
        "ami/create",
        AmiCreateHandler,
        {
            "post": Operation(
                "createAmi",
                "Build an AMI from a workstation (202: the image exists, pending)",
                "CreateAccepted",
                status=202,
                body="AmiCreateRequest",
                errors=(400, 404, 409, 429, 503),
                description="Checks the template and the instance, calls CreateImage, and "
                "answers the spec's `ami_id`, `creation_status` and `estimated_completion` with "
                "a job that waits for the image, tags its snapshots, and copies it to "
                "`multi_region`. A failure removes the image and its snapshots.",
            )
        },
    ),
    Route(
        "ami",
        AmiListHandler,
        {
            "get": Operation(
                "listAmis",
                "Images built by cws (and their copies) this account owns or may launch",
                "ImageList",
                params=(
                    Param("template", "Only builds of this template"),
                    IMAGE_REGION,
                    Param("all_regions", "Every commercial region", enum=BOOL),
                ),
                errors=(400, 503),
            )
        },
    ),
    Route(
        "ami/outdated",
        AmiOutdatedHandler,
        {
            "get": Operation(
                "outdatedAmis",
                "Which builds, copies and direct mappings are behind their base image or template",
                "OutdatedReport",
                params=(
                    Param(
                        "template",
                        "A template to check (repeatable; default: every template with builds "
                        "or direct mappings)",
                    ),
                    REGION,
                    Param("all_regions", "Every commercial region", enum=BOOL),
                ),
                errors=(400, 404, 503),
                description="Each image's base (the image its build started from) against the "
                "template's base now: its SSM parameter, its search, or its distribution's "
                "image, looked up through the cache as resolutions are. Status current, "
                "outdated, template_changed (the template installs something else now) or "
                "unknown, with the reason in words.",
            )
        },
    ),
    Route(
        "ami/rebuild",
        AmiRebuildHandler,
        {
            "post": Operation(
                "rebuildAmi",
                "Build a template afresh from its current base image (a job)",
                "RebuildAccepted",
                status=202,
                body="RebuildRequest",
                errors=(400, 404, 409, 429, 503),
                description=JOB_202 + " The POST is the confirmation. A builder instance is "
                "provisioned by script, imaged and terminated; once the new image is available "
                "the template's earlier builds in the region are deprecated after `grace_days` "
                "(never deleted). A failure removes the builder and any half-made image and "
                "leaves the earlier builds as they were. 409 for an AMI-only template or no "
                "base image in the region.",
            )
        },
    ),
    Route(
        "ami/{ami_id}/share",
        AmiShareHandler,
        {
            "post": Operation(
                "shareAmi",
                "Share an image with accounts, organizations, OUs (or everyone, explicitly)",
                "ShareResult",
                params=(AMI_ID,),
                body="AmiShareRequest",
                errors=(400, 404, 409, 503),
                description="Account targets can also read the image's snapshots (to copy it). "
                "'all' needs public and yes, and is refused when the account blocks public "
                "images.",
            )
        },
    ),
    Route(
        "ami/{ami_id}/copy",
        AmiCopyHandler,
        {
            "post": Operation(
                "copyAmi",
                "Copy an image to regions, all at once (a job)",
                "JobAccepted",
                status=202,
                params=(AMI_ID,),
                body="AmiCopyRequest",
                errors=(400, 404, 409, 429, 503),
                description=JOB_202 + " Each region is a row of the result: copied, skipped "
                "(it already holds a copy) or failed (and cleaned up).",
            )
        },
    ),
    Route(
        "ami/{ami_id}/deprecate",
        AmiDeprecateHandler,
        {
            "post": Operation(
                "deprecateAmi",
                "Deprecate an image from a date",
                "DeprecateResult",
                params=(AMI_ID,),
                body="AmiDeprecateRequest",
                errors=(400, 404, 409, 503),
                description="409 `unsupported` on the sandbox (it does not simulate image "
                "deprecation).",
            )
        },
    ),
    Route(
        "ami/{ami_id}/publish",
        AmiPublishHandler,
        {
            "post": Operation(
                "publishAmi",
                "Write the image id into an SSM parameter (templates name it with ssm_parameter)",
                "PublishResult",
                params=(AMI_ID,),
                body="AmiPublishRequest",
                errors=(400, 404, 409, 503),
            )
        },
    ),
    Route(
        "ami/{ami_id}/scan",
        AmiScanHandler,
        {
            "get": Operation(
                "scanAmi",
                "Scan an image: a score out of 100, findings with their fixes, recommendations",
                "SecurityReport",
                params=(AMI_ID, IMAGE_REGION),
                errors=(400, 404, 503),
                description="Checks the owner (AMI squatting), age, deprecation, public launch "
                "permission, snapshot encryption, IMDSv2 and boot mode, adds Amazon Inspector's "
                "findings when the account has Inspector (a note says why not otherwise), and "
                "the configured policy's verdict (CWS_POLICY_FILE).",
            )
        },
    ),
    Route(
        "ami/{ami_id}",
        AmiHandler,
        {
            "get": Operation(
                "getAmi",
                "Everything about an image: owner, age, tags, shares, snapshots, copies, cost",
                "ImageDetails",
                params=(AMI_ID, IMAGE_REGION),
                errors=(400, 404, 503),
            ),
            "delete": Operation(
                "deleteAmi",
                "Deregister an image of this account and delete its snapshots",
                "DeleteResult",
                params=(AMI_ID, IMAGE_REGION),
                errors=(400, 404, 409, 503),
                description="409 when another account owns the image.",
            ),
        },
    ),
    Route(
        "instances",
        InstancesHandler,
        {
            "get": Operation(
                "listInstances",
                "Workstations (launched from any front door), brought up to date with EC2",
                "InstanceList",
                params=(Param("all", "Terminated ones too", enum=BOOL),),
                errors=(400, 503),
            ),
            "post": Operation(
                "launchInstance",
                "Launch a workstation from a template (a job; a dry run answers at once)",
                "JobAccepted",
                status=202,
                body="LaunchRequest",
                errors=(400, 404, 409, 429, 503),
                description=JOB_202 + " With `dry_run`, the answer is the plan (image, type, "
                "price, ports) with AWS's DryRun verdict on each call; nothing is made.",
                alternatives=((200, "LaunchPlan", "dry_run: the plan and AWS's verdicts"),),
            ),
        },
    ),
    Route(
        "instances/{name}/{action}",
        InstanceActionHandler,
        {
            "post": Operation(
                "instanceAction",
                "Stop, start or terminate a workstation (a job)",
                "JobAccepted",
                status=202,
                params=(
                    Param("name", "The workstation's name", location="path", example="lab-1"),
                    Param(
                        "action",
                        "stop, start, or terminate (also deletes its security group)",
                        location="path",
                        enum=("stop", "start", "terminate"),
                    ),
                ),
                errors=(404, 409, 429),
                description=JOB_202,
            )
        },
    ),
    Route(
        "community/amis",
        CommunityAmisHandler,
        {
            "get": Operation(
                "browseCommunityAmis",
                "Browse community images: ratings, launches, regions, verified or not",
                "BrowsePage",
                params=(
                    Param("template", "Only images built for this template"),
                    Param("category", "Only this category", example="data-science"),
                    Param("region", "Only images held in this region", example="eu-west-1"),
                    Param("q", "Words to find in names and descriptions"),
                    Param(
                        "sort",
                        "Order (default: best, a Bayesian average of ratings with verification, "
                        "recency and launches)",
                        enum=community_limits.SORTS,
                    ),
                    Param("page", "Page number, from 1"),
                    Param("per_page", "Images per page, 1 to 100"),
                ),
                errors=(400, 503),
                description="One page of the registry's records." + COMMUNITY,
            ),
            "post": Operation(
                "submitCommunityAmi",
                "Publish one of your images, with every region holding a copy",
                "SubmitResult",
                status=201,
                body="CommunitySubmitRequest",
                errors=(400, 401, 404, 409, 429, 503),
                description="The registry verifies that each image exists and belongs to the "
                "account bound to the server's registry token (CWS_REGISTRY_TOKEN); an image it "
                "cannot verify is stored unverified, with the reason." + COMMUNITY,
            ),
        },
    ),
    Route(
        "community/amis/{community_id}",
        CommunityAmiHandler,
        {
            "get": Operation(
                "getCommunityAmi",
                "One community image with its reviews",
                "AmiDetails",
                params=(COMMUNITY_ID,),
                errors=(400, 404, 503),
                description="Details, reviews (newest first) and how its ratings spread."
                + COMMUNITY,
            )
        },
    ),
    Route(
        "community/amis/{community_id}/rate",
        CommunityRateHandler,
        {
            "post": Operation(
                "rateCommunityAmi",
                "Rate a community image 1-5 (rating again replaces your rating)",
                "RateResult",
                params=(COMMUNITY_ID,),
                body="CommunityRateRequest",
                errors=(400, 401, 403, 404, 429, 503),
                description="Nobody rates their own image (403)." + COMMUNITY,
            )
        },
    ),
    Route(
        "community/amis/{community_id}/use",
        CommunityUseHandler,
        {
            "post": Operation(
                "useCommunityAmi",
                "Count a launch of a community image",
                "UseResult",
                params=(COMMUNITY_ID,),
                body="CommunityUseRequest",
                errors=(400, 401, 404, 429, 503),
                description="A launch from a community image through this server counts itself;"
                " this is for launches made elsewhere." + COMMUNITY,
            )
        },
    ),
    Route(
        "migrate/analyze",
        MigrateAnalyzeHandler,
        {
            "get": Operation(
                "migrateAnalyze",
                "Is an AMI worth it for each template (no AWS calls)",
                "MigrationReport",
                params=(
                    Param("template", "A template to analyze (repeatable; default: all)"),
                    REGION,
                    Param("launches", "Launches a month to weigh (0-100000, default 20)"),
                ),
                errors=(400, 404),
            )
        },
    ),
    Route(
        "migrate/test-all",
        MigrateTestAllHandler,
        {
            "post": Operation(
                "migrateTestAll",
                "Resolve every template in every region given (a job)",
                "JobAccepted",
                status=202,
                body="MigrateTestAllRequest",
                errors=(400, 404, 429),
                description=JOB_202 + " A template that fails in a region is a row with its "
                "error, never a failed job.",
            )
        },
    ),
    Route(
        "migrate/template/{template}",
        MigrateTemplateHandler,
        {
            "post": Operation(
                "migrateTemplate",
                "Write a copy of the template, with an ami_config, into the user's folder",
                "TemplateMigration",
                params=(TEMPLATE,),
                body="MigrateRequest",
                errors=(400, 404, 409, 503),
                description="The copy maps this account's newest current build in each region, "
                "or searches for builds by tag when there is none. 409 when the template "
                "already has an ami_config (unless force).",
            )
        },
    ),
    Route(
        "migrate/instance/{name}",
        MigrateInstanceHandler,
        {
            "post": Operation(
                "migrateInstance",
                "Build an AMI from a workstation and map it into its template's copy (a job)",
                "JobAccepted",
                status=202,
                params=(Param("name", "The workstation's name", location="path", example="lab-1"),),
                body="MigrateRequest",
                errors=(400, 404, 429),
                description=JOB_202,
            )
        },
    ),
    Route(
        "analytics/report",
        AnalyticsReportHandler,
        {
            "get": Operation(
                "analyticsReport",
                "Usage report: resolutions by method (count, p50, p95), launches, savings, regions",
                "AnalyticsReport",
                params=(
                    Param(
                        "since",
                        "Only events of the last period: 30m, 24h, 7d, 2w; default: every "
                        "event kept",
                        example="7d",
                    ),
                ),
                errors=(400, 409),
                description="What `cws analytics report --json` prints; the events every "
                "process spooled are ingested first. 409 when another process holds the "
                "analytics database too long (a large export).",
            )
        },
    ),
    Route(
        "metrics",
        MetricsHandler,
        {
            "get": Operation(
                "getMetrics",
                "Prometheus metrics of the usage events recorded on this machine",
                "PrometheusText",
                errors=(409,),
                description="Text exposition format 0.0.4: resolutions by method with a "
                "histogram of their time, launches by template and result, builds, copies, "
                "estimated savings. Authenticated like every route: give the scraper an "
                "`Authorization: token <token>` header.",
            )
        },
    ),
    Route(
        "regions/fallbacks",
        FallbacksHandler,
        {
            "get": Operation(
                "regionFallbacks",
                "Each region's fallback neighbours, nearest first",
                "RegionFallbackList",
            )
        },
    ),
    Route(
        "templates",
        TemplatesHandler,
        {
            "get": Operation(
                "listTemplates",
                "The template catalogue (and files that failed to load)",
                "TemplateList",
                params=(Param("category", "Only templates of this category"),),
            )
        },
    ),
    # before templates/{slug}, which would otherwise take these two names
    Route(
        "templates/validate",
        TemplateValidateHandler,
        {
            "post": Operation(
                "validateTemplate",
                "Validate a template written as YAML text (parents come from the library)",
                "TemplateCheck",
                body="ValidateRequest",
                errors=(400,),
                description="Template problems are part of the answer (`ok: false` and per-field "
                "`errors`); only a malformed request is a 400.",
            )
        },
    ),
    Route(
        "templates/schema",
        TemplateSchemaHandler,
        {
            "get": Operation(
                "templateSchema",
                "The JSON Schema of the template format (for editors)",
                "TemplateSchema",
            )
        },
    ),
    Route(
        "templates/{slug}",
        TemplateHandler,
        {
            "get": Operation(
                "getTemplate",
                "One template, inheritance applied, with its path and warnings",
                "LoadedTemplate",
                errors=(400, 404),
                params=(
                    Param(
                        "slug",
                        "Template slug or display name",
                        location="path",
                        example="python-ml",
                    ),
                ),
            )
        },
    ),
    Route(
        "sandbox",
        SandboxHandler,
        {
            "get": Operation(
                "sandboxStatus",
                "Is the user's sandbox (the simulated AWS account) running, and where",
                "SandboxStatus",
            )
        },
    ),
    Route(
        "sandbox/{action}",
        SandboxActionHandler,
        {
            "post": Operation(
                "sandboxAction",
                "Start, stop or reset the user's sandbox",
                "SandboxStatus",
                params=(
                    Param(
                        "action",
                        "start, stop, or reset (back to the seeded world)",
                        location="path",
                        enum=("start", "stop", "reset"),
                    ),
                ),
                errors=(404, 503),
            )
        },
    ),
    Route(
        "prices/refresh",
        PricesRefreshHandler,
        {
            "post": Operation(
                "refreshPrices",
                "Fetch current on-demand prices from the AWS Pricing API (real AWS only)",
                "RefreshReport",
                body="PricesRefreshRequest",
                errors=(400, 409, 503),
                description="Without a body, refreshes the server's region. The sandbox has no "
                "Pricing API: 409, and the shipped price table stays in use; 503 when AWS "
                "cannot be reached or refuses.",
            )
        },
    ),
    Route(
        "version",
        VersionHandler,
        {
            "get": Operation(
                "getVersion",
                "The server half's version (frontend handshake)",
                "Version",
            )
        },
    ),
    Route(
        "health",
        HealthHandler,
        {
            "get": Operation(
                "getHealth",
                "Liveness, which AWS the server talks to, and what keeps routes from working "
                "(no AWS calls)",
                "Health",
            )
        },
    ),
    Route(
        "openapi.json",
        OpenApiHandler,
        {
            "get": Operation(
                "getOpenApi",
                "This API's OpenAPI document",
                "OpenApiDocument",
            )
        },
    ),
)


def handler_rules() -> list[tuple[str, type, dict[str, Any]]]:
    """The extension's tornado rules: every route, then a JSON 404 for the rest of the API."""
    rules: list[tuple[str, type, dict[str, Any]]] = [
        (route.pattern(), route.handler, {"route": route}) for route in ROUTES
    ]
    rules.append((NAMESPACE + "(?P<rest>/.*)?", NotFoundHandler, {"route": None}))
    return rules
