"""The OpenAPI document and the server agree on what a request body may hold: every string the
document bounds with maxLength fits in the byte limit it states (``x-max-bytes``), which is the
limit the server enforces; a body at a field's maxLength is judged on its content, one character
more is a 400 naming that field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cws_jupyter.server.base import CwsHandler
from cws_jupyter.server.bodysize import BYTES_PER_CHAR, max_body_bytes
from cws_jupyter.server.openapi import build_document
from cws_jupyter.server.routes import ROUTES
from cws_jupyter.server.schemas import MAX_TEMPLATE_CHARS, MODELS

DOCUMENT = build_document("/")
SCHEMAS = DOCUMENT["components"]["schemas"]
BODY_OPERATIONS = [
    (route.path, verb, op.body)
    for route in ROUTES
    for verb, op in route.operations.items()
    if op.body
]
#: One character whose JSON escape is longest: an astral character as two \\uXXXX escapes.
ASTRAL = "\U0001f600"


def documented(path: str, verb: str) -> dict[str, Any]:
    """The requestBody the document states for an operation."""
    return DOCUMENT["paths"]["/" + path][verb]["requestBody"]  # type: ignore[no-any-return]


def string_limits(schema: dict[str, Any], seen: str = "") -> list[tuple[str, int]]:
    """(where, maxLength) of every string property of a component schema, refs followed."""
    found: list[tuple[str, int]] = []
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if "$ref" in option:
                ref = option["$ref"].rsplit("/", 1)[-1]
                found += string_limits(SCHEMAS[ref], f"{seen}{name}.")
            elif option.get("type") == "string" and "enum" not in option:
                found.append((f"{seen}{name}", option["maxLength"]))
    return found


@pytest.mark.parametrize(("path", "verb", "model"), BODY_OPERATIONS)
def test_the_documented_limit_is_the_servers(path: str, verb: str, model: str) -> None:
    """x-max-bytes is what the handler enforces, and every documented string fits in it."""
    limit = documented(path, verb)["x-max-bytes"]
    handler = object.__new__(CwsHandler)
    handler.route = next(r for r in ROUTES if r.path == path)
    handler.request = type("Request", (), {"method": verb.upper()})()  # type: ignore[assignment]
    assert handler.body_limit() == limit == max_body_bytes(MODELS[model])
    for where, max_length in string_limits(SCHEMAS[model]):
        assert 2 + max_length * BYTES_PER_CHAR < limit, (model, where)


def test_the_template_text_is_capped_where_the_server_accepts_it() -> None:
    """ValidateRequest.template: maxLength MAX_TEMPLATE_CHARS, and that many of the costliest
    characters, escaped, still fit in the documented body limit."""
    template = SCHEMAS["ValidateRequest"]["properties"]["template"]
    assert template["maxLength"] == MAX_TEMPLATE_CHARS
    body = json.dumps({"template": ASTRAL * MAX_TEMPLATE_CHARS, "origin": "x" * 200})
    assert len(body.encode()) <= documented("templates/validate", "post")["x-max-bytes"]


async def test_the_longest_template_is_judged_and_one_more_character_is_refused(
    api: Any,
) -> None:
    """At maxLength (costliest encoding): a verdict (200); one character more: 400 'template'."""
    head = "name: "
    longest = head + ASTRAL * (MAX_TEMPLATE_CHARS - len(head))
    status, verdict, _ = await api(
        "templates/validate", method="POST", body=json.dumps({"template": longest})
    )
    assert status == 200, verdict
    assert "ok" in verdict
    status, error, _ = await api(
        "templates/validate", method="POST", body=json.dumps({"template": longest + "x"})
    )
    assert status == 400 and error["field"] == "template", error
    assert str(MAX_TEMPLATE_CHARS) in error["message"]
