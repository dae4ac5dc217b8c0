"""The OpenAPI document: valid, in step with the routes and handlers, committed copy current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from openapi_spec_validator import validate
from tornado import web

from cws_jupyter.core.templates.fields import Architecture, Strategy
from cws_jupyter.server import NAMESPACE
from cws_jupyter.server.openapi import RAW_SCHEMAS, build_document, render_document
from cws_jupyter.server.routes import ARCHITECTURES, ROUTES, STRATEGIES
from cws_jupyter.server.schemas import MODELS

DOCS_COPY = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
VERBS = ("get", "head", "post", "put", "patch", "delete")


def test_the_document_is_valid_openapi() -> None:
    """openapi-spec-validator accepts it (3.1, every $ref resolves)."""
    document = build_document("/")
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_routes_and_document_match_both_ways() -> None:
    """Each route's verbs are the document's operations for its path, and nothing more."""
    document = build_document("/")
    table = {"/" + r.path: set(r.operations) for r in ROUTES}
    paths = {path: set(item) for path, item in document["paths"].items()}
    assert paths == table


def test_handlers_implement_exactly_the_table_verbs() -> None:
    """A verb added to a handler but not to the table (or the reverse) is caught here."""
    for route in ROUTES:
        unimplemented = web.RequestHandler._unimplemented_method
        implemented = {v for v in VERBS if getattr(route.handler, v) is not unimplemented}
        assert implemented == set(route.operations), route.path


def test_every_operation_is_documented_fully() -> None:
    """Path parameters declared, models known, 403/500 everywhere, the token scheme required."""
    document = build_document("/")
    assert document["security"] == [{"token": []}]
    assert document["components"]["securitySchemes"]["token"]["name"] == "Authorization"
    for route in ROUTES:
        for verb, op in route.operations.items():
            spec = document["paths"]["/" + route.path][verb]
            declared = [p["name"] for p in spec["parameters"] if p["in"] == "path"]
            assert declared == route.path_params(), route.path
            assert op.response in MODELS or op.response in RAW_SCHEMAS
            assert op.body is None or op.body in MODELS
            assert {"403", "500", str(op.status)} <= set(spec["responses"])


def test_the_job_flow_is_described() -> None:
    """POST ami/test answers 202 with a Location header and a link to getJob."""
    post = build_document("/")["paths"]["/ami/test"]["post"]
    accepted = post["responses"]["202"]
    assert "Location" in accepted["headers"]
    assert accepted["links"]["GetJob"]["operationId"] == "getJob"
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/AmiTestRequest")


def test_documented_enums_are_the_cores() -> None:
    """The strategies and architectures the API enforces are the core's."""
    assert set(STRATEGIES) == {s.value for s in Strategy}
    assert set(ARCHITECTURES) == {a.value for a in Architecture}


def test_docs_copy_is_current() -> None:
    """docs/openapi.json is what the code generates."""
    fix = "regenerate it: python -m cws_jupyter.server.openapi > docs/openapi.json"
    assert DOCS_COPY.exists(), f"docs/openapi.json is missing; {fix}"
    assert DOCS_COPY.read_text() == render_document("/"), f"docs/openapi.json is stale; {fix}"


async def test_the_server_serves_the_document_for_its_base_url(api: Any, jp_base_url: str) -> None:
    """GET openapi.json: the same document, its server URL under this server's base_url."""
    status, document, _ = await api("openapi.json")
    assert status == 200
    assert document["servers"] == [{"url": url_path_join(jp_base_url, NAMESPACE)}]
    assert json.dumps(document["paths"]) == json.dumps(build_document("/")["paths"])
