"""The OpenAPI 3.1 document, built from the route table, the pydantic models and the limits.

python -m cws_jupyter.registry_server.openapi > openapi.json
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .. import __version__
from ..core.registry import limits
from .routes import ROUTES, Operation

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Bad input: `field` names the parameter or body field at fault",
    401: "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`)",
    403: "Not allowed: you cannot rate an image you submitted",
    404: "No such record (or no image for that template and region)",
    409: "An image of the submission is already listed by another record",
    413: f"The request body is over {limits.MAX_BODY_BYTES} bytes (`field` is `body`)",
    429: f"Over {limits.WRITES_PER_MINUTE} writes a minute with this token; see `Retry-After`",
    503: "The database or the cache does not answer",
}
EXTRA_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable code, e.g. bad_input"},
            "message": {"type": "string", "description": "What went wrong and how to fix it"},
            "field": {"type": "string", "description": "The parameter or body field at fault"},
            "details": {},
        },
    },
    "Health": {
        "type": "object",
        "required": ["ok"],
        "properties": {
            "ok": {"type": "boolean"},
            "database": {"type": "object"},
            "cache": {"type": "object"},
        },
    },
    "OpenApiDocument": {"type": "object", "description": "An OpenAPI 3.1 document"},
}


def _models() -> list[tuple[type[BaseModel], Literal["validation", "serialization"]]]:
    pairs: dict[type[BaseModel], Literal["validation", "serialization"]] = {}
    for route in ROUTES:
        for op in route.operations.values():
            if op.body is not None:
                pairs[op.body] = "validation"
            if isinstance(op.answer, type):
                pairs.setdefault(op.answer, "serialization")
    return list(pairs.items())


def _answer(op: Operation) -> dict[str, Any]:
    if op.answer == "text":
        return {"description": "OK", "content": {op.content_type: {"schema": {"type": "string"}}}}
    name = op.answer if isinstance(op.answer, str) else op.answer.__name__ if op.answer else None
    content = {"application/json": {"schema": {"$ref": REF.format(model=name)}}} if name else {}
    return {"description": "Created" if op.status == 201 else "OK", "content": content}


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {"summary": op.summary, "operationId": op.operation_id}
    if op.params:
        spec["parameters"] = [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required or p.location == "path",
                "schema": p.schema,
                **({"description": p.description} if p.description else {}),
            }
            for p in op.params
        ]
    if op.body is not None:
        spec["requestBody"] = {
            "required": op.body_required,
            "description": f"JSON, at most {limits.MAX_BODY_BYTES} bytes",
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}
            },
        }
    responses = {str(op.status): _answer(op)}
    for status in op.errors:
        responses[str(status)] = {
            "description": ERROR_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
        }
        if status == 429:
            responses[str(status)]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}
            }
    spec["responses"] = responses
    if op.auth:
        spec["security"] = [{"bearerAuth": []}]
    return spec


def build_document() -> dict[str, Any]:
    """The whole document."""
    _, top = models_json_schema(_models(), ref_template=REF)
    schemas = {**top.get("$defs", {}), **EXTRA_SCHEMAS}
    paths: dict[str, Any] = {}
    for route in ROUTES:
        paths[route.path] = {method: _operation(op) for method, op in route.operations.items()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cws-registry: the community AMI registry",
            "version": __version__,
            "description": "Publish, find, rate and launch AMIs built for CloudWorkstation "
            "templates. Reads are public; writes need `Authorization: Bearer <token>`.",
            "x-limits": {
                "max_body_bytes": limits.MAX_BODY_BYTES,
                "max_per_page": limits.MAX_PER_PAGE,
                "max_page": limits.MAX_PAGE,
                "max_review_chars": limits.MAX_REVIEW_CHARS,
                "max_regions": limits.MAX_REGIONS,
                "writes_per_minute": limits.WRITES_PER_MINUTE,
            },
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `cws-registry token create USER`",
                }
            },
        },
    }


def document_bytes() -> bytes:
    """The document as JSON text."""
    return json.dumps(build_document(), indent=1).encode()


if __name__ == "__main__":
    sys.stdout.write(json.dumps(build_document(), indent=2) + "\n")
