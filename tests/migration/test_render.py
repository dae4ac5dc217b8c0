"""The terminal renderers of `cws migrate`: every value from a template or AWS is printed as text,
never read as rich markup."""

from __future__ import annotations

from pathlib import Path

from migration_helpers import write_templates
from rich.console import Console

from cws_jupyter.cli import render_migrate as show
from cws_jupyter.core.config import Settings
from cws_jupyter.core.images.models import ImageBuild
from cws_jupyter.core.migration.models import (
    InstanceMigration,
    MatrixRow,
    MigrationMatrix,
    TemplateMigration,
)
from cws_jupyter.core.service import CwsService

MARKUP = "[bold red]x[/bold red]"
#: Markup that can be part of a file name (no slash).
FILE_MARKUP = "[bold]x[red]"


def printed(render: object, result: object) -> str:
    """What a renderer prints, as plain text."""
    console = Console(record=True, width=300, color_system=None)
    render(console, result)  # type: ignore[operator]
    return console.export_text()


def copy_result(tmp_path: Path) -> TemplateMigration:
    """A migration whose paths and warnings hold markup-like text."""
    return TemplateMigration(
        template="lab",
        path=str(tmp_path / f"{FILE_MARKUP}.yml"),
        original_path=f"/srv/{MARKUP}/lab.yml",
        action="created",
        ami_config={"strategy": "ami_preferred", "fallback_strategy": "script_provisioning"},
        mappings={"eu-west-1": "ami-0123456789abcdef0"},
        active=False,
        shadowed_by=f"/other/{MARKUP}.yml",
        warnings=[f"careful {MARKUP}"],
    )


def test_analysis_table_escapes_and_hides_savings_of_ami_only_templates(tmp_path: Path) -> None:
    """Markup in a template's name or a load error is shown literally; AMI-only rows show no
    savings; templates worth an AMI are listed for `cws migrate template`."""
    folder = write_templates(
        tmp_path / "t",
        {
            "odd.yml": "name: Odd\nslug: odd\ninstance_defaults: {type: g5.xlarge}\n"
            "packages: {spack: [a, b, c, d]}\n",
            f"{FILE_MARKUP}.yml": "name: [unclosed\n",
        },
    )
    settings = Settings(
        region="eu-west-1",
        state_dir=tmp_path / "state",
        cache_dir=tmp_path / "cache",
        user_template_dir=tmp_path / "user",
        template_path=[folder],
    )
    report = CwsService(settings).migration.analyze(None, None)
    text = printed(show.render_analysis, report)
    assert "worth an AMI" in text and "AMI-only template" in text
    assert "cws migrate template <template>`: odd" in text
    assert FILE_MARKUP in text  # the broken file's name, as it is
    al2023 = next(line for line in text.splitlines() if "amazon-linux-2023" in line)
    assert "min" not in al2023 and "AMI-only template" in al2023


def test_template_and_instance_results_escape_paths_and_warnings(tmp_path: Path) -> None:
    """Paths, shadowing files and warnings are printed literally."""
    text = printed(show.render_template_migration, copy_result(tmp_path))
    assert text.count(MARKUP) == 3 and text.count(FILE_MARKUP) == 1
    assert "maps eu-west-1 -> ami-0123456789abcdef0" in text and "not used yet" in text

    build = ImageBuild(
        ami_id="ami-0123456789abcdef0",
        region="eu-west-1",
        name=f"cws-{MARKUP}",
        template="lab",
        template_hash="v1-0",
        source_instance="i-0123456789abcdef0",
        creation_status="available",
    )
    result = InstanceMigration(
        workstation="w1",
        instance_id="i-0123456789abcdef0",
        region="eu-west-1",
        template="lab",
        ami_id=build.ami_id,
        build=build,
        template_copy=copy_result(tmp_path),
    )
    text = printed(show.render_instance_migration, result)
    assert "w1 (i-0123456789abcdef0) imaged as ami-0123456789abcdef0 in eu-west-1" in text
    assert f"cws-{MARKUP}" in text


def test_matrix_escapes_errors() -> None:
    """A failure's message is shown literally, next to the rows that resolved."""
    matrix = MigrationMatrix(
        templates=["lab"],
        regions=["eu-west-1", "ap-south-1"],
        rows=[
            MatrixRow(
                template="lab",
                region="eu-west-1",
                ok=True,
                method="direct_mapping",
                ami_id="ami-0123456789abcdef0",
                provisioning="none",
                instance_type="t3.large",
            ),
            MatrixRow(template="lab", region="ap-south-1", ok=False, error=f"no AMI {MARKUP}"),
        ],
        resolved=1,
        failed=1,
    )
    text = printed(show.render_test_all, matrix)
    assert "1 resolved, 1 failed" in text and f"no AMI {MARKUP}" in text
    assert "direct_mapping" in text and "failed" in text
