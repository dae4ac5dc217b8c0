"""The `cws` command line, driven as a user would, against the sandbox's moto server over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolated_environ

pytestmark = pytest.mark.sandbox
CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]


def clean_env(home: Path) -> dict[str, str]:
    """An environment with no AWS credentials, a private CWS_HOME and HOME, no sandbox flag."""
    return {**isolated_environ(home / "cws"), "HOME": str(home)}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user home whose sandbox is started once for the module and stopped at the end."""
    path = tmp_path_factory.mktemp("user")
    env = clean_env(path)
    subprocess.run([*CWS, "sandbox", "start"], env=env, check=True, capture_output=True, timeout=60)
    yield path
    subprocess.run([*CWS, "sandbox", "stop"], env=env, capture_output=True, timeout=60)


def cws(home: Path, *args: str, sandbox: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `cws [--sandbox] ARGS` as a separate process."""
    argv = [*CWS, *(["--sandbox"] if sandbox else []), *args]
    return subprocess.run(argv, env=clean_env(home), capture_output=True, text=True, timeout=120)


def test_resolve_python_ml_prints_the_resolution_as_json(home: Path) -> None:
    """The README's command: a real resolution, one JSON object with the spec's field names."""
    out = cws(home, "ami", "resolve", "python-ml", "--region", "eu-west-1", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    for key in (
        "template",
        "region",
        "ami_id",
        "ami",
        "resolution_method",
        "source_region",
        "fallback_chain",
        "warning",
        "warnings",
        "instance_type",
        "estimated_cost",
        "estimated_launch_time",
        "cost_comparison",
    ):
        assert key in res
    assert res["template"] == "python-ml" and res["region"] == "eu-west-1"
    assert res["ami_id"].startswith("ami-") and res["resolution_method"] == "ssm_parameter"
    assert res["ami"]["owner_id"] == "898082745236" and res["ami"]["region"] == "eu-west-1"
    assert isinstance(res["estimated_launch_time"], int)
    assert (
        res["cost_comparison"]["script_launch_seconds"]
        > res["cost_comparison"]["ami_launch_seconds"]
    )


def test_human_output_shows_the_chain(home: Path) -> None:
    """Without --json: the answer, the fallback chain and the cost table, readable."""
    out = cws(home, "ami", "resolve", "teaching-lab", "--region", "eu-west-1")
    assert out.returncode == 0, out.stderr
    assert "cross_region" in out.stdout and "eu-central-1" in out.stdout
    assert "fallback chain" in out.stdout and "A template AMI vs script provisioning" in out.stdout
    assert "first boot:" in out.stdout


def test_a_new_process_resolves_from_the_cache(home: Path) -> None:
    """A second process resolving the same template makes zero AWS calls."""
    first = json.loads(
        cws(home, "ami", "resolve", "ubuntu-24-server", "--region", "us-west-2", "--json").stdout
    )
    second = json.loads(
        cws(home, "ami", "resolve", "ubuntu-24-server", "--region", "us-west-2", "--json").stdout
    )
    assert first["aws_calls"] > 0 and second["aws_calls"] == 0
    assert second["ami_id"] == first["ami_id"]


def test_ami_required_failure_exits_1_listing_each_tier(home: Path) -> None:
    """amazon-linux-2023 (ami_required) in a region the world lacks: exit 1, each tier and why."""
    out = cws(home, "ami", "resolve", "amazon-linux-2023", "--region", "ap-south-1")
    assert out.returncode == 1
    for tier in (
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
    ):
        assert tier in out.stderr
    assert "ami_required" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ami", "resolve", "no-such-template"], "no-such-template"),
        (["ami", "resolve", "python-ml", "--region", "eu-west-9"], "eu-west-9"),
        (["ami", "resolve", "python-ml", "--strategy", "ami_maybe"], "ami_maybe"),
        (["ami", "resolve", "python-ml", "--arch", "sparc"], "sparc"),
        (["ami", "test", "python-ml", "--region", "mars-1"], "mars-1"),
    ],
)
def test_bad_input_exits_2_naming_the_value(home: Path, args: list[str], needle: str) -> None:
    """Unknown template, region, strategy or architecture: exit 2 and the message names it."""
    out = cws(home, *args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert needle in out.stderr and "Traceback" not in out.stderr


def test_availability_matrix_all_regions(home: Path) -> None:
    """`cws ami test --all-regions`: one row per commercial region, available where the world has it."""
    out = cws(home, "ami", "test", "python-ml", "--all-regions", "--json")
    assert out.returncode == 0, out.stderr
    matrix = json.loads(out.stdout)
    rows = {r["region"]: r for r in matrix["regions"]}
    assert len(rows) == matrix["checked"] >= 34
    assert rows["eu-west-1"]["available"] and not rows["ap-south-1"]["available"]
    assert matrix["available_in"] == 7


def test_regions_fallbacks_json(home: Path) -> None:
    """Every commercial region has neighbours."""
    rows = json.loads(cws(home, "regions", "fallbacks", "--json").stdout)
    assert len(rows) >= 34 and all(r["fallbacks"] for r in rows)


def test_templates_validate_exit_codes(home: Path, tmp_path: Path) -> None:
    """validate: 0 when every file loads (warnings printed), 2 when any has errors."""
    good = tmp_path / "good.yml"
    good.write_text("name: Good\nminimum_size: M\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("name: Bad\nami_config:\n  strategy: sometimes\n")
    ok = cws(home, "templates", "validate", str(good), sandbox=False)
    assert ok.returncode == 0 and "minimum_size" in ok.stdout
    failed = cws(home, "templates", "validate", str(good), str(bad), sandbox=False)
    assert failed.returncode == 2
    assert "ami_config.strategy" in failed.stdout and "sometimes" in failed.stdout


def test_templates_list_and_schema_need_no_aws(home: Path) -> None:
    """Template commands work with no credentials and no sandbox."""
    listing = json.loads(cws(home, "templates", "list", "--json", sandbox=False).stdout)
    assert "python-ml" in {t["slug"] for t in listing["templates"]}
    schema = json.loads(cws(home, "templates", "schema", sandbox=False).stdout)
    assert "ami_config" in schema["properties"]


def test_no_credentials_and_no_sandbox_says_how_to_fix(tmp_path: Path) -> None:
    """Without credentials the CLI explains both ways forward and never starts the sandbox itself."""
    out = cws(tmp_path, "ami", "resolve", "python-ml", "--region", "eu-west-1", sandbox=False)
    assert out.returncode == 1
    assert "No AWS credentials" in out.stderr and "--sandbox" in out.stderr
    status = cws(tmp_path, "sandbox", "status", "--json", sandbox=False)
    assert status.stdout.strip() == "null"


def test_json_errors_are_json_on_stdout(home: Path) -> None:
    """With --json, a failure also prints the error body {error, message, field} on stdout."""
    out = cws(home, "ami", "resolve", "python-ml", "--region", "eu-west-9", "--json")
    assert out.returncode == 2
    body = json.loads(out.stdout)
    assert (
        body["error"] == "bad_input"
        and body["field"] == "region"
        and "eu-west-9" in body["message"]
    )


def test_availability_nowhere_exits_1(home: Path) -> None:
    """`cws ami test` fails (exit 1) when no region checked has the AMI."""
    out = cws(
        home, "ami", "test", "teaching-lab", "--region", "ap-south-1", "--region", "sa-east-1"
    )
    assert out.returncode == 1 and "0/2" in out.stdout


def test_prices_refresh_on_the_sandbox_says_why_not(home: Path) -> None:
    """The sandbox has no Pricing API: a clear failure, the shipped table stays in use."""
    out = cws(home, "prices", "refresh")
    assert out.returncode == 1 and "Pricing API" in out.stderr
