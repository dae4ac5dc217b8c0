"""Inheritance is bounded and memoised: each parent merged once per load, depth, width and size
capped with errors naming the file and the field, and the results of the merge unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cws_jupyter.core.templates import TemplateLibrary, inheritance
from cws_jupyter.core.templates.documents import Document
from cws_jupyter.core.templates.inheritance import (
    MAX_DEPTH,
    MAX_PARENTS,
    MAX_VALUES,
    Inheritance,
    merge,
)
from cws_jupyter.core.templates.loader import shipped_templates_dir

Write = Callable[..., Path]


@pytest.fixture
def lays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the merges (one layer laid over another) the loads of this test make: the work,
    measured without a clock (an exponential merge makes millions, a memoised one a few)."""
    count = [0]
    lay_over = inheritance.lay_over

    def counting(acc: dict[str, Any], layer: dict[str, Any]) -> None:
        count[0] += 1
        lay_over(acc, layer)

    monkeypatch.setattr(inheritance, "lay_over", counting)
    return count


def test_a_parent_named_many_times_many_levels_deep_is_merged_once(
    tmp_path: Path, write: Write, lays: list[int]
) -> None:
    """The issue's case: 9 files, each inheriting the previous one 8 times (was 113 s)."""
    write("t0.yml", "name: t0\npackages: {pip: [p0]}\ninstance_defaults: {ports: [22]}\n")
    for i in range(1, 9):
        refs = ", ".join([f"t{i - 1}"] * 8)
        write(f"t{i}.yml", f"name: t{i}\ninherits: [{refs}]\npackages: {{pip: [p{i}]}}\n")
    loaded, errors = TemplateLibrary([tmp_path]).list()
    assert lays[0] <= 2 * 9, lays  # each file: its one distinct parent, then itself (not 8**8)
    assert errors == [] and len(loaded) == 9
    top = next(t for t in loaded if t.template.slug == "t8")
    # each parent merged once: one copy of every ancestor's list items, in order
    assert top.template.packages.pip == [f"p{i}" for i in range(9)]
    assert top.template.instance_defaults.ports == [22]
    assert top.warnings == [
        f"{tmp_path / 't8.yml'}: field 'inherits': template 't7' is named 8 times ('t7'); "
        "it is merged once, so name it once"
    ]


def test_a_64_kb_inline_template_naming_a_parent_thousands_of_times_is_refused_at_once(
    lays: list[int],
) -> None:
    """The issue's `templates/validate` body (was 52 s of CPU): one clear error, nothing merged."""
    body = "name: X\ninherits: [" + ", ".join(["ubuntu-24-desktop"] * 3400) + "]\n"
    assert len(body) > 64_000
    library = TemplateLibrary([shipped_templates_dir()])
    library.list()
    lays[0] = 0
    check = library.check_text(body, origin="<body>")
    assert lays[0] == 0, "refused before any merge"
    assert not check.ok
    assert check.errors == [
        f"<body>: field 'inherits': 3400 parents; at most {MAX_PARENTS} are allowed: gather "
        "what they share in one parent template and inherit that"
    ]


def test_the_same_parent_by_several_names_is_merged_once() -> None:
    text = "name: X\ninherits: [ubuntu-24-server, Ubuntu 24.04 Server, UBUNTU-24-SERVER]\n"
    library = TemplateLibrary([shipped_templates_dir()])
    once = library.load_text("name: X\ninherits: ubuntu-24-server\n", origin="x.yml")
    thrice = library.load_text(text, origin="x.yml")
    assert thrice.template.packages == once.template.packages
    assert thrice.template.instance_defaults == once.template.instance_defaults
    assert thrice.warnings == [
        "x.yml: field 'inherits': template 'ubuntu-24-server' is named 3 times "
        "('ubuntu-24-server', 'Ubuntu 24.04 Server', 'UBUNTU-24-SERVER'); it is merged once, "
        "so name it once"
    ]


def test_diamonds_that_double_the_lists_at_each_level_stop_at_the_size_cap(
    tmp_path: Path, write: Write, lays: list[int]
) -> None:
    """Distinct parents, no repeats: x_k and y_k both inherit x_(k-1) and y_(k-1), so the lists
    double at each level. Memoised, the work stays linear until the size cap stops it."""
    levels = 24
    write("x0.yml", "name: x0\npackages: {system: [a]}\n")
    write("y0.yml", "name: y0\npackages: {system: [b]}\n")
    for k in range(1, levels):
        for name in ("x", "y"):
            write(f"{name}{k}.yml", f"name: {name}{k}\ninherits: [x{k - 1}, y{k - 1}]\n")
    loaded, errors = TemplateLibrary([tmp_path]).list()
    assert lays[0] <= 3 * 2 * levels, lays  # each file: two parents and itself, once
    ok = {t.template.slug for t in loaded}
    assert {"x0", "y0", "x10", "y10"} <= ok
    assert len(loaded[0].template.packages.system) >= 1
    assert len(ok) + len(errors) == 2 * levels
    first = min(int(s[1:]) for s in {f"{n}{k}" for n in "xy" for k in range(levels)} - ok)
    assert 2**first > MAX_VALUES // 2  # refused only where the lists really are that long
    message = next(e.message for e in errors if f"x{first}.yml" in e.message)
    assert message == (
        f"{tmp_path / f'x{first}.yml'}: field 'inherits': with its parents merged in, the "
        f"template holds more than {MAX_VALUES} values (the same lists inherited along many "
        "paths?); inherit fewer, smaller templates"
    )
    assert all(e.field == "inherits" for e in errors)


def test_depth_is_capped_with_an_error_naming_the_chain(
    tmp_path: Path, write: Write, lays: list[int]
) -> None:
    count = MAX_DEPTH + 5
    write("c0.yml", "name: c0\n")
    for i in range(1, count):
        write(f"c{i}.yml", f"name: c{i}\ninherits: c{i - 1}\n")
    library = TemplateLibrary([tmp_path])
    assert library.get(f"c{MAX_DEPTH}").template.slug == f"c{MAX_DEPTH}"  # at the cap: fine
    lays[0] = 0
    loaded, errors = library.list()
    assert lays[0] <= 2 * count, lays  # the chain merged once, not once per descendant
    assert len(loaded) == MAX_DEPTH + 1 and len(errors) == 4
    top = next(e for e in errors if f"c{count - 1}.yml" not in e.message)
    assert f"more than {MAX_DEPTH} levels of parents" in top.message
    assert "field 'inherits'" in top.message and top.field == "inherits"


def test_width_is_capped(tmp_path: Path, write: Write) -> None:
    for i in range(MAX_PARENTS + 1):
        write(f"p{i}.yml", f"name: p{i}\npackages: {{pip: [p{i}]}}\n")
    ok = write("ok.yml", "name: ok\ninherits: [" + ", ".join(f"p{i}" for i in range(32)) + "]\n")
    wide = write(
        "wide.yml", "name: wide\ninherits: [" + ", ".join(f"p{i}" for i in range(33)) + "]\n"
    )
    library = TemplateLibrary([tmp_path])
    assert len(library.get("ok").template.packages.pip) == MAX_PARENTS
    checks = {c.path: c for c in TemplateLibrary([]).check_files([ok, wide])}
    assert checks[str(ok)].ok
    assert checks[str(wide)].errors == [
        f"{wide}: field 'inherits': 33 parents; at most {MAX_PARENTS} are allowed: gather what "
        "they share in one parent template and inherit that"
    ]


def test_a_failing_parent_fails_each_child_with_the_parents_error_once(
    tmp_path: Path, write: Write
) -> None:
    bad = write("bad.yml", "name: bad\ninherits: nowhere\n")
    for i in range(5):
        write(f"child{i}.yml", f"name: child{i}\ninherits: [bad, bad]\n")
    loaded, errors = TemplateLibrary([tmp_path]).list()
    assert loaded == []
    assert len(errors) == 6
    assert {e.message for e in errors} == {
        f"{bad}: field 'inherits': no template named 'nowhere' (by slug or display name; known: "
        "bad, child0, child1, child2, child3, child4)"
    }


# -- the merge itself is unchanged: the memoised walk equals the plain recursive one -------------

KEYS = ("description", "packages", "instance_defaults", "users", "tags", "ami_config")
SCALARS = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b"]))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["system", "ports", "users", "name", "x"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


def _reference(doc: Document, docs: dict[str, Document]) -> dict[str, Any]:
    """The merge as it was before memoisation: parents merged left to right, recursively."""
    refs = doc.data.get("inherits") or []
    merged: dict[str, Any] = {}
    for ref in refs:
        merged = merge(merged, _reference(docs[ref], docs))
    return merge(merged, doc.data) if refs else dict(doc.data)


@st.composite
def _dags(draw: st.DrawFn) -> dict[str, Document]:
    """Up to 7 documents, each inheriting distinct earlier ones (diamonds included)."""
    docs: dict[str, Document] = {}
    for i in range(draw(st.integers(1, 7))):
        slug = f"t{i}"
        data: dict[str, Any] = {"name": slug}
        data.update(draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4)))
        earlier = list(docs)
        if earlier:
            parents = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3))
            if parents:
                data["inherits"] = parents
        docs[slug] = Document(f"{slug}.yml", data, slug, slug)
    return docs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dags())
def test_memoised_merge_equals_the_plain_recursive_merge(docs: dict[str, Document]) -> None:
    inheritance = Inheritance(docs.get, lambda: ", ".join(docs))
    for doc in docs.values():
        data, warnings = inheritance.data(doc)
        assert data == _reference(doc, docs)
        assert warnings == []


@pytest.mark.parametrize("repeats", [2, 5])
def test_repeats_do_not_change_what_one_mention_gives(repeats: int) -> None:
    parent = Document(
        "p.yml", {"name": "p", "packages": {"pip": ["x"]}, "tags": {"a": 1}}, "p", "p"
    )
    once = Document("c.yml", {"name": "c", "inherits": ["p"]}, "c", "c")
    many = Document("m.yml", {"name": "m", "inherits": ["p"] * repeats}, "m", "m")
    docs = {"p": parent, "c": once, "m": many}
    inheritance = Inheritance(docs.get, lambda: "p, c, m")
    data_once, _ = inheritance.data(once)
    data_many, warnings = inheritance.data(many)
    assert {k: v for k, v in data_many.items() if k not in ("name", "inherits")} == {
        k: v for k, v in data_once.items() if k not in ("name", "inherits")
    }
    assert len(warnings) == 1 and f"named {repeats} times" in warnings[0]
