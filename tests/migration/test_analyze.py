"""`migrate analyze`: per template, is an AMI worth it, from the price book (no AWS calls)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_helpers import REGION, cws, write_templates

from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput, NotFound
from cws_jupyter.core.migration.models import Verdict
from cws_jupyter.core.service import CwsService

SHIPPED = {
    "amazon-linux-2023",
    "bioinformatics",
    "deep-learning-gpu",
    "python-ml",
    "r-research",
    "rstudio",
    "teaching-lab",
    "ubuntu-24-desktop",
    "ubuntu-24-server",
}


def test_every_shipped_template_gets_a_row_and_a_verdict(service: CwsService) -> None:
    """All shipped templates have an ami_config: AMI-only ones say so, the rest already use one;
    and the analysis makes no AWS call."""
    calls = service.access.calls
    report = service.migration.analyze(None, REGION)
    rows = report.by_template()
    assert set(rows) == SHIPPED and len(report.rows) == len(SHIPPED)
    assert report.region == REGION and report.launches_per_month == 20 and not report.errors
    for slug in ("amazon-linux-2023", "deep-learning-gpu"):
        assert rows[slug].verdict is Verdict.AMI_ONLY and rows[slug].ami_only
    for slug in SHIPPED - {"amazon-linux-2023", "deep-learning-gpu"}:
        assert rows[slug].verdict is Verdict.ALREADY_USES_AN_AMI, slug
        assert rows[slug].has_ami_config and rows[slug].strategy
    assert rows["bioinformatics"].strategy == "ami_fallback"
    assert service.access.calls == calls


def test_python_ml_numbers_match_the_documented_example(service: CwsService) -> None:
    """docs/concepts.md: 497 s of setup at $0.587/h is $0.0810 a launch; storage $5.00 a month."""
    row = service.migration.analyze(["python-ml"], REGION, launches_per_month=20).rows[0]
    assert row.instance_type == "g4dn.xlarge" and row.architecture == "x86_64"
    assert row.hourly_price == pytest.approx(0.587)
    assert row.script_setup_seconds == 497 and row.ami_launch_seconds == 45
    assert row.minutes_saved_per_launch == pytest.approx(8.3)
    assert row.setup_cost_per_launch == pytest.approx(0.0810, abs=1e-4)
    assert row.savings_per_month == pytest.approx(1.62, abs=1e-3)
    assert row.ami_storage_per_month == pytest.approx(5.0)
    assert row.net_per_month == pytest.approx(1.62 - 5.0, abs=1e-3)
    assert row.break_even_launches_per_month == pytest.approx(61.7)
    assert "8.3 min" in row.reason and "$1.62" in row.reason


def test_verdict_follows_the_money_for_templates_without_ami_config(
    custom_service: CwsService,
) -> None:
    """Cheap type and moderate setup: script is fine at 20 launches, an AMI pays at 200; spack
    on a GPU type pays at 20; the savings are the setup cost times the launches."""
    at_20 = custom_service.migration.analyze(["field-notes", "gpu-spack"], REGION).by_template()
    notes, gpu = at_20["field-notes"], at_20["gpu-spack"]
    assert not notes.has_ami_config and notes.strategy is None
    assert notes.script_setup_seconds == 60 + 2 * 8 + 10 * 25 + 90 + 12  # system, conda, pip
    assert notes.verdict is Verdict.SCRIPT_IS_FINE and notes.net_per_month < 0
    assert notes.savings_per_month == pytest.approx(notes.setup_cost_per_launch * 20, abs=1e-4)
    assert notes.ami_storage_per_month == pytest.approx(30 * 0.05)
    assert gpu.script_setup_seconds == 60 + 4 * 240
    assert gpu.hourly_price == pytest.approx(1.123)  # g5.xlarge in eu-west-1
    assert gpu.verdict is Verdict.WORTH_AN_AMI and gpu.net_per_month > 0
    assert gpu.net_per_month == pytest.approx(
        gpu.savings_per_month - gpu.ami_storage_per_month, abs=1e-4
    )
    at_200 = custom_service.migration.analyze(["field-notes"], REGION, 200).rows[0]
    assert at_200.verdict is Verdict.WORTH_AN_AMI and at_200.net_per_month > 0
    at_0 = custom_service.migration.analyze(["gpu-spack"], REGION, 0).rows[0]
    assert at_0.savings_per_month == 0 and at_0.verdict is Verdict.SCRIPT_IS_FINE


def test_without_a_price_the_setup_time_decides(custom_service: CwsService) -> None:
    """An instance type the price book does not know: no money figures, the time is weighed."""
    row = custom_service.migration.analyze(["mystery-type"], REGION).rows[0]
    assert row.hourly_price is None and row.setup_cost_per_launch is None
    assert row.savings_per_month is None and row.net_per_month is None
    assert row.script_setup_seconds == 60 + 2 * 240
    assert row.verdict is Verdict.WORTH_AN_AMI and "no price" in row.reason


def test_named_templates_only_once_each(custom_service: CwsService) -> None:
    """Named templates (by slug or display name) are analysed once each, in the order given."""
    report = custom_service.migration.analyze(
        ["gpu-spack", "Field Notes Lab", "field-notes", "gpu-spack"], "us-east-1"
    )
    assert [r.template for r in report.rows] == ["gpu-spack", "field-notes"]
    assert report.region == "us-east-1"


def test_bad_input_is_refused(service: CwsService) -> None:
    """Unknown template, malformed region, negative launches: the core's input errors."""
    with pytest.raises(NotFound, match="no-such-template"):
        service.migration.analyze(["no-such-template"], REGION)
    with pytest.raises(BadInput, match="eu-west-9"):
        service.migration.analyze(None, "eu-west-9")
    with pytest.raises(BadInput, match="launches"):
        service.migration.analyze(None, REGION, launches_per_month=-1)


def test_broken_template_files_are_reported_not_fatal(home: Path, tmp_path: Path) -> None:
    """With no template named, a file that cannot load is listed and the others still get rows;
    no AWS account is configured here, and none is needed."""
    broken = write_templates(
        tmp_path / "broken",
        {
            "broken.yml": "name: Broken\npackages: [not, a, mapping]\n",
            "fine.yml": "name: Fine\ninstance_defaults: {type: t3.micro}\n",
        },
    )
    service = CwsService(
        Settings(
            region=REGION,
            state_dir=home / "state",
            cache_dir=home / "cache",
            user_template_dir=tmp_path / "templates",
            template_path=[broken],
        )
    )
    report = service.migration.analyze(None, None)
    assert report.region == REGION
    assert "fine" in report.by_template() and "broken" not in report.by_template()
    assert any("broken.yml" in error for error in report.errors)
    assert "access" not in service.__dict__  # AWS was never reached for


def test_cli_analyze_json_and_table(home: Path, custom_dir: Path) -> None:
    """`cws migrate analyze --json` prints the report; without --json, a table with verdicts."""
    out = cws(
        home, "migrate", "analyze", "python-ml", "deep-learning-gpu", "--region", REGION, "--json"
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["region"] == REGION and report["launches_per_month"] == 20
    verdicts = {row["template"]: row["verdict"] for row in report["rows"]}
    assert verdicts == {
        "python-ml": "already uses an AMI",
        "deep-learning-gpu": "AMI-only template",
    }
    python_ml = next(r for r in report["rows"] if r["template"] == "python-ml")
    assert python_ml["script_setup_seconds"] == 497
    assert python_ml["savings_per_month"] == pytest.approx(1.62, abs=1e-3)

    out = cws(home, "migrate", "analyze", "--launches", "200", "--region", REGION)
    assert out.returncode == 0, out.stderr
    assert "200 launch(es) a month" in out.stdout
    assert "already uses an AMI" in out.stdout and "AMI-only template" in out.stdout

    out = cws(home, "migrate", "analyze", "--launches", "-1")
    assert out.returncode == 2 and "-1" in out.stderr
    out = cws(home, "migrate", "analyze", "nope", "--json")
    assert out.returncode == 2 and json.loads(out.stdout)["error"] == "not_found"
