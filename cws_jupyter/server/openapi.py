"""The OpenAPI 3.1 document, built from the route table and the pydantic models: they cannot drift.

python -m cws_jupyter.server.openapi > docs/openapi.json    # regenerate the committed copy
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from typing import Any, Literal

from jupyter_server.utils import url_path_join
from pydantic.json_schema import models_json_schema

from .. import __version__
from . import NAMESPACE
from .bodysize import max_body_bytes
from .jsonbody import MAX_DEPTH
from .routes import ROUTES
from .schemas import MODELS
from .spec import Operation, Param, Route

REF = "#/components/schemas/{model}"
#: Answers every operation can give besides its own: no or a bad token, an unexpected failure.
COMMON_ERRORS = (403, 500)
ERROR_TEXT = {
    400: "Bad input: the `field` names the parameter or body field at fault",
    401: "The community registry refused the write: no registry token (CWS_REGISTRY_TOKEN), or "
    "a wrong or revoked one",
    403: "Not authenticated (or, for browser requests, a missing XSRF token), or a cross-origin "
    "request refused (`error` is then `cross_origin`); for a rating, your own image",
    404: "Not found (unknown template, job or route)",
    409: "Cannot be done as asked: no AMI found and the strategy forbids script provisioning "
    "(`details` holds the fallback chain); a conflict with the current state (a name in use, "
    "an image another account owns, an instance in the wrong state); or not possible in this "
    "configuration (e.g. the sandbox has no Pricing API or image deprecation)",
    429: "Too many jobs running, or too many writes to the community registry; retry after "
    "`Retry-After` seconds",
    500: "Unexpected server error (details only in the server log)",
    503: "AWS (or the sandbox), or the community registry, cannot be reached, or no credentials "
    "are configured",
}
RAW_SCHEMAS = {
    "OpenApiDocument": {"type": "object", "description": "An OpenAPI 3.1 document"},
    "PrometheusText": {"type": "string", "description": "Prometheus text exposition, 0.0.4"},
}
#: Answers that are not JSON: model name -> media type.
MEDIA_TYPES = {"PrometheusText": "text/plain; version=0.0.4"}
TOKEN_HELP = (
    "The Jupyter server token, sent as `Authorization: token <token>`. Browser (cookie) sessions "
    "must also send the `_xsrf` cookie and an `X-XSRFToken` header on POST."
)


def _operations() -> list[Operation]:
    """Every operation of the route table."""
    return [op for route in ROUTES for op in route.operations.values()]


def _component_schemas() -> dict[str, Any]:
    """Every model's JSON Schema (responses as serialized, request bodies as validated)."""
    bodies = {op.body for op in _operations() if op.body}
    pairs: list[tuple[Any, Literal["validation", "serialization"]]] = [
        (model, "validation" if name in bodies else "serialization")
        for name, model in MODELS.items()
    ]
    _, top = models_json_schema(pairs, ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    schemas.update(RAW_SCHEMAS)
    return dict(sorted(schemas.items()))


def _parameter(param: Param) -> dict[str, Any]:
    """One parameter object."""
    spec: dict[str, Any] = {
        "name": param.name,
        "in": param.location,
        "required": param.location == "path",
        "description": param.description,
        "schema": param.schema(),
    }
    if param.example:
        spec["example"] = param.example
    return spec


def _json(ref: str) -> dict[str, Any]:
    """A JSON content object referring to a component schema."""
    return {"application/json": {"schema": {"$ref": REF.format(model=ref)}}}


def _operation(route: Route, op: Operation) -> dict[str, Any]:
    """One operation object: parameters, body, the success answer, every documented error."""
    content = _json(op.response)
    if op.response in MEDIA_TYPES:
        content = {MEDIA_TYPES[op.response]: content.pop("application/json")}
    ok: dict[str, Any] = {"description": op.summary, "content": content}
    if op.status == 202:
        ok["headers"] = {
            "Location": {
                "description": "Path of the job resource to poll",
                "schema": {"type": "string"},
            }
        }
        ok["links"] = {
            "GetJob": {
                "operationId": "getJob",
                "parameters": {"job_id": "$response.body#/job_id"},
                "description": "Poll the job until its status is succeeded or failed",
            }
        }
    responses = {str(op.status): ok}
    for status, model, when in op.alternatives:
        responses[str(status)] = {"description": when, "content": _json(model)}
    for status in sorted({*op.errors, *COMMON_ERRORS}):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [route.path.split("/")[0]],
        "parameters": [_parameter(p) for p in op.params],
        "responses": responses,
    }
    if op.description:
        spec["description"] = op.description
    if op.body:
        limit = max_body_bytes(MODELS[op.body])
        spec["requestBody"] = {
            "required": True,
            "description": f"JSON of at most {limit} bytes, nesting at most {MAX_DEPTH} levels "
            "(the model's own limits fix the byte limit); a larger or deeper body is a 400",
            "content": _json(op.body),
            "x-max-bytes": limit,
        }
    return spec


@lru_cache(maxsize=8)
def _document(base_url: str) -> str:
    """The document as JSON text (cached per base_url: building it takes a few milliseconds)."""
    paths = {
        "/" + route.path: {v: _operation(route, op) for v, op in route.operations.items()}
        for route in ROUTES
    }
    statuses = sorted({s for op in _operations() for s in (*op.errors, *COMMON_ERRORS)})
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "cws-jupyter REST API",
            "version": __version__,
            "description": "Find, test and compare AMIs for research workstation templates. "
            "Served by the cws-jupyter jupyter-server extension; every route needs "
            "the server's token.",
        },
        "servers": [{"url": url_path_join(base_url, NAMESPACE)}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": _component_schemas(),
            "responses": {
                f"Error{s}": {"description": ERROR_TEXT[s], "content": _json("ErrorBody")}
                for s in statuses
            },
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": TOKEN_HELP,
                }
            },
        },
    }
    return json.dumps(document, indent=2) + "\n"


def build_document(base_url: str = "/") -> dict[str, Any]:
    """The OpenAPI document for a server whose base_url is ``base_url``."""
    return json.loads(_document(base_url))  # type: ignore[no-any-return]


def render_document(base_url: str = "/") -> str:
    """The document as the text committed in docs/openapi.json."""
    return _document(base_url)


if __name__ == "__main__":
    sys.stdout.write(render_document())
