"""`migrate template`: a copy of a template with an ami_config, written into the user's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_helpers import REGION, cws

from cws_jupyter.core.errors import Conflict, NotFound, TemplateError
from cws_jupyter.core.images.models import ImageBuild
from cws_jupyter.core.migration.copies import MARKER, is_migrated_copy
from cws_jupyter.core.service import CwsService
from cws_jupyter.core.templates.loader import TemplateCheck
from cws_jupyter.core.yamlio import load_yaml

OWN_BUILD_SEARCH = {
    "strategy": "ami_preferred",
    "ami_search": {"owner": "self", "required_tags": {"cws:template": "teaching-lab"}},
    "fallback_strategy": "script_provisioning",
}


def read(path: Path) -> dict:
    """A YAML file, as the project reads YAML."""
    return load_yaml(path.read_text(encoding="utf-8"))


def test_no_builds_gives_an_own_build_search_and_the_copy_wins(
    service: CwsService, user_dir: Path
) -> None:
    """teaching-lab (forced: it has an ami_config) with no build of it: the copy searches this
    account's images tagged for it, keeps everything else, loads, and is what the name loads."""
    shipped = service.get_template("teaching-lab")
    result = service.migration.template("teaching-lab", force=True)

    copy = user_dir / "teaching-lab.yml"
    assert result.path == str(copy) and copy.is_file()
    assert result.original_path == shipped.path and result.action == "created"
    assert result.ami_config == OWN_BUILD_SEARCH and result.mappings == {}
    assert result.searches_own_builds and result.active and result.shadowed_by is None

    lines = copy.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MARKER + shipped.path
    assert any("comments" in line and "not kept" in line for line in lines[:4])
    written, original = read(copy), read(Path(shipped.path))
    assert written["ami_config"] == OWN_BUILD_SEARCH
    assert {k: v for k, v in written.items() if k != "ami_config"} == {
        k: v for k, v in original.items() if k != "ami_config"
    }
    assert list(written) == list(original)  # the ami_config replaced where it was

    [check] = service.validate_templates([copy])
    assert check.ok and check.slug == "teaching-lab", check.errors
    now = service.get_template("teaching-lab")
    assert now.path == str(copy)
    assert now.template.ami_config is not None
    assert now.template.ami_config.ami_search is not None
    assert now.template.ami_config.ami_search.required_tags == {"cws:template": "teaching-lab"}
    # The resolver now reads the copy: no build of the lab exists, so it provisions by script
    # (the shipped template found the course images across regions instead).
    res = service.resolve("teaching-lab", REGION)
    assert res.resolution_method.value == "script_fallback"
    assert any(
        a.tier.value == "dynamic_search" and "cws:template" in a.reason for a in res.fallback_chain
    )


def test_builds_are_mapped_per_region(
    service: CwsService, built: dict[str, ImageBuild], user_dir: Path
) -> None:
    """ubuntu-24-desktop imaged in eu-west-1: the copy maps that build, keeps inheriting from
    ubuntu-24-server, and resolving there now takes the mapped image."""
    build = built["ubuntu-24-desktop"]
    result = service.migration.template("ubuntu-24-desktop", force=True)
    assert result.mappings == {REGION: build.ami_id} and not result.searches_own_builds
    written = read(user_dir / "ubuntu-24-desktop.yml")
    assert written["inherits"] == "ubuntu-24-server"
    assert written["ami_config"] == {
        "strategy": "ami_preferred",
        "ami_mappings": {REGION: build.ami_id},
        "fallback_strategy": "script_provisioning",
    }
    res = service.resolve("ubuntu-24-desktop", REGION)
    assert res.ami_id == build.ami_id and res.resolution_method.value == "direct_mapping"
    assert res.provisioning.value == "none"  # a build of the template holds its software


def test_template_without_ami_config_needs_no_force(
    custom_service: CwsService, built: dict[str, ImageBuild], user_dir: Path, custom_dir: Path
) -> None:
    """field-notes has no ami_config: migrated without --force, its build mapped; the copy is
    written and loads, but the CWS_TEMPLATE_PATH original comes first, and the result says so."""
    build = built["field-notes"]
    result = custom_service.migration.template("field-notes")
    copy = user_dir / "field-notes.yml"
    assert result.mappings == {REGION: build.ami_id} and result.action == "created"
    assert result.original_path == str(custom_dir / "field-notes.yml")
    assert not result.active and result.shadowed_by == str(custom_dir / "field-notes.yml")
    assert any("comes before the copy" in w for w in result.warnings)

    text = copy.read_text(encoding="utf-8")
    assert "an inline comment" not in text and "cannot keep" not in text
    written, original = read(copy), read(custom_dir / "field-notes.yml")
    assert written["user_data"] == original["user_data"]  # multi-line text kept exactly
    assert written["long_description"] == original["long_description"]
    assert "user_data: |" in text  # and readable, as a block
    [check] = custom_service.validate_templates([copy])
    assert check.ok, check.errors


def test_refuses_what_would_lose_work(custom_service: CwsService, user_dir: Path) -> None:
    """An ami_config of the template's own, or a file of the user's that is not a migrated copy,
    is only replaced with force; a migrated copy is simply refreshed."""
    with pytest.raises(Conflict, match="already has an ami_config"):
        custom_service.migration.template("python-ml")
    assert not (user_dir / "python-ml.yml").exists()

    user_dir.mkdir(parents=True)
    mine = user_dir / "field-notes.yml"
    mine.write_text("# mine\nname: Field Notes Lab\nslug: field-notes\n", encoding="utf-8")
    with pytest.raises(Conflict, match="not a copy written by `cws migrate`"):
        custom_service.migration.template("field-notes")
    assert mine.read_text(encoding="utf-8").startswith("# mine")

    forced = custom_service.migration.template("field-notes", force=True)
    assert forced.action == "overwritten" and is_migrated_copy(mine)
    again = custom_service.migration.template("field-notes")
    assert again.action == "refreshed" and is_migrated_copy(mine)


def test_a_file_of_the_users_for_the_slug_elsewhere_in_the_folder_is_refused(
    service: CwsService, user_dir: Path
) -> None:
    """The user's own template (another file name, same slug) is what loads: refused too."""
    (user_dir / "mine").mkdir(parents=True)
    (user_dir / "mine" / "lab.yaml").write_text(
        "name: My Lab\nslug: my-lab\ninstance_defaults: {type: t3.small}\n", encoding="utf-8"
    )
    with pytest.raises(Conflict, match="lab.yaml"):
        service.migration.template("my-lab")
    assert not (user_dir / "my-lab.yml").exists()


def test_rerun_on_a_migrated_copy_reads_the_original(service: CwsService, user_dir: Path) -> None:
    """Migrating again starts from the original file (not the copy), so the header still names it
    and the shipped ami_config still counts: force is needed again."""
    shipped = service.get_template("rstudio").path
    service.migration.template("rstudio", force=True)
    assert service.get_template("rstudio").path == str(user_dir / "rstudio.yml")
    with pytest.raises(Conflict, match="already has an ami_config"):
        service.migration.template("rstudio")
    again = service.migration.template("rstudio", force=True)
    assert again.action == "refreshed" and again.original_path == shipped
    lines = (user_dir / "rstudio.yml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == MARKER + shipped and sum(line.startswith(MARKER) for line in lines) == 1


def test_a_copy_that_would_not_load_is_never_written(
    service: CwsService, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is checked before it replaces anything: a failing check leaves the folder as it
    was (no copy, no temporary file), and an earlier copy untouched."""
    first = service.migration.template("r-research", force=True)
    before = Path(first.path).read_bytes()

    def failing(paths: list[Path]) -> list[TemplateCheck]:
        return [TemplateCheck(path=str(paths[0]), ok=False, errors=[f"{paths[0]}: broken"])]

    monkeypatch.setattr(service, "validate_templates", failing)
    with pytest.raises(TemplateError, match="nothing was written") as caught:
        service.migration.template("r-research", force=True)
    assert caught.value.problems == [f"{first.path}: broken"]
    with pytest.raises(TemplateError):
        service.migration.template("bioinformatics", force=True)
    assert Path(first.path).read_bytes() == before
    assert sorted(p.name for p in user_dir.iterdir()) == ["r-research.yml"]


def test_unknown_template(service: CwsService, user_dir: Path) -> None:
    """An unknown template is bad input; nothing is written."""
    with pytest.raises(NotFound, match="no-such"):
        service.migration.template("no-such")
    assert not user_dir.exists()


def test_cli_template(home: Path) -> None:
    """`cws migrate template`: a conflict exits 1 with the reason; --force --json writes the copy
    into the CLI's template folder (CWS_HOME/config/templates)."""
    copy = home / "config" / "templates" / "r-research.yml"
    try:
        out = cws(home, "migrate", "template", "r-research")
        assert out.returncode == 1 and "already has an ami_config" in out.stderr
        assert not copy.exists()
        out = cws(home, "migrate", "template", "r-research", "--force", "--json")
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["path"] == str(copy) and result["active"] is True
        assert result["ami_config"]["ami_search"] == {
            "owner": "self",
            "required_tags": {"cws:template": "r-research"},
        }
        assert is_migrated_copy(copy)
    finally:
        copy.unlink(missing_ok=True)
