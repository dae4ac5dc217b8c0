"""`cws ami scan`, `cws policy check` and `%cws scan`: output, JSON, exit codes (0 allowed, 1
denied, 2 bad input), and user text printed as written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from security_helpers import (
    ACCOUNT,
    HOSTILE,
    REGION,
    SQUATTER,
    body,
    cws,
    hostile_check,
    hostile_report,
    world_image,
    write_policy,
)

from cws_jupyter.cli.common import CliState
from cws_jupyter.cli.main import cli
from cws_jupyter.cli.render_security import render_policy_check, render_report
from cws_jupyter.core.security.models import PolicyCheck, SecurityReport
from cws_jupyter.core.service import CwsService
from cws_jupyter.magics.dispatch import call_verb

pytestmark = pytest.mark.sandbox


def invoke(service: CwsService, *args: str, **settings: Any) -> Any:
    """`cws --sandbox ARGS` in this process, on the session's sandbox."""
    svc = CwsService(service.settings.model_copy(update=settings)) if settings else service
    state = CliState(make_service=lambda overrides: svc)
    return CliRunner().invoke(cli, ["--sandbox", *args], obj=state, env={"COLUMNS": "200"})


def test_scan_json_is_the_report(service: CwsService) -> None:
    ami = world_image(service, SQUATTER, "ubuntu/images/")
    result = invoke(service, "ami", "scan", ami, "--region", REGION, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ami_id"] == ami and report["region"] == REGION
    assert 0 <= report["score"] <= 100 and report["recommendations"]
    finding = report["findings"][0]
    assert set(finding) >= {"id", "severity", "message", "fix"}
    assert (finding["id"], finding["severity"]) == ("owner-squatting", "critical")


def test_scan_prints_the_score_findings_and_fixes(service: CwsService) -> None:
    ami = world_image(service, ACCOUNT, "cws-teaching-lab-")
    result = invoke(service, "ami", "scan", ami)
    assert result.exit_code == 0, result.output
    text = result.output
    assert f"{ami} in {REGION}" in text and "(yours)" in text
    assert "score " in text and "/100" in text
    assert "snapshots-unencrypted" in text and "aws ec2 copy-image" in text
    assert "recommendations" in text
    assert "note: Inspector not available: the sandbox does not simulate Amazon Inspector" in text


@pytest.mark.parametrize(
    "args, field",
    [(["ami-zz"], "ami_id"), (["ami-0123456789abcdef0", "--region", "mars-1"], "region")],
)
def test_scan_bad_input_exits_2_with_the_error_body(
    service: CwsService, args: list[str], field: str
) -> None:
    result = invoke(service, "ami", "scan", *args, "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["error"] == "bad_input" and error["field"] == field


def test_policy_check_exit_codes(service: CwsService, tmp_path: Path) -> None:
    path = write_policy(tmp_path, "name: lab only\nallowed_owners: [self]\n")
    lab = world_image(service, ACCOUNT, "cws-teaching-lab-")
    squatter = world_image(service, SQUATTER, "ubuntu/images/")

    shown = invoke(service, "policy", "check", "--file", str(path))
    assert shown.exit_code == 0 and f"policy {path} (lab only)" in shown.output
    assert "owner must be one of: self" in shown.output

    allowed = invoke(service, "policy", "check", lab, "--region", REGION, "--file", str(path))
    assert allowed.exit_code == 0 and "allowed" in allowed.output and lab in allowed.output

    denied = invoke(service, "policy", "check", lab, squatter, "--file", str(path))
    assert denied.exit_code == 1
    assert (
        "denied" in denied.output and f"owner {SQUATTER} is not in allowed_owners" in denied.output
    )

    configured = invoke(service, "policy", "check", squatter, "--json", policy_file=path)
    assert configured.exit_code == 1
    verdict = json.loads(configured.output)
    assert verdict["allowed"] is False and verdict["policy"]["file"] == str(path)


def test_policy_check_without_a_policy_and_with_a_broken_one(
    service: CwsService, tmp_path: Path
) -> None:
    none = invoke(service, "policy", "check")
    assert none.exit_code == 0
    assert "no policy" in none.output and "CWS_POLICY_FILE" in none.output
    broken = write_policy(tmp_path, "max_age_days: soon\n")
    result = invoke(service, "policy", "check", "--file", str(broken))
    assert result.exit_code == 2
    assert f"error: policy file {broken}: max_age_days:" in result.output


def test_the_magic_shorthand_runs_the_same_verb(service: CwsService) -> None:
    ami = world_image(service, SQUATTER, "ubuntu/images/")
    report = call_verb(["scan", ami, "--region", REGION], lambda overrides: service)
    assert isinstance(report, SecurityReport) and report.findings[0].id == "owner-squatting"
    check = call_verb(["policy", "check", ami], lambda overrides: service)
    assert isinstance(check, PolicyCheck) and check.allowed  # no policy: allowed, not exit 1


def test_separate_processes_and_the_policy_variable(sec_home: Path, service: CwsService) -> None:
    """The real `cws`: JSON on stdout, the exit code of a denial, CWS_POLICY_FILE honoured."""
    squatter = world_image(service, SQUATTER, "ubuntu/images/")
    scanned = cws(sec_home, "ami", "scan", squatter, "--json")
    assert scanned.returncode == 0, scanned.stderr
    assert body(scanned)["findings"][0]["id"] == "owner-squatting"
    policy = write_policy(sec_home, "allowed_owners: [self]\n", name="proc-policy.yaml")
    denied = cws(sec_home, "policy", "check", squatter, CWS_POLICY_FILE=str(policy))
    assert denied.returncode == 1 and "denied" in denied.stdout, denied.stderr


# -- user text as written -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "render, result", [(render_report, hostile_report), (render_policy_check, hostile_check)]
)
def test_terminal_renderers_print_user_text_as_written(render: Any, result: Any) -> None:
    console = Console(record=True, width=400, emoji=False)
    render(console, result())
    text = console.export_text()
    for token in ("[bold]b", "[/x]", "$x$", "<script>s</script>", ":rocket:"):
        assert token in text
    assert text.count(HOSTILE) >= 4
