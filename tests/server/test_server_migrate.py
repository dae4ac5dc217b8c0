"""The migration tools over REST: analyze, a template's ami_config copy, a workstation migrated
into an AMI (a job), every template resolved in every region (a job)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.sandbox
SLUG = "zz-rest-migrate"
PLAIN = textwrap.dedent(
    f"""\
    name: REST migration lab
    slug: {SLUG}
    base: ubuntu-24.04
    package_manager: apt
    packages:
      system: [git, python3-venv]
    instance_defaults:
      type: t3.small
    """
)


@pytest.fixture
def user_template(cws_home: Path) -> Iterator[Path]:
    """A plain template (no ami_config) in the user's folder, written while the server runs."""
    folder = cws_home / "config" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SLUG}.yml"
    path.write_text(PLAIN)
    yield path
    path.unlink(missing_ok=True)


async def test_analyze_weighs_every_template(api: Any) -> None:
    """One row per template with a verdict; a chosen template and a launch rate are honoured."""
    status, report, _ = await api("migrate/analyze", params={"region": "eu-west-1"})
    assert status == 200, report
    rows = {row["template"]: row for row in report["rows"]}
    assert {"python-ml", "teaching-lab", "r-research"} <= set(rows)
    assert all(row["verdict"] and row["reason"] for row in rows.values())
    status, one, _ = await api(
        "migrate/analyze", params={"template": "r-research", "launches": "100"}
    )
    assert status == 200 and [r["template"] for r in one["rows"]] == ["r-research"]
    assert one["launches_per_month"] == 100
    status, error, _ = await api("migrate/analyze", params={"launches": "lots"})
    assert status == 400 and error["field"] == "launches"


async def test_a_template_with_an_ami_config_is_409_and_unknown_is_404(api: Any) -> None:
    """Nothing is overwritten without force; an unknown template is named."""
    status, error, _ = await api("migrate/template/python-ml", method="POST")
    assert status == 409 and error["error"] == "conflict", error
    status, error, _ = await api("migrate/template/no-such-lab", method="POST", body={})
    assert status == 404 and error["field"] == "template"


async def test_the_server_sees_a_template_written_while_it_runs(
    api: Any, user_template: Path
) -> None:
    """A template file added after the server read its templates is found (no restart)."""
    status, loaded, _ = await api(f"templates/{SLUG}")
    assert status == 200 and loaded["path"] == str(user_template)


async def test_migrating_a_workstation_maps_its_new_ami(
    api: Any, wait_job: Any, user_template: Path
) -> None:
    """Launch from a plain template, migrate it: the copy maps the AMI, and it now resolves."""
    body = {"template": SLUG, "name": "rest-migrant", "region": "eu-west-1"}
    status, accepted, _ = await api("instances", method="POST", body=body)
    assert status == 202, accepted
    launched = await wait_job(accepted["url"])
    assert launched["status"] == "succeeded", launched
    assert launched["result"]["instance"]["provisioning"] == "script"

    # the original lives in the user folder itself: replacing it needs force
    force = {"force": True}
    status, accepted, _ = await api("migrate/instance/rest-migrant", method="POST", body=force)
    assert status == 202, accepted
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded" and job["kind"] == "migrate_instance", job["error"]
    migration = job["result"]
    ami = migration["ami_id"]
    assert migration["template_copy"]["mappings"] == {"eu-west-1": ami}
    assert "ami_config" in user_template.read_text()

    status, resolution, _ = await api(f"ami/resolve/{SLUG}", params={"region": "eu-west-1"})
    assert status == 200 and resolution["ami_id"] == ami, resolution
    await api("instances/rest-migrant/terminate", method="POST")
    await api(f"ami/{ami}", method="DELETE", params={"region": "eu-west-1"})

    status, error, _ = await api("migrate/instance/nobody-at-all", method="POST")
    assert status == 404 and error["field"] == "name"


async def test_test_all_is_a_job_whose_failures_are_rows(api: Any, wait_job: Any) -> None:
    """Every template x region; an ami_required template absent from a region is a row."""
    body = {"templates": ["amazon-linux-2023", "python-ml"], "regions": ["eu-west-1", "ap-south-1"]}
    status, accepted, _ = await api("migrate/test-all", method="POST", body=body)
    assert status == 202, accepted
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    rows = {(r["template"], r["region"]): r for r in job["result"]["rows"]}
    assert len(rows) == 4
    assert rows[("python-ml", "eu-west-1")]["ok"] is True
    failed = rows[("amazon-linux-2023", "ap-south-1")]
    assert failed["ok"] is False and failed["error"]
    status, error, _ = await api("migrate/test-all", method="POST", body={"regions": ["mars-1"]})
    assert status == 400 and error["field"] == "region"
