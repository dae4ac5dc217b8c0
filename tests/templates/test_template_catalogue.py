"""The template catalogue kept between processes: a new process lists templates from it without
reading YAML or building the template models, and any change on the search path (a file edited,
added, removed or broken; a folder added) gives the listing a fresh read. The cache costs speed
only: damaged, foreign or unwritable, the answer is the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cws_testing import isolate, isolated_environ

from cws_jupyter.core.config import Settings
from cws_jupyter.core.service import CwsService
from cws_jupyter.core.templates.catalogue import CATALOGUE_FILE

TEMPLATE = """\
name: Lab Box
slug: lab-box
description: {description}
category: teaching
base: ubuntu-24.04
package_manager: apt
packages:
  system: [git]
"""
#: Lists templates in a new process, then names which template modules it loaded.
PROBE = (
    "import sys, json\n"
    "from cws_jupyter.core.service import CwsService\n"
    "listing = CwsService().list_templates()\n"
    "loaded = [m for m in ('yaml', 'cws_jupyter.core.templates.models') if m in sys.modules]\n"
    "print(json.dumps({'slugs': [t.slug for t in listing.templates], 'loaded': loaded}))\n"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate(monkeypatch, tmp_path)
    (tmp_path / "config" / "templates").mkdir(parents=True)
    return tmp_path


def user_template(home: Path, description: str = "first words") -> Path:
    path = home / "config" / "templates" / "lab-box.yml"
    path.write_text(TEMPLATE.format(description=description))
    return path


def listing(home: Path) -> dict[str, str]:
    """slug -> description, from a new service (as a new process would list)."""
    rows = CwsService(Settings.from_env()).list_templates().templates
    return {row.slug: row.description for row in rows}


def probe(home: Path) -> dict[str, list[str]]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=isolated_environ(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_a_second_process_lists_from_the_catalogue_without_yaml_or_models(home: Path) -> None:
    user_template(home)
    first = probe(home)
    second = probe(home)
    assert "lab-box" in first["slugs"] and first["slugs"] == second["slugs"]
    assert "cws_jupyter.core.templates.models" in first["loaded"]
    assert second["loaded"] == []
    assert (home / "cache" / CATALOGUE_FILE).is_file()


def test_an_edited_file_is_listed_as_it_is_now(home: Path) -> None:
    path = user_template(home, "first words")
    assert listing(home)["lab-box"] == "first words"
    before = path.stat().st_mtime_ns
    path.write_text(TEMPLATE.format(description="other words"))
    os.utime(path, ns=(before + 1, before + 1))  # one tick later is enough
    assert listing(home)["lab-box"] == "other words"


def test_added_removed_and_broken_files_are_seen(home: Path) -> None:
    before = listing(home)
    assert "lab-box" not in before
    path = user_template(home)
    assert "lab-box" in listing(home)
    path.write_text("name: [unclosed\n")
    broken = CwsService(Settings.from_env()).list_templates()
    assert "lab-box" not in {t.slug for t in broken.templates}
    assert any("lab-box.yml" in error for error in broken.errors)
    path.unlink()
    assert listing(home) == before


def test_a_folder_added_to_the_path_is_searched(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing(home)
    extra = home / "extra"
    extra.mkdir()
    (extra / "lab-box.yml").write_text(TEMPLATE.format(description="from CWS_TEMPLATE_PATH"))
    monkeypatch.setenv("CWS_TEMPLATE_PATH", str(extra))
    assert listing(home)["lab-box"] == "from CWS_TEMPLATE_PATH"


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b"[1, 2]", b'{"key": 1, "listing": []}', b"\xff\xfe\x00", b"{}" * 10],
    ids=["empty", "truncated", "list", "wrong-shape", "not-utf8", "garbage"],
)
def test_a_damaged_catalogue_is_a_miss(home: Path, damage: bytes) -> None:
    user_template(home)
    expected = listing(home)
    (home / "cache" / CATALOGUE_FILE).write_bytes(damage)
    assert listing(home) == expected
    assert json.loads((home / "cache" / CATALOGUE_FILE).read_text())["listing"]


def test_a_stale_catalogue_with_a_matching_shape_is_not_believed(home: Path) -> None:
    """A catalogue written for another state of the path (here: hand-edited) is a miss."""
    user_template(home)
    listing(home)
    file = home / "cache" / CATALOGUE_FILE
    kept = json.loads(file.read_text())
    kept["key"][3] = []  # as if no template file existed
    kept["listing"]["templates"] = []
    file.write_text(json.dumps(kept))
    assert "lab-box" in listing(home)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_folder_costs_speed_only(home: Path) -> None:
    user_template(home)
    cache = home / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert "lab-box" in listing(home)
        assert not (cache / CATALOGUE_FILE).exists()
    finally:
        cache.chmod(0o700)


def test_a_cache_folder_that_is_a_file_costs_speed_only(home: Path) -> None:
    user_template(home)
    (home / "cache").write_text("not a folder")
    assert "lab-box" in listing(home)


def test_category_filter_applies_to_the_kept_listing(home: Path) -> None:
    user_template(home)
    listing(home)
    rows = CwsService(Settings.from_env()).list_templates(category="Teaching").templates
    assert [r.slug for r in rows if r.slug == "lab-box"] == ["lab-box"]
    assert all((r.category or "").lower() == "teaching" for r in rows)


def test_a_kept_listing_of_the_wrong_shape_under_the_right_key_is_listed_afresh(
    home: Path,
) -> None:
    user_template(home)
    listing(home)
    file = home / "cache" / CATALOGUE_FILE
    kept = json.loads(file.read_text())
    kept["listing"] = {"templates": "not a list", "errors": 7}
    file.write_text(json.dumps(kept))
    assert "lab-box" in listing(home)
    assert isinstance(json.loads(file.read_text())["listing"]["templates"], list)
