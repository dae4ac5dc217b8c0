"""Hostile JSON bodies on every POST route that takes one: each class of input is a 400 in the
cws error shape naming the field at fault (``body`` for the body as a whole), never a 500.

The routes come from the route table, so a new POST route is covered when it is added.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cws_jupyter.server.bodysize import max_body_bytes
from cws_jupyter.server.jsonbody import MAX_DEPTH
from cws_jupyter.server.routes import ROUTES
from cws_jupyter.server.schemas import MODELS

#: (path with its parameters filled in, body model) of every POST that takes a body.
BODY_ROUTES = [
    (
        re.sub(r"\{\w+\}", "lab-1", route.path.replace("{ami_id}", "ami-0123456789abcdef0")),
        route.operations["post"].body,
    )
    for route in ROUTES
    if "post" in route.operations and route.operations["post"].body
]
DEEP = 1_000


def deep_array(depth: int) -> bytes:
    """``[[[...]]]`` nested ``depth`` levels."""
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    """``{"a": {"a": ... {}}}`` nested ``depth`` levels."""
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


def in_a_field(depth: int) -> bytes:
    """An object whose first field holds a value nested ``depth`` levels."""
    return b'{"template": ' + deep_array(depth) + b"}"


#: Each class of hostile body: (id, body, the field the answer must name).
HOSTILE: list[tuple[str, Any, str]] = [
    ("array-nested-1000", deep_array(DEEP), "body"),
    ("object-nested-1000", deep_object(DEEP), "body"),
    ("field-nested-1000", in_a_field(DEEP), "body"),
    ("nested-past-the-limit", deep_array(MAX_DEPTH + 1), "body"),
    ("nested-100000", deep_array(100_000), "body"),
    ("not-utf8", b'{"template": "\xff\xfe python-ml"}', "body"),
    ("utf16", '{"template": "python-ml"}'.encode("utf-16"), "body"),
    ("nan", b'{"template": "python-ml", "regions": NaN}', "body"),
    ("infinity", b'{"template": "python-ml", "regions": [Infinity]}', "body"),
    ("minus-infinity", b'{"regions": -Infinity}', "body"),
    ("truncated", b'{"template": "python-', "body"),
    ("trailing-garbage", b'{"template": "python-ml"} {"x": 1}', "body"),
    ("not-json", b"template=python-ml&region=eu-west-1", "body"),
    ("array-not-object", b'["python-ml"]', "body"),
    ("string-not-object", b'"python-ml"', "body"),
    ("null-not-object", b"null", "body"),
    ("number-not-object", b"42", "body"),
    ("huge-integer", b'{"template": ' + b"9" * 5_000 + b"}", "body"),
    # other fields may be missing too: the answer names a field, and its message this one
    ("unknown-field", b'{"no_such_field": 1}', "*no_such_field"),
    ("nul-bytes", b"\x00" * 64, "body"),
]


def oversized(model: str) -> bytes:
    """A syntactically valid body one byte over the operation's limit."""
    limit = max_body_bytes(MODELS[model])
    head = b'{"template": "'
    return head + b"x" * (limit + 1 - len(head) - 2) + b'"}'


def assert_bad_input(status: int, error: Any, field: str, where: str) -> None:
    """A 400 in the cws error shape, naming ``field`` (``*name``: some field, and ``name`` in
    the message)."""
    assert status == 400, (where, status, error)
    assert isinstance(error, dict) and error.get("error") == "bad_input", (where, error)
    if field.startswith("*"):
        assert error.get("field") and field[1:] in error["message"], (where, error)
    else:
        assert error.get("field") == field, (where, error)
    assert error.get("message") and "Traceback" not in error["message"], (where, error)


@pytest.mark.parametrize(("kind", "body", "field"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_a_hostile_body_is_400_naming_the_field(
    api: Any, kind: str, body: bytes, field: str
) -> None:
    """Deep, non-UTF-8, NaN, truncated, non-object, ... bodies: 400 naming the field, on every
    POST route that takes a body (one server per class of body)."""
    for path, _ in BODY_ROUTES:
        status, error, _ = await api(path, method="POST", body=body)
        assert_bad_input(status, error, field, f"{path} {kind}")


async def test_a_body_over_the_operations_limit_is_400(api: Any) -> None:
    """One byte over the limit the OpenAPI document states: 400 naming the body and the limit."""
    for path, model in BODY_ROUTES:
        status, error, _ = await api(path, method="POST", body=oversized(model))
        assert_bad_input(status, error, "body", path)
        assert str(max_body_bytes(MODELS[model])) in error["message"]


def test_the_route_table_has_body_routes() -> None:
    """The table gives this module its routes (the issue's three among them)."""
    paths = {path for path, _ in BODY_ROUTES}
    assert {"ami/test", "templates/validate", "prices/refresh"} <= paths


@pytest.mark.parametrize(
    "text",
    [
        "name: \ud800 lab\n",  # a lone surrogate (valid JSON escape, not valid Unicode)
        "name: lab\x00\n",
        "name: " + "[" * 5_000 + "\n",  # YAML nested deep
        "name: &a [*a]\n",  # a YAML alias loop
        "a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
    ],
    ids=["lone-surrogate", "nul", "yaml-deep", "yaml-alias-loop", "yaml-alias-fanout"],
)
async def test_hostile_template_text_is_reported_never_500(api: Any, text: str) -> None:
    """templates/validate: hostile YAML inside a valid body is a verdict or a 400, never 500."""
    status, answer, _ = await api("templates/validate", method="POST", body={"template": text})
    assert status in (200, 400), (status, answer)
    if status == 400:
        assert answer["error"] in ("bad_input", "invalid_template") and answer.get("field")
    else:
        assert answer["ok"] is False and answer["errors"], answer


async def test_a_deep_body_within_the_limit_is_judged_by_its_fields(api: Any) -> None:
    """Nesting at the limit is parsed: the answer is about the field, not the nesting."""
    body = b'{"template": ' + deep_array(MAX_DEPTH - 1) + b"}"
    status, error, _ = await api("ami/test", method="POST", body=body)
    assert_bad_input(status, error, "template", "ami/test")
