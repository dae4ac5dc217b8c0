"""The REST API's own bodies (errors, jobs, version, health) and a registry of every model it uses.

Imported on the first request (it pulls in the core's models), never when the extension loads.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, ValidationError

from ..core.errors import BadInput
from ..core.pricing import RefreshReport
from ..core.regions.models import RegionFallback
from ..core.resolver.availability import AvailabilityMatrix
from ..core.resolver.models import CostComparison, Resolution
from ..core.sandbox import SandboxInfo
from ..core.service import TemplateList
from ..core.templates.loader import LoadedTemplate, TemplateCheck

MAX_REGIONS = 64


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
    regions: list[str] | None = Field(
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


class JobProgress(BaseModel):
    """How far a job has got."""

    done: int = 0
    total: int = 0


class JobStatus(BaseModel):
    """A job: running, succeeded (with its result) or failed (with an error body)."""

    job_id: str
    kind: str = Field(description="What the job does, e.g. ami_test")
    status: Literal["running", "succeeded", "failed"]
    progress: JobProgress
    result: AvailabilityMatrix | None = Field(
        None, description="The availability matrix, once succeeded"
    )
    error: ErrorBody | None = Field(None, description="Why it failed, once failed")
    created: float = Field(description="Unix time the job was accepted")
    finished: float | None = Field(None, description="Unix time the job ended")


class Version(BaseModel):
    """The server half's version, for the frontend's handshake."""

    version: str
    api: Literal["v1"] = "v1"


class Health(BaseModel):
    """Is the server half up, and which AWS does it talk to (answered without AWS calls)."""

    status: Literal["ok"] = "ok"
    sandbox: bool
    aws: Literal["sandbox", "aws", "unconfigured"]


class ValidateRequest(BaseModel):
    """Body of ``POST templates/validate``: a template's YAML text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"template": "name: My Lab\npackages: {conda: [jupyterlab]}\n"}]
        },
    )

    template: str = Field(
        min_length=1, max_length=1_000_000, description="The template, as YAML text"
    )
    origin: str = Field(
        "<request>", max_length=200, description="A name for messages (e.g. a file name)"
    )


class PricesRefreshRequest(BaseModel):
    """Body of ``POST prices/refresh``: which regions to fetch (default: the server's region)."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] | None = Field(
        None, max_length=MAX_REGIONS, description="Regions to refresh"
    )
    all_regions: StrictBool = Field(
        False, description="Every commercial region (about 1,400 calls)"
    )


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
