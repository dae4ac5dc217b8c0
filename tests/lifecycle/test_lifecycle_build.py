"""TestAMIManager_CreateAMI and the ``own_build`` tier, against the sandbox over HTTP: a build is
tagged (image and snapshots), found by the resolver, and skipped once its template changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lifecycle_helpers import (
    ACCOUNT,
    Cleanup,
    image,
    launch,
    own_image_ids,
    snapshot_ids,
    snapshots,
    tags_of,
    unique,
)

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.images.tags import template_hash
from cws_jupyter.core.service import CwsService
from cws_jupyter.core.templates.loader import shipped_templates_dir

pytestmark = pytest.mark.sandbox


def test_build_tags_the_image_and_its_snapshots(service: CwsService, cleanup: Cleanup) -> None:
    """The image AND each snapshot carry the template, its hash, who built it, the source
    instance and the image it ran, plus the user's --tag pairs; the build names its snapshots."""
    region = "us-east-2"
    name = cleanup.workstation(unique("lc-build"))
    ws = launch(service, "ubuntu-24-server", name, region).instance
    build = service.images.create(
        "ubuntu-24-server", name, tags=["Project=genomics", "Owner=lab-7"]
    )
    cleanup.image(region, build.ami_id)

    template = service.get_template("ubuntu-24-server").template
    expected = {
        "cws:template": "ubuntu-24-server",
        "cws:template-hash": template_hash(template),
        "cws:created-by": service.catalog.caller_identity()["Arn"],
        "cws:source-instance": ws.id,
        "cws:source-ami": ws.ami_used,
        "Project": "genomics",
        "Owner": "lab-7",
    }
    assert expected["cws:created-by"].startswith(f"arn:aws:sts::{ACCOUNT}:")
    raw = image(service, region, build.ami_id)
    assert tags_of(raw).items() >= expected.items()
    assert raw["State"] == "available" and build.creation_status == "available"
    assert build.region == region and build.source_instance == ws.id  # found by its name

    ids = snapshot_ids(raw)
    assert ids and sorted(build.snapshot_ids) == sorted(ids)
    for snap in snapshots(service, region, ids):
        assert tags_of(snap).items() >= expected.items(), snap["SnapshotId"]
    # the description carries the marker accounts the image is shared with can read
    assert (
        f"[cws:template=ubuntu-24-server cws:template-hash={template_hash(template)}]"
        in (raw["Description"])
    )


@pytest.fixture(scope="module")
def tag_source(service: CwsService) -> Iterator[str]:
    """A workstation the reserved-tag tests try (and fail) to image."""
    cleanup = Cleanup(service)
    name = cleanup.workstation(unique("lc-tags"))
    launch(service, "ubuntu-24-server", name, "us-east-2")
    yield name
    cleanup.run()


@pytest.mark.parametrize(
    "bad_tag", ["cws:template=other", "aws:cloudformation:stack-name=x", "CWS:Team=x"]
)
def test_reserved_tag_keys_are_refused_before_anything_is_made(
    service: CwsService, tag_source: str, bad_tag: str
) -> None:
    """cws: and aws: keys (any case) are BadInput naming field "tags"; no image is created."""
    region, name = "us-east-2", tag_source
    before = own_image_ids(service, region)
    with pytest.raises(BadInput) as caught:
        service.images.create("ubuntu-24-server", name, tags=["Course=bio101", bad_tag])
    assert caught.value.field == "tags"
    assert bad_tag.split("=")[0] in caught.value.message and "reserved" in caught.value.message
    assert own_image_ids(service, region) == before


def test_a_build_is_what_the_template_resolves_to(service: CwsService, cleanup: Cleanup) -> None:
    """After a build (named by its instance id this time), resolve() returns it with method
    own_build (ahead of the SSM parameter that answered before), launched as is."""
    region = "ap-southeast-2"
    before = service.resolve("python-ml", region)
    assert before.resolution_method.value == "ssm_parameter"

    name = cleanup.workstation(unique("lc-own"))
    instance_id = launch(service, "python-ml", name, region).instance.id
    build = service.images.create("python-ml", instance_id, region=region)  # by instance id
    cleanup.image(region, build.ami_id)
    assert build.source_instance == instance_id and build.region == region

    after = service.resolve("python-ml", region)
    assert after.resolution_method.value == "own_build"
    assert after.ami_id == build.ami_id and after.ami.owner_id == ACCOUNT
    assert after.provisioning.value == "none" and not after.copy_required
    hit = [a for a in after.fallback_chain if a.outcome.value == "hit"]
    assert [(a.tier.value, a.ami_id) for a in hit] == [("own_build", build.ami_id)]


def changed_copy(folder: Path, slug: str) -> Path:
    """A copy of a shipped template, one conda package more: what it installs changed."""
    text = (shipped_templates_dir() / f"{slug}.yml").read_text(encoding="utf-8")
    marker = "  conda:\n"
    assert marker in text
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yml"
    path.write_text(text.replace(marker, marker + "    - xgboost\n", 1), encoding="utf-8")
    return path


def test_a_build_of_an_earlier_template_version_is_skipped(
    service: CwsService, fresh, cleanup: Cleanup, tmp_path: Path
) -> None:
    """A build whose cws:template-hash differs from the template's current hash is not used;
    the warning names it and says the template changed. `ami list` marks it not current."""
    region = "us-west-2"
    name = cleanup.workstation(unique("lc-stale"))
    launch(service, "teaching-lab", name, region)
    build = service.images.create("teaching-lab", name)
    cleanup.image(region, build.ami_id)
    assert service.resolve("teaching-lab", region).ami_id == build.ami_id  # current: used

    changed = fresh(template_path=[changed_copy(tmp_path / "templates", "teaching-lab").parent])
    loaded = changed.get_template("teaching-lab")
    assert loaded.path.startswith(str(tmp_path))  # the changed copy shadows the shipped one
    assert template_hash(loaded.template) != build.template_hash

    res = changed.resolve("teaching-lab", region)
    assert res.ami_id != build.ami_id and res.resolution_method.value != "own_build"
    warning = next(w for w in res.warnings if build.ami_id in w)
    assert "template changed" in warning and "teaching-lab" in warning
    own = next(a for a in res.fallback_chain if a.tier.value == "own_build" and a.region == region)
    assert own.outcome.value == "miss" and "earlier template version" in own.reason

    listed = {i.ami_id: i for i in changed.images.list("teaching-lab", [region]).images}
    assert listed[build.ami_id].current is False
    listed = {i.ami_id: i for i in service.images.list("teaching-lab", [region]).images}
    assert listed[build.ami_id].current is True
