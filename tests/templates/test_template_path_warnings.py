"""A CWS_TEMPLATE_PATH entry that cannot be used is reported, never silently ignored: in `templates
list` (its errors), in every template loaded, and in the answer to a template that is not found."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cws_testing import isolated_environ

from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import NotFound
from cws_jupyter.core.templates import TemplateLibrary, discovery

Write = Callable[..., Path]
FIX = "correct it or remove it from CWS_TEMPLATE_PATH (folders separated by ':')"


def _library(monkeypatch: pytest.MonkeyPatch, home: Path, *entries: Path) -> TemplateLibrary:
    monkeypatch.setenv("CWS_HOME", str(home))
    monkeypatch.setenv("CWS_TEMPLATE_PATH", ":".join(str(e) for e in entries))
    return TemplateLibrary.from_settings(Settings.from_env())


def _entry(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A bad entry of ``kind`` and what the message must say about it."""
    if kind == "missing":
        return tmp_path / "no-such-folder", "does not exist"
    if kind == "file":
        path = tmp_path / "lab" / "mine.yml"
        path.parent.mkdir()
        path.write_text("name: Mine\n", encoding="utf-8")
        return path, (
            f"is a regular file, not a folder (to use this one template, name its folder "
            f"{path.parent} instead)"
        )
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return path, "is a named pipe (FIFO), not a folder"
    if kind == "device":
        return Path(
            "/dev/null"
        ), "is a character device (like /dev/zero or a terminal), not a folder"
    if kind == "below-a-file":
        (tmp_path / "plain").write_text("x", encoding="utf-8")
        return tmp_path / "plain" / "templates", "does not exist: a part of the path before it"
    raise AssertionError(kind)


KINDS = ["missing", "file", "fifo", "device", "below-a-file"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_entry_is_reported_everywhere_a_template_is_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write, kind: str
) -> None:
    good = tmp_path / "good"
    write("lab-only.yml", "name: Lab Only\n", folder=good)
    bad, what = _entry(kind, tmp_path)
    expected = f"CWS_TEMPLATE_PATH entry '{bad}' {what}"
    library = _library(monkeypatch, tmp_path / "home", bad, good)

    loaded, errors = library.list()  # the catalogue: the rest loads, the entry is an error line
    assert "lab-only" in {t.template.slug for t in loaded} and len(loaded) > 1
    (error,) = errors
    assert error.message.startswith(expected) and error.message.endswith(FIX), error.message
    assert error.field == "template_path"
    assert all(t.warnings == [] for t in loaded)  # said once, not on every row

    shown = library.get("lab-only")  # at load: a warning of the template loaded
    assert len(shown.warnings) == 1 and shown.warnings[0].startswith(expected)
    inline = library.load_text("name: Cell\ninherits: lab-only\n", origin="<cell>")
    assert inline.warnings == shown.warnings

    with pytest.raises(NotFound) as err:  # and where it matters most: a template not found
        library.get("only-in-the-bad-entry")
    assert expected in err.value.message


def test_missing_user_folder_is_normal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CWS_HOME", str(tmp_path / "fresh"))
    monkeypatch.delenv("CWS_TEMPLATE_PATH", raising=False)
    library = TemplateLibrary.from_settings(Settings.from_env())
    loaded, errors = library.list()
    assert errors == [] and library.warnings == [] and loaded


def test_a_user_folder_that_is_a_file_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    user = tmp_path / "home" / "config" / "templates"
    user.parent.mkdir(parents=True)
    user.write_text("oops", encoding="utf-8")
    monkeypatch.setenv("CWS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CWS_TEMPLATE_PATH", raising=False)
    _, errors = TemplateLibrary.from_settings(Settings.from_env()).list()
    (error,) = errors
    assert error.message.startswith(f"template folder '{user}' is a regular file, not a folder")


def test_a_huge_folder_is_searched_only_so_far(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    """CWS_TEMPLATE_PATH=/ must not walk the whole disk: the walk stops, and says so."""
    monkeypatch.setattr(discovery, "MAX_ENTRIES", 30)
    big = tmp_path / "big"
    for i in range(50):
        write(f"d{i // 10}/t{i:02d}.yml", f"name: T{i}\n", folder=big)
    library = _library(monkeypatch, tmp_path / "home", big)
    loaded, errors = library.list()
    (error,) = errors
    assert error.message.startswith(f"CWS_TEMPLATE_PATH entry '{big}' holds more than 30 files")
    assert "is it really a folder of templates?" in error.message
    assert 0 < len([t for t in loaded if t.path.startswith(str(big))]) < 50


def test_the_root_folder_as_an_entry_returns_promptly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import time

    library = _library(monkeypatch, tmp_path / "home", Path("/"))
    start = time.monotonic()
    library.slugs()
    assert time.monotonic() - start < 30
    assert any("holds more than" in w for w in library.warnings)


def test_an_unlistable_sub_folder_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    lab = tmp_path / "lab"
    write("ok.yml", "name: Ok\n", folder=lab)
    locked = lab / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # root lists a mode-000 folder anyway
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    library = _library(monkeypatch, tmp_path / "home", lab)
    assert "ok" in library.slugs()
    (warning,) = library.warnings
    assert warning == (
        f"CWS_TEMPLATE_PATH entry '{lab}': sub-folder '{locked}' cannot be searched: it is not "
        "readable (permission denied: check the file's permissions and owner)"
    )


def test_cli_templates_list_shows_the_bad_entry(tmp_path: Path) -> None:
    bad = tmp_path / "typo-folder"
    env = {**isolated_environ(tmp_path / "home"), "CWS_TEMPLATE_PATH": str(bad)}
    out = subprocess.run(
        [sys.executable, "-m", "cws_jupyter.cli.main", "templates", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    import json

    listing = json.loads(out.stdout)
    assert listing["templates"]
    assert listing["errors"] == [f"CWS_TEMPLATE_PATH entry '{bad}' does not exist: {FIX}"]
