"""TestAMIManager_ShareAMI against the sandbox: accounts, organizations and OUs get launch
permission, accounts also read the snapshots, malformed targets are named, public needs both
--public and --yes, and --remove takes permissions away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lifecycle_helpers import Cleanup, image, launch, snapshot_ids, unique

from cws_jupyter.core.errors import BadInput, Conflict
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
REGION = "us-west-2"
ACCOUNT_A, ACCOUNT_B = "111122223333", "444455556666"
ORG = "arn:aws:organizations::123456789012:organization/o-abcd123456"
OU = "arn:aws:organizations::123456789012:ou/o-abcd123456/ou-ab12-cdef3456"


def new_build(service: CwsService, cleanup: Cleanup) -> str:
    """A fresh build of ubuntu-24-desktop, shared with no one yet (removed by ``cleanup``)."""
    name = cleanup.workstation(unique("lc-share"))
    launch(service, "ubuntu-24-desktop", name, REGION)
    made = service.images.create("ubuntu-24-desktop", name)
    return cleanup.image(REGION, made.ami_id)


@pytest.fixture
def build(service: CwsService, cleanup: Cleanup) -> str:
    """A build of this test's own (for tests that change who may launch it)."""
    return new_build(service, cleanup)


@pytest.fixture(scope="module")
def unshared(service: CwsService) -> Iterator[str]:
    """One build for the tests that must leave it unshared (they check nothing changed)."""
    cleanup = Cleanup(service)
    yield new_build(service, cleanup)
    cleanup.run()


def launch_permissions(service: CwsService, ami_id: str) -> list[dict[str, str]]:
    ec2 = service.access.client("ec2", REGION)
    reply = ec2.describe_image_attribute(ImageId=ami_id, Attribute="launchPermission")
    return reply["LaunchPermissions"]


def volume_permissions(service: CwsService, snapshot_id: str) -> list[dict[str, str]]:
    ec2 = service.access.client("ec2", REGION)
    reply = ec2.describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    return reply["CreateVolumePermissions"]


def test_share_with_accounts_an_organization_and_an_ou(service: CwsService, build: str) -> None:
    """Each target kind becomes its own launch permission; the account targets (only they)
    can read the image's snapshots (createVolumePermission), so they can copy it."""
    result = service.images.share(build, [ACCOUNT_A, ACCOUNT_B, ORG, OU], REGION)
    assert result.added == [ACCOUNT_A, ACCOUNT_B, ORG, OU] and not result.public
    assert sorted(result.shares) == sorted([ACCOUNT_A, ACCOUNT_B, ORG, OU])

    permissions = launch_permissions(service, build)
    assert {p.get("UserId") for p in permissions} - {None} == {ACCOUNT_A, ACCOUNT_B}
    assert [p["OrganizationArn"] for p in permissions if "OrganizationArn" in p] == [ORG]
    assert [p["OrganizationalUnitArn"] for p in permissions if "OrganizationalUnitArn" in p] == [OU]
    assert not any(p.get("Group") == "all" for p in permissions)

    snaps = snapshot_ids(image(service, REGION, build))
    assert snaps and sorted(result.snapshots_shared) == sorted(snaps)
    for snapshot_id in snaps:
        readers = volume_permissions(service, snapshot_id)
        assert sorted(p["UserId"] for p in readers) == [ACCOUNT_A, ACCOUNT_B]
    assert any("organization or OU" in w for w in result.warnings)  # they cannot read them


def test_remove_takes_the_permissions_away(service: CwsService, build: str) -> None:
    """--remove unshares the named targets only (and their snapshot access)."""
    service.images.share(build, [ACCOUNT_A, ACCOUNT_B, OU], REGION)
    result = service.images.share(build, [ACCOUNT_A, OU], REGION, remove=True)
    assert result.removed == [ACCOUNT_A, OU] and result.added == []
    assert result.shares == [ACCOUNT_B]
    assert launch_permissions(service, build) == [{"UserId": ACCOUNT_B}]
    for snapshot_id in snapshot_ids(image(service, REGION, build)):
        assert volume_permissions(service, snapshot_id) == [{"UserId": ACCOUNT_B}]


@pytest.mark.parametrize(
    "target",
    [
        "12345",
        "1111222233334",
        "arn:aws:organizations::123456789012:organization/o-x",
        "arn:aws:organizations::123456789012:ou/o-abcd123456/ou-x",
        "everyone",
    ],
)
def test_a_malformed_target_is_named_with_the_forms_expected(
    service: CwsService, unshared: str, target: str
) -> None:
    """BadInput naming the target and the three forms; nothing is shared (not even the
    well-formed targets given with it)."""
    with pytest.raises(BadInput) as caught:
        service.images.share(unshared, [ACCOUNT_A, target], REGION)
    message = caught.value.message
    assert caught.value.field == "targets" and repr(target) in message
    for form in ("12-digit account id", "organization ARN", "OU ARN"):
        assert form in message
    assert launch_permissions(service, unshared) == []


@pytest.mark.parametrize(
    ("public", "yes"), [(False, False), (True, False), (False, True)], ids=["none", "public", "yes"]
)
def test_all_is_refused_without_public_and_yes(
    service: CwsService, unshared: str, public: bool, yes: bool
) -> None:
    """'all' makes the image public: refused unless both --public and --yes are given."""
    with pytest.raises(BadInput) as caught:
        service.images.share(unshared, ["all"], REGION, public=public, yes=yes)
    assert "--public --yes" in caught.value.message and caught.value.field == "targets"
    assert image(service, REGION, unshared)["Public"] is False
    assert launch_permissions(service, unshared) == []


def test_public_with_both_says_block_public_access_was_not_checked(
    service: CwsService, build: str
) -> None:
    """With --public --yes the image becomes public; the sandbox cannot check image block
    public access, and a warning says so. Snapshots are never made public. Removing 'all'
    makes it private again."""
    result = service.images.share(build, ["all"], REGION, public=True, yes=True)
    assert result.public and result.shares == ["public"]
    assert any(
        "does not simulate image block public access" in w and REGION in w for w in result.warnings
    ), result.warnings
    assert image(service, REGION, build)["Public"] is True
    assert {"Group": "all"} in launch_permissions(service, build)
    for snapshot_id in snapshot_ids(image(service, REGION, build)):
        assert volume_permissions(service, snapshot_id) == []

    undone = service.images.share(build, ["all"], REGION, remove=True)
    assert not undone.public and undone.shares == []
    assert image(service, REGION, build)["Public"] is False


def test_an_image_of_another_account_cannot_be_shared(service: CwsService) -> None:
    """The community image the sandbox account can launch is not its to share."""
    with pytest.raises(Conflict) as caught:
        service.images.share("ami-33cedc2a28a2ca1ec", [ACCOUNT_A], "us-east-1")
    assert "210987654321" in caught.value.message and caught.value.field == "ami_id"
