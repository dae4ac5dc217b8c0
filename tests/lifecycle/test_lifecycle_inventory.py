"""An image's later life against the sandbox: `ami list` (template filter, regions, current),
`ami info` (owner, age, tags, shares, snapshots, copies, monthly cost), `ami delete` (only with
yes, only your own, snapshots too), `ami deprecate` (clearly unsupported by the sandbox) and
`ami publish` (an SSM parameter of type aws:ec2:image)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from lifecycle_helpers import (
    ACCOUNT,
    COMMUNITY,
    COMMUNITY_IMAGE,
    Cleanup,
    image,
    launch,
    on_send,
    own_image_ids,
    snapshot_ids,
    unique,
)

from cws_jupyter.core.errors import BadInput, Conflict, NotFound, Unsupported
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
REGION, COPY_REGION = "eu-central-1", "eu-west-3"
TEMPLATE = "deep-learning-gpu"


@dataclass
class Stored:
    """A build and one copy of it."""

    ami_id: str
    copy_id: str


@pytest.fixture(scope="module")
def stored(service: CwsService) -> Iterator[Stored]:
    """A build of deep-learning-gpu in eu-central-1 and its copy in eu-west-3 (read-only use)."""
    cleanup = Cleanup(service)
    name = cleanup.workstation(unique("lc-inv"))
    launch(service, TEMPLATE, name, REGION)
    build = service.images.create(TEMPLATE, name)
    cleanup.image(REGION, build.ami_id)
    copy = service.images.copy(build.ami_id, [COPY_REGION], source_region=REGION).rows[0]
    assert copy.status == "copied", copy.message
    cleanup.image(COPY_REGION, copy.ami_id)
    yield Stored(build.ami_id, copy.ami_id)
    cleanup.run()


def test_list_filters_by_template_and_region(service: CwsService, stored: Stored) -> None:
    """Builds and copies of the template in the regions asked; not other templates' builds, not
    the account's images that cws did not build (the world's teaching-lab image)."""
    listed = service.images.list(TEMPLATE, [REGION, COPY_REGION])
    assert listed.regions == [REGION, COPY_REGION] and listed.template == TEMPLATE
    rows = {i.ami_id: i for i in listed.images}
    assert set(rows) == {stored.ami_id, stored.copy_id}
    build, copy = rows[stored.ami_id], rows[stored.copy_id]
    assert (build.region, build.source_ami) == (REGION, None)
    assert (copy.region, copy.source_ami) == (COPY_REGION, stored.ami_id)
    for row in (build, copy):
        assert row.template == TEMPLATE and row.current is True
        assert row.owned and row.owner_id == ACCOUNT and row.state == "available"

    only_here = service.images.list(TEMPLATE, [REGION]).images
    assert [i.ami_id for i in only_here] == [stored.ami_id]
    assert stored.ami_id not in {
        i.ami_id for i in service.images.list("python-ml", [REGION]).images
    }

    everything = {i.ami_id: i for i in service.images.list(None, [REGION]).images}
    assert stored.ami_id in everything
    world_lab = own_image_ids(service, REGION) - set(everything)
    assert world_lab  # owned by the account, but not built by cws: not listed


def test_info_tells_owner_age_tags_shares_snapshots_copies_and_cost(
    service: CwsService, stored: Stored
) -> None:
    info = service.images.info(stored.ami_id, REGION)
    assert (info.owner_id, info.owned, info.state) == (ACCOUNT, True, "available")
    assert info.age_days == 0 and info.created
    assert info.template == TEMPLATE and info.tags["cws:template"] == TEMPLATE
    assert info.tags["cws:template-hash"] == info.template_hash
    assert info.shares == []

    raw = image(service, REGION, stored.ami_id)
    assert [s.snapshot_id for s in info.snapshots] == snapshot_ids(raw)
    assert all(s.size_gb > 0 for s in info.snapshots)
    assert info.snapshot_gb == sum(s.size_gb for s in info.snapshots)
    assert [(c.region, c.ami_id, c.state) for c in info.copies] == [
        (COPY_REGION, stored.copy_id, "available")
    ]
    assert info.regions_holding == [REGION, COPY_REGION]
    prices = service.prices
    expected = info.snapshot_gb * (
        prices.snapshot_gb_month(REGION) + prices.snapshot_gb_month(COPY_REGION)
    )
    assert info.monthly_storage_usd > 0
    assert info.monthly_storage_usd == pytest.approx(expected, abs=1e-4)


def test_info_shows_who_it_is_shared_with(service: CwsService, cleanup: Cleanup) -> None:
    name = cleanup.workstation(unique("lc-inv-share"))
    launch(service, TEMPLATE, name, REGION)
    ami_id = cleanup.image(REGION, service.images.create(TEMPLATE, name).ami_id)
    service.images.share(ami_id, ["111122223333"], REGION)
    assert service.images.info(ami_id, REGION).shares == ["111122223333"]


def test_info_of_an_image_another_account_owns(service: CwsService) -> None:
    """A community image: its owner and age, but its shares and snapshots are private."""
    info = service.images.info(COMMUNITY_IMAGE, "us-east-1")
    assert info.owner_id == COMMUNITY and not info.owned
    assert info.age_days is not None and info.age_days > 30
    assert info.shares == [] and info.snapshots == [] and info.copies == []
    assert any("another account" in n for n in info.notes)


def test_delete_needs_yes(service: CwsService, stored: Stored) -> None:
    with pytest.raises(BadInput) as caught:
        service.images.delete(stored.copy_id, COPY_REGION)
    assert caught.value.field == "yes" and "--yes" in caught.value.message
    assert image(service, COPY_REGION, stored.copy_id)["State"] == "available"


def test_delete_refuses_an_image_another_account_owns(service: CwsService) -> None:
    with pytest.raises(Conflict) as caught:
        service.images.delete(COMMUNITY_IMAGE, "us-east-1", yes=True)
    assert COMMUNITY in caught.value.message and caught.value.field == "ami_id"
    assert image(service, "us-east-1", COMMUNITY_IMAGE)["State"] == "available"


def test_delete_deregisters_and_deletes_the_snapshots(
    service: CwsService, cleanup: Cleanup
) -> None:
    name = cleanup.workstation(unique("lc-del"))
    launch(service, TEMPLATE, name, REGION)
    ami_id = cleanup.image(REGION, service.images.create(TEMPLATE, name).ami_id)
    snaps = snapshot_ids(image(service, REGION, ami_id))
    assert snaps

    result = service.images.delete(ami_id, REGION, yes=True)
    assert result.deregistered and sorted(result.snapshots_deleted) == sorted(snaps)
    assert result.snapshots_kept == {}
    assert ami_id not in own_image_ids(service, REGION)
    ec2 = service.access.client("ec2", REGION)
    left = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert not {s["SnapshotId"] for s in left} & set(snaps)
    with pytest.raises(NotFound):
        service.images.info(ami_id, REGION)
    assert ami_id not in {i.ami_id for i in service.images.list(TEMPLATE, [REGION]).images}


def test_deprecate_is_clearly_unsupported_by_the_sandbox(
    service: CwsService, fresh, stored: Stored
) -> None:
    """moto lacks EnableImageDeprecation: the sandbox answers UnsupportedOperation, once (not an
    HTML 500 that botocore retries and cannot parse), and that is a clear Unsupported."""
    svc = fresh()
    sent = on_send(svc, REGION, "EnableImageDeprecation", lambda request, params: None)
    with pytest.raises(Unsupported) as caught:
        svc.images.deprecate(stored.ami_id, "2031-01-31", REGION)
    assert "EnableImageDeprecation" in caught.value.message
    assert "sandbox" in caught.value.message
    assert caught.value.details["aws_code"] == "UnsupportedOperation"
    assert len(sent) == 1 and sent[0]["ImageId"] == stored.ami_id  # asked once, no retries
    assert "DeprecationTime" not in image(service, REGION, stored.ami_id)


def test_publish_writes_an_ssm_parameter_of_type_ec2_image(
    service: CwsService, stored: Stored
) -> None:
    parameter = f"/cws-lab/ami/{unique('dlgpu')}"
    first = service.images.publish(stored.ami_id, parameter, REGION)
    assert (first.parameter, first.version, first.region) == (parameter, 1, REGION)
    assert parameter in first.hint

    ssm = service.access.client("ssm", REGION)
    found = ssm.get_parameter(Name=parameter)["Parameter"]
    assert found["Value"] == stored.ami_id and found["DataType"] == "aws:ec2:image"
    assert found["Type"] == "String"

    again = service.images.publish(stored.ami_id, parameter, REGION)  # overwritten, next version
    assert again.version == 2
    assert ssm.get_parameter(Name=parameter)["Parameter"]["Version"] == 2


@pytest.mark.parametrize(
    "name", ["/aws/service/my-ami", "aws-lab/ami", "/ssm/ami", "SSM-things", "bad name!", ""]
)
def test_publish_refuses_reserved_or_malformed_names(
    service: CwsService, stored: Stored, name: str
) -> None:
    with pytest.raises(BadInput) as caught:
        service.images.publish(stored.ami_id, name, REGION)
    assert caught.value.field == "parameter"
    if name:
        ssm = service.access.client("ssm", REGION)
        with pytest.raises(ssm.exceptions.ParameterNotFound):
            ssm.get_parameter(Name=name)


def test_publish_refuses_an_image_that_is_not_there(service: CwsService) -> None:
    with pytest.raises(NotFound) as caught:
        service.images.publish("ami-0123456789abcdef0", "/cws-lab/ami/nothing", REGION)
    assert "ami-0123456789abcdef0" in caught.value.message and REGION in caught.value.message
