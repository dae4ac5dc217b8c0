"""The migrated-copy file format: header, YAML that reads back exactly, atomic replacement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cws_jupyter.core.migration.copies import (
    MARKER,
    is_migrated_copy,
    recorded_original,
    render_copy,
    with_ami_config,
    write_atomically,
)
from cws_jupyter.core.yamlio import load_yaml

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.dates() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(deadline=None)
@given(st.dictionaries(TEXT, VALUES, max_size=6))
def test_any_document_reads_back_exactly(document: dict) -> None:
    """Whatever a template holds (odd text, multi-line strings, nesting), the copy's YAML reads
    back as the same data under its three header lines."""
    text = render_copy(document, "/t/x.yml", dt.date(2025, 11, 30))
    lines = text.splitlines()
    assert lines[0] == MARKER + "/t/x.yml" and "2025-11-30" in lines[1]
    assert all(line.startswith("#") for line in lines[:3])
    assert (load_yaml(text) or {}) == document


def test_scripts_stay_readable_blocks() -> None:
    """Multi-line scripts are written as literal blocks, and repeated values in full."""
    shared = ["a", "b"]
    text = render_copy(
        {"name": "X", "user_data": "#!/bin/bash\necho hi\n", "one": shared, "two": shared}, "o"
    )
    assert "user_data: |\n  #!/bin/bash\n  echo hi\n" in text
    assert "&id" not in text and "*id" not in text


def test_ami_config_replaces_in_place_and_the_slug_is_made_explicit() -> None:
    """An existing ami_config keeps its position; a missing slug follows the name."""
    doc = {"name": "Lab", "ami_config": {"strategy": "ami_required"}, "tags": {"a": "b"}}
    out = with_ami_config(doc, "lab", {"strategy": "ami_preferred"})
    assert list(out) == ["name", "slug", "ami_config", "tags"]
    assert out["slug"] == "lab" and out["ami_config"] == {"strategy": "ami_preferred"}
    assert doc["ami_config"] == {"strategy": "ami_required"}  # the original is not changed
    added = with_ami_config({"slug": "s", "name": "S"}, "s", {})
    assert list(added) == ["slug", "name", "ami_config"]


def test_copies_are_recognised_by_their_first_line(tmp_path: Path) -> None:
    """Only a file starting with the marker is a migrated copy; it names its original."""
    copy, mine = tmp_path / "a.yml", tmp_path / "b.yml"
    copy.write_text(render_copy({"name": "A"}, "/srv/a.yml"), encoding="utf-8")
    mine.write_text(f"name: B\n{MARKER}/not/first/line\n", encoding="utf-8")
    assert is_migrated_copy(copy) and recorded_original(copy) == "/srv/a.yml"
    assert not is_migrated_copy(mine) and not is_migrated_copy(tmp_path / "missing.yml")


def test_write_is_all_or_nothing(tmp_path: Path) -> None:
    """A failing check leaves the old file and no temporary file; a passing one replaces it,
    keeping the file's permissions."""
    target = tmp_path / "lab.yml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)

    def refuse(temp: Path) -> None:
        assert temp.parent == tmp_path and not temp.name.endswith((".yml", ".yaml"))
        assert temp.read_text(encoding="utf-8") == "new\n"
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        write_atomically(target, "new\n", refuse)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["lab.yml"]

    write_atomically(target, "new\n", lambda temp: None)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o600
    write_atomically(tmp_path / "sub" / "fresh.yml", "x\n", lambda temp: None)
    assert (tmp_path / "sub" / "fresh.yml").stat().st_mode & 0o777 == 0o644


def test_a_killed_writers_temp_file_is_swept_by_the_next_write(tmp_path: Path) -> None:
    """A temporary copy left by a writer killed before its rename is removed by the next write
    of that file once it is stale; a fresh one (a writer at work now) is left alone."""
    import os
    import time

    target = tmp_path / "lab.yml"
    stale = tmp_path / ".lab.yml.abc123.tmp"
    fresh = tmp_path / ".lab.yml.def456.tmp"
    for leftover in (stale, fresh):
        leftover.write_text("half\n", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    write_atomically(target, "new\n", lambda temp: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "lab.yml"]
