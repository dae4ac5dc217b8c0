"""`cws templates validate FILE`: parents are found among the files given, on the search path, and
beside each file (where a template's parent usually sits), in that order."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cws_testing import isolated_environ

from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.loader import shipped_templates_dir

Write = Callable[..., Path]


def test_a_parent_beside_the_file_is_found_by_slug_or_display_name(
    tmp_path: Path, write: Write
) -> None:
    write("lab/base.yml", "name: Lab Base\npackages: {system: [git]}\n")
    by_slug = write("lab/by-slug.yml", "name: By Slug\ninherits: base\n")
    by_name = write("lab/by-name.yml", "name: By Name\ninherits: [Lab Base]\n")
    for path in (by_slug, by_name):
        (check,) = TemplateLibrary([]).check_files([path])
        assert check.ok, check.errors
        assert check.warnings == []


def test_only_the_folder_itself_is_looked_in(tmp_path: Path, write: Write) -> None:
    write("lab/deeper/base.yml", "name: Base\n")
    child = write("lab/child.yml", "name: Child\ninherits: base\n")
    (check,) = TemplateLibrary([]).check_files([child])
    assert check.errors == [
        f"{child}: field 'inherits': no template named 'base' (by slug or display name; "
        "known: child)"
    ]


def test_files_given_come_first_then_the_search_path_then_the_folder(
    tmp_path: Path, write: Write
) -> None:
    """Each candidate parent carries a marker key; the child's unknown-key warning (reported
    against the child) shows which one was merged in."""
    write("lab/ubuntu-24-server.yml", "name: Beside Ubuntu\nbeside_marker: 1\n")
    write("lab/only-here.yml", "name: Only Here\nhere_marker: 1\n")
    child = write("lab/child.yml", "name: Child\ninherits: [ubuntu-24-server, only-here]\n")
    library = TemplateLibrary([shipped_templates_dir()])

    def markers(*paths: Path) -> list[str]:
        check = {c.path: c for c in library.check_files(paths)}[str(child)]
        assert check.ok, check.errors
        return sorted(w.split("'")[1] for w in check.warnings)

    # the search path wins over the folder (as when the template is used from the path) ...
    assert markers(child) == ["here_marker"]
    # ... and a file given wins over both
    given = write("given/ubuntu-24-server.yml", "name: Given Ubuntu\ngiven_marker: 1\n")
    assert markers(child, given) == ["given_marker", "here_marker"]
    # ... and with nothing on the path, the folder's own is used
    alone = {c.path: c for c in TemplateLibrary([]).check_files([child])}[str(child)]
    assert sorted(w.split("'")[1] for w in alone.warnings) == ["beside_marker", "here_marker"]


def test_a_broken_parent_beside_is_named_with_its_own_error(tmp_path: Path, write: Write) -> None:
    base = write("lab/base.yml", "name: [unclosed\n")
    write("lab/unrelated.yml", "name: {also broken\n")
    child = write("lab/child.yml", "name: Child\ninherits: base\n")
    (check,) = TemplateLibrary([]).check_files([child])
    (error,) = check.errors
    assert error.startswith(f"{child}: field 'inherits': parent 'base' cannot be loaded: {base}:")
    assert "YAML syntax error" in error


def test_a_broken_parent_on_the_path_is_named_with_its_own_error(
    tmp_path: Path, write: Write
) -> None:
    base = write("lab/base.yml", "name: Base\n\tbad: tab\n")
    write("lab/child.yml", "name: Child\ninherits: base\n")
    _, errors = TemplateLibrary([tmp_path / "lab"]).list()
    messages = [e.message for e in errors]
    assert any(m.startswith(f"{base}") for m in messages)
    assert any("field 'inherits': parent 'base' cannot be loaded: " in m for m in messages)


def test_the_cli_validates_a_file_whose_parent_sits_beside_it(tmp_path: Path, write: Write) -> None:
    write("lab/base.yml", "name: Rocky Base\npackages: {system: [git]}\n")
    child = write("lab/child.yml", "name: Child\ninherits: [Rocky Base]\n")
    out = subprocess.run(
        [sys.executable, "-m", "cws_jupyter.cli.main", "templates", "validate", str(child)],
        env=isolated_environ(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok" in out.stdout and "child" in out.stdout
