"""The one route table: tornado's routes and the OpenAPI document are both built from it, and
every parameter's limits come from ``core.registry.limits`` (what is documented is enforced)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..core.registry import limits
from ..core.registry.models import (
    AmiDetails,
    BestAMI,
    BrowsePage,
    RateRequest,
    RateResult,
    Submission,
    SubmitResult,
    UseRequest,
    UseResult,
)
from . import API_PREFIX, handlers

AMI_REF_PATTERN = r"^(cami-[0-9a-f]{16}|ami-[0-9a-f]{8,17})$"


@dataclass(frozen=True)
class Param:
    """A query or path parameter and its JSON Schema."""

    name: str
    location: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One method of a route: what it takes, what it answers, which errors it can give."""

    summary: str
    operation_id: str
    params: tuple[Param, ...] = ()
    body: type[BaseModel] | None = None
    body_required: bool = True
    answer: type[BaseModel] | str | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    auth: bool = False
    content_type: str = "application/json"


@dataclass(frozen=True)
class Route:
    """A path (OpenAPI form), its handler, and its operations by HTTP method."""

    path: str
    handler: type[handlers.RegistryHandler]
    operations: dict[str, Operation] = field(default_factory=dict)

    @property
    def pattern(self) -> str:
        """The tornado pattern: ``{ami_id}`` becomes a capture group."""
        return self.path.replace("{ami_id}", r"([^/]+)") + "$"


AMI_ID = Param(
    "ami_id",
    "path",
    {"type": "string", "pattern": AMI_REF_PATTERN},
    "A registry id (cami-...) or any EC2 image id the record holds",
    required=True,
)


def _slug(max_chars: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_chars, "pattern": limits.SLUG_PATTERN}


def _int(low: int, high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


REGION = {"type": "string", "pattern": limits.REGION_PATTERN, "maxLength": 20}
BROWSE_PARAMS = (
    Param("template", "query", _slug(limits.MAX_TEMPLATE_CHARS), "Only this template"),
    Param("category", "query", _slug(limits.MAX_CATEGORY_CHARS), "Only this category"),
    Param("region", "query", REGION, "Only records with an image in this region"),
    Param(
        "q",
        "query",
        {"type": "string", "maxLength": limits.MAX_QUERY_CHARS},
        "Text to find in the name, template, category or description",
    ),
    Param(
        "sort",
        "query",
        {"type": "string", "enum": list(limits.SORTS), "default": "best"},
        "best: Bayesian rating plus verification, downloads and recency; rating: Bayesian "
        "rating; downloads; recent; name",
    ),
    Param("page", "query", _int(1, limits.MAX_PAGE, 1)),
    Param("per_page", "query", _int(1, limits.MAX_PER_PAGE, limits.DEFAULT_PER_PAGE)),
)
REVIEW_PARAMS = (
    AMI_ID,
    Param("review_page", "query", _int(1, limits.MAX_PAGE, 1)),
    Param(
        "reviews_per_page",
        "query",
        _int(1, limits.MAX_REVIEWS_PER_PAGE, limits.DEFAULT_REVIEWS_PER_PAGE),
    ),
)
WRITE_ERRORS = (400, 401, 413, 429)

ROUTES: tuple[Route, ...] = (
    Route(
        f"{API_PREFIX}/amis",
        handlers.AmisHandler,
        {
            "get": Operation(
                "Browse community images",
                "browseAmis",
                params=BROWSE_PARAMS,
                answer=BrowsePage,
                errors=(400,),
            ),
            "post": Operation(
                "Submit images built for a template (verified against AWS when possible)",
                "submitAmi",
                body=Submission,
                answer=SubmitResult,
                status=201,
                errors=(*WRITE_ERRORS, 409),
                auth=True,
            ),
        },
    ),
    Route(
        f"{API_PREFIX}/amis/{{ami_id}}",
        handlers.AmiHandler,
        {
            "get": Operation(
                "One record with its reviews",
                "getAmi",
                params=REVIEW_PARAMS,
                answer=AmiDetails,
                errors=(400, 404),
            )
        },
    ),
    Route(
        f"{API_PREFIX}/amis/{{ami_id}}/rate",
        handlers.RateHandler,
        {
            "post": Operation(
                "Rate a record 1-5 (rating again replaces your rating; not your own images)",
                "rateAmi",
                params=(AMI_ID,),
                body=RateRequest,
                answer=RateResult,
                errors=(*WRITE_ERRORS, 403, 404),
                auth=True,
            )
        },
    ),
    Route(
        f"{API_PREFIX}/amis/{{ami_id}}/use",
        handlers.UseHandler,
        {
            "post": Operation(
                "Count a download (a launch); with a region, get the image to launch",
                "useAmi",
                params=(AMI_ID,),
                body=UseRequest,
                body_required=False,
                answer=UseResult,
                errors=(*WRITE_ERRORS, 404),
                auth=True,
            )
        },
    ),
    Route(
        f"{API_PREFIX}/best",
        handlers.BestHandler,
        {
            "get": Operation(
                "The best community image of a template in a region",
                "findBestAmi",
                params=(
                    Param("template", "query", _slug(limits.MAX_TEMPLATE_CHARS), required=True),
                    Param("region", "query", REGION, required=True),
                ),
                answer=BestAMI,
                errors=(400, 404),
            )
        },
    ),
    Route(
        "/health",
        handlers.HealthHandler,
        {"get": Operation("Database and cache health", "health", answer="Health", errors=(503,))},
    ),
    Route(
        "/metrics",
        handlers.MetricsHandler,
        {
            "get": Operation(
                "Prometheus metrics", "metrics", answer="text", content_type="text/plain"
            )
        },
    ),
    Route(
        "/openapi.json",
        handlers.OpenApiHandler,
        {"get": Operation("This document", "openapi", answer="OpenApiDocument")},
    ),
)
