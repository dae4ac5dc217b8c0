"""Property-based: whatever a user types, loading a template fails only with a TemplateError
that names where the text came from, and anything that loads can be serialised to JSON.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cws_jupyter.core.errors import TemplateError
from cws_jupyter.core.templates import LoadedTemplate, TemplateLibrary
from cws_jupyter.core.templates.loader import parse_document

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
ORIGIN = "<fuzz cell 7>"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIBRARY = TemplateLibrary([SHIPPED])  # so `inherits: ubuntu-24-server` resolves
BASES = {
    p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SHIPPED.glob("*.yml"))
}


def _load(text: str | bytes) -> None:
    """Load ``text``; only a well-formed TemplateError may escape, and successes serialise."""
    try:
        loaded = LIBRARY.load_text(text, origin=ORIGIN)  # type: ignore[arg-type]
    except TemplateError as exc:
        _check_error(exc)
        return
    assert isinstance(loaded, LoadedTemplate)
    assert loaded.path == ORIGIN
    assert loaded.template.name.strip()
    loaded.model_dump_json()  # the REST API and --json must be able to send it
    # warnings name the origin: an unknown key, or a field with risky but valid settings
    assert all(
        w.startswith((f"{ORIGIN}: unknown key ", f"{ORIGIN}: field '")) for w in loaded.warnings
    ), loaded.warnings


def _check_error(exc: TemplateError) -> None:
    assert exc.message.strip(), "an error needs a message"
    assert exc.message.startswith(ORIGIN), exc.message
    for problem in exc.problems:
        assert problem.startswith(f"{ORIGIN}: field '"), problem
    assert len(exc.message) < 2000 and all(len(p) < 2000 for p in exc.problems)


# -- raw input -------------------------------------------------------------------------------------

YAML_TOKENS = [
    "name: ",
    "Lab",
    "\n",
    "  ",
    "    ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!str ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "!!python/object:os.system ",
    "!custom ",
    "'",
    '"',
    "#",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\t",
    "|\n",
    ">\n",
    "~",
    "null",
    "true",
    "1e999",
    ".nan",
    "-.inf",
    "0x1F",
    "0o17",
    "2024-13-45",
    "2025-11-20T10:00:00Z",
    "12:30:00",
    "ami_config",
    "inherits",
    "ssm_parameter",
    "ami_mappings",
    "us-east-1",
    "ami-0123456789abcdef0",
    "strategy",
    "ami_required",
    "packages",
    "system",
    "ports",
    "instance_defaults",
    "x86_64",
    "arm64",
    "tags",
    "users",
    "services",
    "python-ml",
    "ubuntu-24-server",
    "Ubuntu 24.04 Server",
    "\u00e9",
    "\U0001f680",
    "\x00",
    "\x85",
    "\ufeff",
    "\\",
    "%",
    "@",
    "`",
]
yamlish = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _load(text)


@FUZZ
@given(yamlish)
def test_random_yaml_tokens(text: str) -> None:
    _load(text)
    _load("name: Fuzz\n" + text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _load(data)
    try:
        parse_document(data, ORIGIN)
    except TemplateError as exc:
        _check_error(exc)


# -- random structures -----------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "ami-0123456789abcdef0",
            "ami-zz",
            "us-east-1",
            "us-esat-1",
            "x86_64",
            "amd64",
            "sparc",
            "10m",
            "1h30m",
            "soon",
            "ami_preferred",
            "ami",
            "conda",
            "self",
            "099720109477",
            "/aws/service/x",
            "t3.medium",
            "python-ml",
            "ubuntu-24-server",
        ]
    ),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)
keys = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        [
            "name",
            "slug",
            "inherits",
            "ami_config",
            "strategy",
            "ssm_parameter",
            "ami_search",
            "owner",
            "owners",
            "ami_mappings",
            "amis",
            "packages",
            "system",
            "users",
            "services",
            "port",
            "ports",
            "instance_defaults",
            "tags",
            "x86_64",
            "arm64",
            "us-east-1",
            "required_tags",
            "fallback_timeout",
            "architecture",
        ]
    ),
    st.integers(min_value=-5, max_value=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(
    st.dictionaries(keys, values, max_size=8), st.one_of(st.none(), st.text(max_size=20), values)
)
def test_random_structures(doc: dict[Any, Any], name: Any) -> None:
    if name is not None:
        doc["name"] = name
    _load(yaml.safe_dump(doc, allow_unicode=True))


# -- mutations of the shipped templates ------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _mutate(doc: dict[Any, Any], path: tuple[Any, ...], action: str, value: Any) -> None:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "add-unknown" and isinstance(parent, dict):
        parent[f"unknown_{last}"] = value
    elif action == "wrap":
        parent[last] = [parent[last]]


@FUZZ
@given(
    st.sampled_from(sorted(BASES)),
    st.data(),
    st.lists(
        st.tuples(st.sampled_from(["replace", "replace", "delete", "add-unknown", "wrap"]), values),
        min_size=1,
        max_size=3,
    ),
)
def test_mutated_shipped_templates(
    slug: str, data: st.DataObject, mutations: list[tuple[str, Any]]
) -> None:
    doc = copy.deepcopy(BASES[slug])
    for action, value in mutations:
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        _mutate(doc, path, action, value)
    _load(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


def test_the_unmutated_bases_load_cleanly() -> None:
    for slug, doc in BASES.items():
        loaded = LIBRARY.load_text(yaml.safe_dump(doc, sort_keys=False), origin=ORIGIN)
        assert loaded.warnings == [] and loaded.template.slug == slug


# -- nesting: libyaml's C composer recurses without a limit (a segfault past ~50,000 levels), and
# -- copying and validating deep documents exhausts Python's recursion limit long before that.

NESTINGS = {
    "flow-list": lambda n: "foo: " + "[" * n + "1" + "]" * n,
    "flow-map": lambda n: "foo: " + "{a: " * n + "1" + "}" * n,
    "compact-list": lambda n: "foo:\n  " + "- " * n + "1",
    "unclosed": lambda n: "foo: " + "[" * n,
    "block-map": lambda n: (
        "".join(" " * i + f"k{i}:\n" for i in range(min(n, 1300))) + " " * min(n, 1300) + "v"
    ),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(NESTINGS)), st.integers(min_value=1, max_value=300_000))
def test_any_nesting_depth(shape: str, depth: int) -> None:
    _load("name: Deep\n" + NESTINGS[shape](depth) + "\n")


def test_deep_nesting_is_a_clear_error_with_a_position() -> None:
    try:
        LIBRARY.load_text("name: Deep\nfoo: " + "[" * 100_000 + "]" * 100_000 + "\n", origin=ORIGIN)
    except TemplateError as exc:
        # the column is where the parser noticed: ours at level 65, or libyaml's own limit first
        assert re.fullmatch(
            re.escape(ORIGIN) + r":2:\d+: the YAML is nested more than 64 levels deep; "
            "a template needs only a few",
            exc.message,
        ), exc.message
    else:
        raise AssertionError("100,000 levels of nesting must be refused")
    # 60 levels is unusual but fine
    loaded = LIBRARY.load_text(
        "name: Deep\nparameters: {a: " + "[" * 60 + "]" * 60 + "}\n", origin=ORIGIN
    )
    nested = loaded.template.parameters["a"]
    for _ in range(59):
        assert isinstance(nested, list) and len(nested) == 1
        (nested,) = nested
    assert nested == []
    loaded.model_dump_json()


def test_inline_text_has_the_file_size_limit() -> None:
    try:
        LIBRARY.load_text("name: Big\ndescription: " + "x" * 1_000_001 + "\n", origin=ORIGIN)
    except TemplateError as exc:
        assert exc.message == f"{ORIGIN}: larger than 1000000 characters; is it really a template?"
    else:
        raise AssertionError("a 1 MB inline template must be refused")
