"""`cws ami outdated|rebuild` as separate processes against the sandbox (the same one, and the
same state, as this test process), and `%cws outdated|rebuild` through the magic's verb call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from updates_helpers import Cleanup, Lab

from cws_jupyter.core.images.updates import OutdatedReport
from cws_jupyter.core.service import CwsService
from cws_jupyter.display.text import as_text
from cws_jupyter.magics.dispatch import call_verb

pytestmark = pytest.mark.sandbox
CWS = [sys.executable, "-m", "cws_jupyter.cli.main", "--sandbox"]
REGION = "ap-northeast-1"


def cws(*args: str) -> subprocess.CompletedProcess[str]:
    """`cws --sandbox ARGS` in a separate process (this test's CWS_HOME and template path)."""
    return subprocess.run(
        [*CWS, *args], env=dict(os.environ), capture_output=True, text=True, timeout=180
    )


def test_outdated_then_rebuild_from_the_command_line(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """outdated --json and as text; rebuild without --yes (exit 2, nothing made), with --yes
    (exit 0, the new build from the newer base); the rebuild is a job `ami status` lists."""
    lab = Lab(service, template_dir, REGION, cleanup)
    lab.new_base()
    old = lab.build()
    newer = lab.new_base()

    listed = cws("ami", "outdated", lab.slug, "--region", REGION, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["images"]
    assert [(r["ami_id"], r["status"], r["current_base"]) for r in rows] == [
        (old.ami_id, "outdated", newer)
    ]
    text = cws("ami", "outdated", lab.slug, "--region", REGION)
    assert text.returncode == 0, text.stderr
    assert "1 outdated" in text.stdout and old.ami_id in text.stdout
    assert f"cws ami rebuild {lab.slug}" in " ".join(text.stdout.split())

    refused = cws("ami", "rebuild", lab.slug, "--region", REGION)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith(f"error: rebuilding {lab.slug} in {REGION} launches")
    assert "add --yes" in refused.stderr

    rebuilt = cws("ami", "rebuild", lab.slug, "--region", REGION, "--yes", "--grace-days", "2")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "rebuilt" in rebuilt.stdout and newer in rebuilt.stdout
    status = cws("ami", "status", "--limit", "5", "--json")
    job = next(j for j in json.loads(status.stdout)["jobs"] if j["kind"] == "ami_rebuild")
    assert job["status"] == "succeeded" and job["params"]["grace_days"] == 2
    new_ami = job["result"]["ami_id"]
    cleanup.image(REGION, new_ami)
    assert job["result"]["base"]["ami_id"] == newer
    assert job["result"]["deprecated"][0]["ami_id"] == old.ami_id

    again = cws("ami", "outdated", lab.slug, "--region", REGION, "--json")
    statuses = {r["ami_id"]: r["status"] for r in json.loads(again.stdout)["images"]}
    assert statuses == {new_ami: "current", old.ami_id: "outdated"}


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["ami", "outdated", "--region", "eu-west-1", "--all-regions"], 2, "not both"),
        (["ami", "outdated", "no-such-template", "--region", "eu-west-1"], 2, "no template"),
        (["ami", "rebuild", "ubuntu-24-server", "--grace-days", "0", "--yes"], 2, "grace-days"),
        (["ami", "rebuild", "deep-learning-gpu", "--region", "us-east-1", "--yes"], 1, "AMI-only"),
    ],
    ids=["both-region-options", "unknown-template", "grace-out-of-range", "ami-only"],
)
def test_bad_requests_exit_with_the_right_code(args: list[str], code: int, says: str) -> None:
    """Bad input exits 2, a request that cannot be done 1; each says why on stderr."""
    out = cws(*args)
    assert out.returncode == code, out.stderr
    assert says in out.stderr


def test_the_json_error_of_a_refused_rebuild() -> None:
    """With --json, the error body is printed on stdout too."""
    out = cws("ami", "rebuild", "deep-learning-gpu", "--region", "us-east-1", "--yes", "--json")
    assert out.returncode == 1
    body = json.loads(out.stdout)
    assert (body["error"], body["field"]) == ("conflict", "template")


def test_percent_cws_outdated_and_rebuild(service: CwsService) -> None:
    """`%cws outdated` answers the report (shown with the CLI's renderer as text); `%cws
    rebuild` without --yes is a one-line UsageError."""
    report = call_verb(
        ["outdated", "teaching-lab", "--region", "us-east-1"], lambda overrides: service
    )
    assert isinstance(report, OutdatedReport)
    assert [(r.template, r.kind, r.status) for r in report.images] == [
        ("teaching-lab", "mapping", "current")
    ]
    shown = as_text("render_updates:render_outdated", report)
    assert "teaching-lab" in shown and "1 current" in shown
    with pytest.raises(UsageError) as refused:
        call_verb(["rebuild", "ubuntu-24-server", "--region", "us-east-1"], lambda o: service)
    assert "add --yes" in str(refused.value)
