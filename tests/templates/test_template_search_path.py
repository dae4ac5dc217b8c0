"""The search path: CWS_TEMPLATE_PATH folders, then the user folder, then the shipped ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cws_jupyter.core.config import Settings
from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.loader import shipped_templates_dir

Write = Callable[..., Path]
SHIPPED_SLUGS = {p.stem for p in (Path(__file__).resolve().parents[2] / "templates").glob("*.yml")}


def _library(monkeypatch: pytest.MonkeyPatch, home: Path, *path: Path) -> TemplateLibrary:
    monkeypatch.setenv("CWS_HOME", str(home))
    if path:
        monkeypatch.setenv("CWS_TEMPLATE_PATH", ":".join(str(p) for p in path))
    else:
        monkeypatch.delenv("CWS_TEMPLATE_PATH", raising=False)
    return TemplateLibrary.from_settings(Settings.from_env())


def test_default_path_is_user_folder_then_shipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    library = _library(monkeypatch, tmp_path)
    assert library.folders == [tmp_path / "config" / "templates", shipped_templates_dir()]
    assert set(library.slugs()) == SHIPPED_SLUGS
    loaded, errors = library.list()
    assert errors == [] and all(t.warnings == [] for t in loaded)


def test_user_folder_adds_and_shadows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    user = tmp_path / "config" / "templates"
    mine = write("python-ml.yml", "name: My Python ML\ndescription: mine\n", folder=user)
    write("sub/extra.yaml", "name: Extra Tool\n", folder=user)  # sub-folders and .yaml count too
    library = _library(monkeypatch, tmp_path)
    assert set(library.slugs()) == SHIPPED_SLUGS | {"extra"}
    got = library.get("python-ml")
    assert got.path == str(mine) and got.template.description == "mine"
    assert library.get("Extra Tool").template.slug == "extra"
    (note,) = library.shadowed
    assert note == f"{shipped_templates_dir() / 'python-ml.yml'} is shadowed by {mine}"


def test_template_path_comes_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    user = tmp_path / "config" / "templates"
    write("rstudio.yml", "name: Lab RStudio\ndescription: first\n", folder=first)
    write("rstudio.yml", "name: Other RStudio\ndescription: second\n", folder=second)
    write("rstudio.yml", "name: User RStudio\ndescription: user\n", folder=user)
    write("lab-only.yml", "name: Lab Only\n", folder=second)
    library = _library(monkeypatch, tmp_path, first, second)
    assert library.folders == [first, second, user, shipped_templates_dir()]
    assert library.get("rstudio").template.description == "first"
    assert library.get("lab-only").path == str(second / "lab-only.yml")
    assert len(library.shadowed) == 3  # second's, the user's and the shipped rstudio
    assert all(s.endswith(f"is shadowed by {first / 'rstudio.yml'}") for s in library.shadowed)


def test_shadowing_parent_changes_children(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    # A site can replace the shipped Ubuntu base; the shipped desktop then builds on the site's.
    site = tmp_path / "site"
    write(
        "ubuntu-24-server.yml",
        """\
        name: Ubuntu 24.04 Server
        package_manager: apt
        packages: {system: [site-agent]}
        instance_defaults: {ports: [22, 9100]}
        ami_config:
          strategy: ami_required
          ami_search: {owner: self, name_pattern: "site-ubuntu-*"}
        """,
        folder=site,
    )
    desktop = _library(monkeypatch, tmp_path, site).get("ubuntu-24-desktop").template
    assert desktop.packages.system[0] == "site-agent" and "xrdp" in desktop.packages.system
    assert desktop.instance_defaults.ports == [22, 9100, 3389]
    assert desktop.ami_config is not None and desktop.ami_config.ami_search is not None
    assert desktop.ami_config.ami_search.all_owners() == ["self"]


def test_broken_files_do_not_hide_the_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: Write
) -> None:
    site = tmp_path / "site"
    broken = write("broken.yml", "name: [\n", folder=site)
    invalid = write("invalid.yml", "name: Invalid\nami_config: {strategy: nope}\n", folder=site)
    write("notes.txt", "not a template", folder=site)
    library = _library(monkeypatch, tmp_path, site)
    loaded, errors = library.list()
    assert {t.template.slug for t in loaded} == SHIPPED_SLUGS
    assert len(errors) == 2
    assert errors[0].message.startswith(f"{broken}:") and "YAML syntax error" in errors[0].message
    assert errors[1].problems[0].startswith(f"{invalid}: field 'ami_config.strategy'")


def test_missing_folders_are_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    library = _library(monkeypatch, tmp_path, tmp_path / "does-not-exist")
    assert set(library.slugs()) == SHIPPED_SLUGS


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CWS_HOME", str(tmp_path))
    monkeypatch.setenv("CWS_TEMPLATE_PATH", f"{tmp_path / 'a'}::{tmp_path / 'b'}")
    settings = Settings.from_env()
    assert settings.template_path == [tmp_path / "a", tmp_path / "b"]
    assert settings.user_template_dir == tmp_path / "config" / "templates"
