"""The lifecycle verbs of the `cws` command line, run as separate processes against the sandbox
(the same one, and the same state, as this test process: what the CLI does is visible here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cws_testing import isolated_environ
from lifecycle_helpers import Cleanup, image, launch, own_image_ids, unique

from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]
FAULTY_CWS = [sys.executable, str(Path(__file__).parent / "cli_with_faults.py")]
REGION = "ap-southeast-2"


def cws(home: Path, *args: str, runner: list[str] = CWS) -> subprocess.CompletedProcess[str]:
    """`cws --sandbox ARGS` in a separate process: no user AWS settings, CWS_HOME=home."""
    return subprocess.run(
        [*runner, "--sandbox", *args],
        env={**isolated_environ(home), "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_launch_build_list_and_status(service: CwsService, lc_home: Path, cleanup: Cleanup) -> None:
    """launch --json, ami create, ami list --json, ami status --json (the CLI's own jobs),
    list --json: each a separate process, each seeing what the others did."""
    name = cleanup.workstation(unique("lc-cli"))
    out = cws(
        lc_home,
        *("launch", "ubuntu-24-server", name, "--region", REGION),
        *("--cidr", "203.0.113.9/32", "--json"),
    )
    assert out.returncode == 0, out.stderr
    launched = json.loads(out.stdout)
    assert launched["instance"]["name"] == name and launched["instance"]["state"] == "running"
    assert launched["instance"]["cidrs"] == ["203.0.113.9/32"]
    assert launched["plan"]["region"] == REGION
    record = next(r for r in service.instances.list().instances if r.name == name)  # seen here
    assert (record.id, record.job_id) == (
        launched["instance"]["id"],
        launched["instance"]["job_id"],
    )
    assert record.state == "running" and record.region == REGION

    built = cws(
        lc_home, "ami", "create", "ubuntu-24-server", name, "--tag", "Course=bio101", "--json"
    )
    assert built.returncode == 0, built.stderr
    build = json.loads(built.stdout)
    cleanup.image(REGION, build["ami_id"])
    assert build["region"] == REGION and build["source_instance"] == record.id
    assert build["creation_status"] == "available" and build["tags"]["Course"] == "bio101"
    assert build["tags"]["cws:template"] == "ubuntu-24-server"
    assert image(service, REGION, build["ami_id"])["State"] == "available"  # seen here too

    listed = cws(
        lc_home, "ami", "list", "--template", "ubuntu-24-server", "--region", REGION, "--json"
    )
    assert listed.returncode == 0, listed.stderr
    rows = {i["ami_id"]: i for i in json.loads(listed.stdout)["images"]}
    assert rows[build["ami_id"]]["current"] is True and rows[build["ami_id"]]["region"] == REGION

    status = cws(lc_home, "ami", "status", "--limit", "100", "--json")
    assert status.returncode == 0, status.stderr
    jobs = {j["job_id"]: j for j in json.loads(status.stdout)["jobs"]}
    assert jobs[build["job_id"]]["kind"] == "ami_create"
    assert jobs[build["job_id"]]["status"] == "succeeded"
    assert jobs[build["job_id"]]["result"]["ami_id"] == build["ami_id"]
    assert jobs[record.job_id]["kind"] == "launch" and jobs[record.job_id]["status"] == "succeeded"

    workstations = cws(lc_home, "list", "--json")
    assert workstations.returncode == 0, workstations.stderr
    mine = [w for w in json.loads(workstations.stdout)["instances"] if w["name"] == name]
    assert [(w["id"], w["state"]) for w in mine] == [(record.id, "running")]


def test_delete_and_terminate_without_yes_exit_2_naming_yes(
    service: CwsService, lc_home: Path, cleanup: Cleanup
) -> None:
    name = cleanup.workstation(unique("lc-cli-yes"))
    made = launch(service, "ubuntu-24-server", name, REGION).instance
    ami_id = cleanup.image(REGION, service.images.create("ubuntu-24-server", name).ami_id)

    refused = cws(lc_home, "ami", "delete", ami_id, "--region", REGION)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert ami_id in own_image_ids(service, REGION)

    refused = cws(lc_home, "terminate", name)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "Traceback" not in refused.stderr
    ec2 = service.access.client("ec2", REGION)
    raw = ec2.describe_instances(InstanceIds=[made.id])["Reservations"][0]["Instances"][0]
    assert raw["State"]["Name"] == "running"


def test_copy_exits_1_when_a_region_failed(
    service: CwsService, lc_home: Path, cleanup: Cleanup
) -> None:
    """CopyImage refused in eu-south-1: exit 1, the failed row names why, eu-west-3 is copied."""
    name = cleanup.workstation(unique("lc-cli-copy"))
    launch(service, "ubuntu-24-server", name, REGION)
    source = cleanup.image(REGION, service.images.create("ubuntu-24-server", name).ami_id)

    out = cws(
        lc_home,
        *("ami", "copy", source, "eu-west-3", "eu-south-1", "--source-region", REGION, "--json"),
        runner=[*FAULTY_CWS, "CopyImage", "eu-south-1", "ResourceLimitExceeded", "--"],
    )
    result = json.loads(out.stdout)
    rows = {r["region"]: r for r in result["rows"]}
    if rows["eu-west-3"]["ami_id"]:
        cleanup.image("eu-west-3", rows["eu-west-3"]["ami_id"])
    assert out.returncode == 1, out.stderr
    assert (result["copied"], result["failed"]) == (1, 1)
    assert rows["eu-south-1"]["status"] == "failed"
    assert "ResourceLimitExceeded" in rows["eu-south-1"]["message"]
    assert rows["eu-west-3"]["status"] == "copied"
    assert image(service, "eu-west-3", rows["eu-west-3"]["ami_id"])["State"] == "available"
    assert own_image_ids(service, "eu-south-1") == set()  # nothing there
