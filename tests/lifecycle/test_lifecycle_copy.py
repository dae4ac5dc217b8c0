"""TestAMIManager_MultiRegionDeployment against the sandbox: an image copied to several regions at
once, each copy (and its snapshots) carrying the source's tags plus where it came from; a second
run skips the regions that already hold a copy."""

from __future__ import annotations

import threading

import pytest
from lifecycle_helpers import (
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
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
SOURCE = "ap-northeast-1"
TARGETS = ["us-west-1", "ca-central-1", "eu-north-1"]


def test_copies_go_out_in_parallel_tagged_and_a_rerun_skips_them(
    service: CwsService, fresh, cleanup: Cleanup
) -> None:
    name = cleanup.workstation(unique("lc-copy"))
    launch(service, "amazon-linux-2023", name, SOURCE)
    build = service.images.create("amazon-linux-2023", name, tags=["Course=cs101"])
    cleanup.image(SOURCE, build.ami_id)
    source_tags = tags_of(image(service, SOURCE, build.ami_id))

    # Each CopyImage waits at a barrier that opens only once every region's CopyImage is on
    # the wire: copies made one after another would break it (and fail their rows).
    copier = fresh()
    together = threading.Barrier(len(TARGETS), timeout=30)

    def wait_for_the_others(**_: object) -> None:
        together.wait()  # (returns nothing: the request then goes on to the sandbox)

    copier.access.session.events.register("before-send.ec2.CopyImage", wait_for_the_others)
    for region in TARGETS:  # clients are made one at a time: keep that out of the race
        copier.access.client("ec2", region)
    result = copier.images.copy(build.ami_id, TARGETS, source_region=SOURCE)
    rows = result.by_region()
    for region in TARGETS:
        if rows[region].ami_id:
            cleanup.image(region, rows[region].ami_id)

    assert [r.region for r in result.rows] == TARGETS
    assert {r.status for r in result.rows} == {"copied"}, result.rows
    assert (result.copied, result.skipped, result.failed) == (3, 0, 0)
    assert not together.broken  # all three copies were on the wire at the same time

    expected = {
        **{k: v for k, v in source_tags.items() if not k.startswith("aws:")},
        "cws:source-ami": build.ami_id,
        "cws:source-region": SOURCE,
    }
    assert expected["Course"] == "cs101" and expected["cws:template"] == "amazon-linux-2023"
    for region in TARGETS:
        copy = image(service, region, rows[region].ami_id)
        assert copy["State"] == "available" and copy["Name"] == build.name
        assert tags_of(copy) == expected, region
        ids = snapshot_ids(copy)
        assert ids, region
        for snap in snapshots(service, region, ids):
            assert tags_of(snap) == expected, (region, snap["SnapshotId"])

    job = service.jobs.get(result.job_id)
    assert job.kind == "ami_copy" and job.status.value == "succeeded"
    assert {r["region"]: r["ami_id"] for r in job.result["rows"]} == {
        region: rows[region].ami_id for region in TARGETS
    }

    # Again, plus one new region: the three are skipped (naming their copy), one is copied.
    held = {region: own_image_ids(service, region) for region in TARGETS}
    again = service.images.copy(build.ami_id, [*TARGETS, "sa-east-1"], source_region=SOURCE)
    again_rows = again.by_region()
    if again_rows["sa-east-1"].ami_id:
        cleanup.image("sa-east-1", again_rows["sa-east-1"].ami_id)
    assert (again.copied, again.skipped, again.failed) == (1, 3, 0)
    for region in TARGETS:
        row = again_rows[region]
        assert row.status == "skipped" and row.ami_id == rows[region].ami_id
        assert rows[region].ami_id in row.message
        assert own_image_ids(service, region) == held[region]  # nothing new there
    assert again_rows["sa-east-1"].status == "copied"
    assert tags_of(image(service, "sa-east-1", again_rows["sa-east-1"].ami_id))[
        "cws:source-ami"
    ] == (build.ami_id)


def test_a_copy_request_is_checked_first(service: CwsService) -> None:
    """Unknown regions and a copy into the source region itself are BadInput, before any AWS
    call that could copy."""
    with pytest.raises(BadInput) as caught:
        service.images.copy("ami-05b364d594dcfd9a4", ["eu-west-9"], source_region="us-east-1")
    assert caught.value.field == "region" and "eu-west-9" in caught.value.message
    with pytest.raises(BadInput) as caught:
        service.images.copy("ami-05b364d594dcfd9a4", ["us-east-1"], source_region="us-east-1")
    assert caught.value.field == "regions" and "--encrypt" in caught.value.message
