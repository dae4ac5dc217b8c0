"""The updater over REST: `GET ami/outdated` (the report) and `POST ami/rebuild` (checked at
once, built as a job); errors as the API's JSON bodies; both in the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from updates_helpers import Cleanup, Lab

from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
REGION = "eu-central-1"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


async def test_outdated_lists_the_templates_images(
    api: Any, service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """template is repeatable; the report names each image's base and the base now."""
    lab = Lab(service, template_dir, REGION, cleanup)
    first = lab.new_base()
    build = lab.build()
    newer = lab.new_base()
    status, report, _ = await api(
        "ami/outdated",
        params=[("template", lab.slug), ("template", "teaching-lab"), ("region", REGION)],
    )
    assert status == 200, report
    assert report["regions"] == [REGION] and report["templates"] == [lab.slug]
    [row] = report["images"]
    assert (row["ami_id"], row["status"], row["built_from"], row["current_base"]) == (
        build.ami_id,
        "outdated",
        first,
        newer,
    )
    assert report["counts"] == {"outdated": 1}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"template": "no-such-template", "region": REGION}, 404, "template"),
        ({"region": "eu-wset-1"}, 400, "region"),
        ({"region": REGION, "all_regions": "true"}, 400, "all_regions"),
        ({"all_regions": "maybe"}, 400, "all_regions"),
    ],
    ids=["unknown-template", "bad-region", "both-region-options", "bad-flag"],
)
async def test_outdated_refuses_bad_queries(
    api: Any, params: dict[str, str], status: int, field: str
) -> None:
    code, body, _ = await api("ami/outdated", params=params)
    assert code == status, body
    assert body["field"] == field and body["message"]


async def test_rebuild_is_a_job(
    api: Any, wait_job: Any, service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """202 at once with the base and the builds it supersedes; the job builds the new image."""
    lab = Lab(service, template_dir, REGION, cleanup)
    lab.new_base()
    old = lab.build()
    newer = lab.new_base()
    body = {"template": lab.slug, "region": REGION, "grace_days": 5}
    status, accepted, response = await api("ami/rebuild", method="POST", body=body)
    assert status == 202, accepted
    assert response.headers["Location"] == accepted["url"]
    assert (accepted["template"], accepted["region"], accepted["base_ami"]) == (
        lab.slug,
        REGION,
        newer,
    )
    assert accepted["supersedes"] == [old.ami_id] and accepted["grace_days"] == 5
    job = await wait_job(accepted["url"])
    assert job["status"] == "succeeded", job
    cleanup.image(REGION, job["result"]["ami_id"])
    assert job["kind"] == "ami_rebuild" and job["result"]["base"]["ami_id"] == newer
    assert job["result"]["build"]["tags"]["cws:base-ami"] == newer
    assert [r["ami_id"] for r in job["result"]["deprecated"]] == [old.ami_id]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"template": "deep-learning-gpu", "region": "us-east-1"}, 409, "template"),
        ({"template": "ubuntu-24-server", "region": "ca-central-1"}, 409, "region"),
        ({"template": "ubuntu-24-server", "grace_days": 0}, 400, "grace_days"),
        ({"template": "ubuntu-24-server", "grace_days": "5"}, 400, "grace_days"),
        ({"template": "ubuntu-24-server", "yes": True}, 400, "yes"),
        ({}, 400, "template"),
        ({"template": "no-such-template"}, 404, "template"),
    ],
    ids=[
        "ami-only",
        "no-base",
        "grace-zero",
        "grace-string",
        "unknown-field",
        "no-template",
        "unknown-template",
    ],
)
async def test_rebuild_refuses_before_any_job(
    api: Any, body: dict[str, Any], status: int, field: str
) -> None:
    code, error, _ = await api("ami/rebuild", method="POST", body=body)
    assert code == status, error
    assert error["field"] == field


def test_both_routes_are_in_the_committed_openapi_document() -> None:
    """The committed document was regenerated with the routes (and their models)."""
    doc = json.loads(DOCS.read_text(encoding="utf-8"))
    paths = {path.rsplit("/cws/api/v1", 1)[-1]: ops for path, ops in doc["paths"].items()}
    assert paths["/ami/outdated"]["get"]["operationId"] == "outdatedAmis"
    assert paths["/ami/rebuild"]["post"]["operationId"] == "rebuildAmi"
    for model in ("OutdatedReport", "OutdatedImage", "RebuildRequest", "RebuildAccepted"):
        assert model in doc["components"]["schemas"], model
