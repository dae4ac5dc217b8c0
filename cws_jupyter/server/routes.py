"""The one route table: tornado's URL rules and the OpenAPI document are both built from it.

Each route names its handler and, per HTTP verb, what the operation takes (path and query
parameters, a JSON body model), what it answers on success and which errors it can return.
Query parameters are also validated from here (``CwsHandler.args``), so what the document promises
is what the server enforces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jupyter_server.utils import url_path_join

from . import NAMESPACE
from .handlers import (
    AmiTestHandler,
    CostsHandler,
    FallbacksHandler,
    HealthHandler,
    JobHandler,
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

STRATEGIES = ("ami_preferred", "ami_required", "ami_fallback")
ARCHITECTURES = ("x86_64", "arm64")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Param:
    """A path or query parameter; ``enum`` values are enforced, not only documented."""

    name: str
    description: str
    location: str = "query"
    enum: tuple[str, ...] = ()
    example: str | None = None

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema."""
        schema: dict[str, Any] = {"type": "string"}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.location == "path":
            schema["minLength"] = 1
        return schema


@dataclass(frozen=True)
class Operation:
    """One verb of a route: its inputs, its success answer and the errors it documents."""

    operation_id: str
    summary: str
    response: str
    status: int = 200
    params: tuple[Param, ...] = ()
    body: str | None = None
    errors: tuple[int, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Route:
    """A path under the API root (``{name}`` marks a path parameter), its handler and its verbs."""

    path: str
    handler: type
    operations: dict[str, Operation] = field(default_factory=dict)

    def pattern(self) -> str:
        """The tornado URL pattern, relative to the server's base_url."""
        regex = _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", self.path)
        return url_path_join(NAMESPACE, regex)

    def path_params(self) -> list[str]:
        """The names of the path's parameters, in order."""
        return _PLACEHOLDER.findall(self.path)


REGION = Param("region", "AWS region; default: the server's configured region", example="eu-west-1")
ARCH = Param(
    "architecture", "CPU architecture; default: the template's preference", enum=ARCHITECTURES
)
TEMPLATE = Param("template", "Template slug or display name", location="path", example="python-ml")
STRATEGY = Param("strategy", "Override the template's strategy", enum=STRATEGIES)

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
                description="Walks the tiers (direct mapping, SSM parameter, dynamic search, "
                "marketplace, cross-region) and answers the AMI, how it was found, the "
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
                params=(TEMPLATE, REGION, ARCH),
                errors=(400, 404),
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
                "Liveness and which AWS the server talks to (no AWS calls)",
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
