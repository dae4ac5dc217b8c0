"""The AMI lifecycle and workstations over REST: launch, build, list, inspect, share, copy,
deprecate, publish, delete, stop/start/terminate; jobs from any front door (the CLI too)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cws_testing import isolated_environ

pytestmark = pytest.mark.sandbox
REGION = "eu-west-1"


async def launch(api: Any, wait_job: Any, name: str, **extra: Any) -> dict[str, Any]:
    """POST instances and wait for the job; the succeeded job."""
    body = {"template": "ubuntu-24-server", "name": name, "region": REGION, **extra}
    status, accepted, response = await api("instances", method="POST", body=body)
    assert status == 202, accepted
    assert response.headers["Location"] == accepted["url"] and accepted["name"] == name
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    return job


async def test_launch_list_stop_start_terminate(api: Any, wait_job: Any) -> None:
    """A workstation's whole life over REST, each action a job with its result."""
    job = await launch(api, wait_job, "rest-life", cidrs=["203.0.113.7/32"])
    assert job["kind"] == "launch"
    record = job["result"]["instance"]
    assert record["state"] == "running" and record["region"] == REGION
    assert record["id"].startswith("i-") and record["cidrs"] == ["203.0.113.7/32"]
    assert job["resources"]["instance"]["id"] == record["id"]

    status, listing, _ = await api("instances")
    assert status == 200
    assert "rest-life" in {i["name"] for i in listing["instances"]}

    for action, state in (("stop", "stopped"), ("start", "running"), ("terminate", "terminated")):
        status, accepted, _ = await api(f"instances/rest-life/{action}", method="POST")
        assert status == 202, accepted
        done = await wait_job(accepted["url"])
        assert done["status"] == "succeeded" and done["kind"] == f"instance_{action}", done
        assert done["result"]["instance"]["state"] == state
    _, listing, _ = await api("instances")
    assert "rest-life" not in {i["name"] for i in listing["instances"]}
    _, everything, _ = await api("instances", params={"all": "true"})
    assert "rest-life" in {i["name"] for i in everything["instances"]}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"template": "ubuntu-24-server"}, 400, "name"),
        ({"template": "ubuntu-24-server", "name": "bad name!"}, 400, "name"),
        ({"template": "nope", "name": "x1"}, 404, "template"),
        ({"template": "ubuntu-24-server", "name": "x2", "cidrs": ["0.0.0.0/0"]}, 400, "cidr"),
        ({"template": "ubuntu-24-server", "name": "x3", "region": "mars-1"}, 400, "region"),
        ({"template": "ubuntu-24-server", "name": "x4", "colour": "blue"}, 400, "colour"),
    ],
)
async def test_bad_launches_are_refused_at_once(
    api: Any, body: dict[str, Any], status: int, field: str
) -> None:
    """Bad input never becomes a job: the field at fault is named."""
    got, error, response = await api("instances", method="POST", body=body)
    assert got == status, error
    assert error["field"] == field and "Location" not in response.headers


async def test_dry_run_answers_the_plan_and_makes_nothing(api: Any) -> None:
    """dry_run: 200 with the plan, its price and AWS's DryRun verdicts; no workstation."""
    body = {"template": "python-ml", "name": "rest-dry", "region": REGION, "dry_run": True}
    status, plan, _ = await api("instances", method="POST", body=body)
    assert status == 200, plan
    assert plan["dry_run"] is True and plan["instance_type"] and plan["hourly_price"] > 0
    assert any(c.startswith("RunInstances: would succeed") for c in plan["checks"]), plan
    _, listing, _ = await api("instances")
    assert "rest-dry" not in {i["name"] for i in listing["instances"]}


async def test_a_name_in_use_is_409(api: Any, wait_job: Any) -> None:
    """A second workstation with a live one's name is refused before any job."""
    await launch(api, wait_job, "rest-twice")
    body = {"template": "ubuntu-24-server", "name": "rest-twice", "region": REGION}
    status, error, _ = await api("instances", method="POST", body=body)
    assert status == 409 and error["error"] == "conflict" and error["field"] == "name"


async def test_unknown_workstation_or_action_is_404(api: Any) -> None:
    """Actions on nothing, or unknown actions, are 404 before any job."""
    status, error, _ = await api("instances/nobody-here/stop", method="POST")
    assert status == 404 and error["field"] == "name"
    status, error, _ = await api("instances/nobody-here/explode", method="POST")
    assert status == 404 and error["field"] == "action"


async def test_build_share_copy_publish_delete(api: Any, wait_job: Any) -> None:
    """POST ami/create answers the spec's fields at once; the job builds; the rest follows."""
    await launch(api, wait_job, "rest-builder")
    body = {
        "template": "ubuntu-24-server",
        "instance_id": "rest-builder",
        "tags": {"course": "bio101"},
    }
    status, accepted, _ = await api("ami/create", method="POST", body=body)
    assert status == 202, accepted
    ami_id = accepted["ami_id"]
    assert ami_id.startswith("ami-") and accepted["creation_status"] == "pending"
    assert accepted["estimated_completion"] and accepted["region"] == REGION
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    assert job["result"]["creation_status"] == "available" and job["result"]["ami_id"] == ami_id
    assert job["result"]["tags"]["course"] == "bio101"

    status, listing, _ = await api("ami", params={"template": "ubuntu-24-server", "region": REGION})
    assert status == 200 and ami_id in {i["ami_id"] for i in listing["images"]}

    status, info, _ = await api(f"ami/{ami_id}", params={"region": REGION})
    assert status == 200 and info["owned"] is True and info["template"] == "ubuntu-24-server"
    assert info["snapshots"] and info["monthly_storage_usd"] > 0

    share = {"targets": ["210987654321"], "region": REGION}
    status, shared, _ = await api(f"ami/{ami_id}/share", method="POST", body=share)
    assert status == 200 and "210987654321" in shared["shares"] and shared["snapshots_shared"]
    status, error, _ = await api(
        f"ami/{ami_id}/share", method="POST", body={"targets": ["all"], "region": REGION}
    )
    assert status == 400 and error["field"] == "targets" and "--public" in error["message"]

    copy = {"regions": ["eu-central-1", "us-east-1"], "source_region": REGION}
    status, accepted, _ = await api(f"ami/{ami_id}/copy", method="POST", body=copy)
    assert status == 202, accepted
    copied = await wait_job(accepted["url"])
    assert copied["status"] == "succeeded" and copied["kind"] == "ami_copy", copied
    assert {row["region"]: row["status"] for row in copied["result"]["rows"]} == {
        "eu-central-1": "copied",
        "us-east-1": "copied",
    }

    status, error, _ = await api(
        f"ami/{ami_id}/deprecate", method="POST", body={"at": "2030-01-01", "region": REGION}
    )
    assert status == 409 and error["error"] == "unsupported" and "sandbox" in error["message"]

    publish = {"parameter": "/rest-lab/ami/ubuntu", "region": REGION}
    status, published, _ = await api(f"ami/{ami_id}/publish", method="POST", body=publish)
    assert status == 200 and published["parameter"] == "/rest-lab/ami/ubuntu"

    status, deleted, _ = await api(f"ami/{ami_id}", method="DELETE", params={"region": REGION})
    assert status == 200 and deleted["deregistered"] and deleted["snapshots_deleted"]
    status, error, _ = await api(f"ami/{ami_id}", params={"region": REGION})
    assert status == 404 and error["field"] == "ami_id"


@pytest.mark.parametrize(
    ("path", "method", "body", "field"),
    [
        ("ami/ami-NOTHEX/share", "POST", {"targets": ["123456789012"]}, "ami_id"),
        ("ami/ami-0123456789abcdef0/share", "POST", {"targets": ["nobody"]}, "targets"),
        ("ami/ami-0123456789abcdef0/copy", "POST", {"regions": []}, "regions"),
        ("ami/ami-0123456789abcdef0/deprecate", "POST", {"at": "someday"}, "at"),
        ("ami/ami-0123456789abcdef0/publish", "POST", {"parameter": "/aws/x"}, "parameter"),
        (
            "ami/create",
            "POST",
            {"template": "python-ml", "instance_id": "i-x", "public": True},
            "public",
        ),
        ("ami", "GET", None, "all_regions"),
    ],
)
async def test_bad_image_requests_name_the_field(
    api: Any, path: str, method: str, body: Any, field: str
) -> None:
    """Malformed image requests are 400 naming the field, before any AWS change."""
    params = {"all_regions": "maybe"} if field == "all_regions" else None
    status, error, _ = await api(path, method=method, body=body, params=params)
    assert status == 400, error
    assert error["field"] == field


async def test_someone_elses_image_cannot_be_deleted(api: Any) -> None:
    """A world image owned by the community account: 409 naming the owner."""
    _, listing, _ = await api("ami/resolve/r-research", params={"region": "us-west-2"})
    foreign = listing["ami_id"]
    status, error, _ = await api(f"ami/{foreign}", method="DELETE", params={"region": "us-west-2"})
    assert status == 409 and "210987654321" in error["message"]


async def test_jobs_from_the_cli_are_seen_over_rest(
    api: Any, wait_job: Any, cws_home: Path, tmp_path: Path
) -> None:
    """A build started by `cws` in a terminal (another process) is listed by GET jobs."""
    await launch(api, wait_job, "rest-cli-builder")
    env = {**isolated_environ(cws_home), "HOME": str(tmp_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cws_jupyter.cli.main",
            "--sandbox",
            "ami",
            "create",
            "ubuntu-24-server",
            "rest-cli-builder",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    build = json.loads(out.stdout)
    status, listing, _ = await api("jobs", params={"limit": "50"})
    assert status == 200
    mine = [j for j in listing["jobs"] if j["job_id"] == build["job_id"]]
    assert mine and mine[0]["kind"] == "ami_create" and mine[0]["status"] == "succeeded"
    assert mine[0]["owner"].split(":")[1] != str(__import__("os").getpid())
    status, job, _ = await api(f"jobs/{build['job_id']}")
    assert status == 200 and job["result"]["ami_id"] == build["ami_id"]
    status, error, _ = await api("jobs", params={"limit": "0"})
    assert status == 400 and error["field"] == "limit"


async def test_costs_can_count_stored_images(api: Any) -> None:
    """GET ami/costs/{t}?stored=true adds the stored images; without it, none are looked up."""
    status, plain, _ = await api("ami/costs/teaching-lab", params={"region": REGION})
    assert status == 200 and plain["stored_images"] is None
    status, costs, _ = await api(
        "ami/costs/teaching-lab", params={"region": REGION, "stored": "true"}
    )
    assert status == 200, costs
    stored = costs["stored_images"]
    assert stored["template"] == "teaching-lab" and stored["recommendation"]
