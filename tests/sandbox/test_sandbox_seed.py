"""The seeded world, queried with boto3 over HTTP as a user would (one shared server)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cws_jupyter.core.sandbox import WorldImage, load_world

ClientFactory = Callable[[str, str], Any]

pytestmark = pytest.mark.sandbox

WORLD = load_world()
NOBLE_AMD64 = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
MARKETPLACE_CODE = "4r7bvf6ufc7n9l7xmsjkp3h2d"
ALL_OWNERS = sorted({i.owner_id for i in WORLD.images()})


def _aws_date(image: WorldImage) -> str:
    """A creation date the way DescribeImages spells it."""
    return image.creation_date.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _names(images: list[dict[str, object]]) -> list[str]:
    """Image names, sorted."""
    return sorted(str(i["Name"]) for i in images)


@pytest.mark.parametrize("region", [*WORLD.regions, "sa-east-1"])
def test_every_world_image_is_described_as_seeded(client: ClientFactory, region: str) -> None:
    """Per region: exactly the world's images, each with its attributes, tags and codes."""
    expected = {i.image_id: i for i in WORLD.images() if i.region == region}
    images = client("ec2", region).describe_images(Owners=ALL_OWNERS)["Images"]
    assert sorted(i["ImageId"] for i in images) == sorted(expected)
    for image in images:
        want = expected[image["ImageId"]]
        assert image["Name"] == want.name
        assert image["Description"] == want.description
        assert image["Architecture"] == want.architecture
        assert image["OwnerId"] == want.owner_id
        assert image.get("ImageOwnerAlias") == want.owner_alias
        assert image["Public"] is want.public
        assert image["State"] == "available"
        assert image["CreationDate"] == _aws_date(want)
        assert image["RootDeviceName"] == "/dev/sda1"
        assert image["RootDeviceType"] == "ebs"
        (root,) = image["BlockDeviceMappings"]
        assert root["DeviceName"] == "/dev/sda1"
        assert root["Ebs"]["VolumeSize"] == want.root_volume_gb
        assert root["Ebs"]["SnapshotId"].startswith("snap-")
        assert {t["Key"]: t["Value"] for t in image.get("Tags", [])} == want.tags
        assert [c["ProductCodeId"] for c in image.get("ProductCodes", [])] == list(
            want.product_codes
        )


def test_family_counts_per_region(client: ClientFactory) -> None:
    """Each family has one image per architecture in its regions, and none elsewhere."""
    for family in WORLD.families:
        owner = "self" if family.owner == "self" else family.owner
        for region in ("us-east-1", "us-west-2", "eu-central-1"):
            names = [i.name for i in family.expand(WORLD.account_id)]
            images = client("ec2", region).describe_images(
                Owners=[owner], Filters=[{"Name": "name", "Values": names}]
            )["Images"]
            expected = len(family.architectures) if region in family.regions else 0
            assert len(images) == expected, (family.family, region)
            assert sorted(i["Architecture"] for i in images) == (
                sorted(family.architectures) if expected else []
            )


def test_ssm_public_parameters_name_the_world_images(client: ClientFactory) -> None:
    """Every world SSM parameter returns its image id, in its region, and the image exists."""
    with_parameter = [i for i in WORLD.images() if i.ssm_parameter]
    assert len(with_parameter) == 49
    for image in with_parameter:
        assert image.ssm_parameter
        param = client("ssm", image.region).get_parameter(Name=image.ssm_parameter)["Parameter"]
        assert param["Value"] == image.image_id
        assert param["Type"] == "String"
    one = with_parameter[0]
    found = client("ec2", one.region).describe_images(ImageIds=[one.image_id])["Images"]
    assert [i["Name"] for i in found] == [one.name]


def test_ssm_parameter_absent_outside_the_family_regions(client: ClientFactory) -> None:
    """A region the family is not in has no parameter, as on AWS for an unsupported region."""
    name = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
    with pytest.raises(ClientError) as err:
        client("ssm", "sa-east-1").get_parameter(Name=name)
    assert err.value.response["Error"]["Code"] == "ParameterNotFound"
    by_path = client("ssm", "us-east-1").get_parameters_by_path(
        Path="/aws/service/canonical/ubuntu/server/24.04/stable/current", Recursive=True
    )["Parameters"]
    assert sorted(p["Name"].split("/")[-4] for p in by_path) == ["amd64", "arm64"]


def test_moto_default_images_and_parameters_are_gone(client: ClientFactory) -> None:
    """No moto default AMI, nor a default /aws/service parameter pointing at one."""
    amazon = client("ec2", "us-east-1").describe_images(Owners=["amazon"])["Images"]
    want = [i for i in WORLD.images() if i.region == "us-east-1" and i.owner_alias == "amazon"]
    assert _names(amazon) == sorted(i.name for i in want)
    assert client("ec2", "sa-east-1").describe_images(Owners=["amazon"])["Images"] == []
    ssm = client("ssm", "us-east-1")
    with pytest.raises(ClientError, match="ParameterNotFound"):
        ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64")
    ecs = ssm.get_parameters_by_path(Path="/aws/service/ecs/optimized-ami", Recursive=True)
    assert ecs["Parameters"] == []
    default = ssm.get_parameter(
        Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    )["Parameter"]["Value"]
    assert default == WORLD.family("al2023").image_id("us-east-1", "x86_64")


def test_canonical_owner_search_finds_both_releases_and_no_squatter(client: ClientFactory) -> None:
    """The resolver's typical query: Canonical's noble amd64 images, newest first by date."""
    images = client("ec2", "us-east-1").describe_images(
        Owners=["099720109477"],
        Filters=[
            {"Name": "name", "Values": [NOBLE_AMD64]},
            {"Name": "architecture", "Values": ["x86_64"]},
            {"Name": "state", "Values": ["available"]},
        ],
    )["Images"]
    newest = max(images, key=lambda i: datetime.fromisoformat(i["CreationDate"]))
    assert {i["OwnerId"] for i in images} == {"099720109477"}
    assert len(images) == 2
    assert newest["ImageId"] == WORLD.family("ubuntu-24.04").image_id("us-east-1", "x86_64")


@pytest.mark.parametrize(("region", "squatted"), [("us-east-1", True), ("us-west-2", False)])
def test_squatter_is_visible_only_without_owner(
    client: ClientFactory, region: str, squatted: bool
) -> None:
    """Without Owners the look-alike (newest) image appears where it is published."""
    query = {"Filters": [{"Name": "name", "Values": [NOBLE_AMD64]}]}
    anyone = client("ec2", region).describe_images(**query)["Images"]
    owners = {i["OwnerId"] for i in anyone}
    assert ("666666666666" in owners) is squatted
    if squatted:
        newest = max(anyone, key=lambda i: i["CreationDate"])
        assert newest["OwnerId"] == "666666666666"
    trusted = client("ec2", region).describe_images(
        Owners=["099720109477", "137112412989"], **query
    )["Images"]
    assert "666666666666" not in {i["OwnerId"] for i in trusted}


@pytest.mark.parametrize(
    ("region", "count"), [("us-east-1", 1), ("eu-central-1", 1), ("eu-west-1", 0)]
)
def test_self_images_by_tag(client: ClientFactory, region: str, count: int) -> None:
    """Owners=['self'] + tag:Template finds the lab's image only where it was built."""
    images = client("ec2", region).describe_images(
        Owners=["self"], Filters=[{"Name": "tag:Template", "Values": ["teaching-lab"]}]
    )["Images"]
    assert len(images) == count
    for image in images:
        assert image["OwnerId"] == "123456789012" and image["Public"] is False
    other = client("ec2", region).describe_images(
        Owners=["self"], Filters=[{"Name": "tag:Template", "Values": ["r-research"]}]
    )["Images"]
    assert other == []


def test_community_images_by_tag(client: ClientFactory) -> None:
    """tag:Version on the community account finds both architectures of the R image."""
    images = client("ec2", "us-west-2").describe_images(
        Owners=["210987654321"], Filters=[{"Name": "tag:Version", "Values": ["4.5.1"]}]
    )["Images"]
    assert sorted(i["Architecture"] for i in images) == ["arm64", "x86_64"]


def test_marketplace_product_code(client: ClientFactory) -> None:
    """Owners=['aws-marketplace'] + product-code finds the RStudio image, only with its code."""
    ec2 = client("ec2", "us-east-1")

    def search(code: str) -> list[dict[str, object]]:
        """Marketplace images with this product code."""
        return ec2.describe_images(
            Owners=["aws-marketplace"], Filters=[{"Name": "product-code", "Values": [code]}]
        )["Images"]

    (image,) = search(MARKETPLACE_CODE)
    assert image["ImageOwnerAlias"] == "aws-marketplace"
    assert image["ProductCodes"] == [
        {"ProductCodeId": MARKETPLACE_CODE, "ProductCodeType": "marketplace"}
    ]
    assert search("0000000000000000000000000") == []
    assert client("ec2", "eu-central-1").describe_images(Owners=["aws-marketplace"])["Images"] == []


def test_describe_by_image_ids_behaves_like_aws(client: ClientFactory) -> None:
    """Unknown ids fail; Owners and Filters still apply when ImageIds are given."""
    ec2 = client("ec2", "us-east-1")
    known = WORLD.family("ubuntu-24.04").image_id("us-east-1", "x86_64")
    for ids in (["ami-0123456789abcdef0"], [known, "ami-0123456789abcdef0"]):
        with pytest.raises(ClientError) as err:
            ec2.describe_images(ImageIds=ids)
        assert err.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    with pytest.raises(ClientError, match="InvalidAMIID.Malformed"):
        ec2.describe_images(ImageIds=["not-an-ami"])
    assert ec2.describe_images(ImageIds=[known], Owners=["210987654321"])["Images"] == []
    assert len(ec2.describe_images(ImageIds=[known], Owners=["099720109477"])["Images"]) == 1
    arm = [{"Name": "architecture", "Values": ["arm64"]}]
    assert ec2.describe_images(ImageIds=[known], Filters=arm)["Images"] == []


def test_account_and_unknown_image_launch(client: ClientFactory) -> None:
    """The sandbox is account 123456789012, and launching an unknown AMI fails as on AWS."""
    assert client("sts", "us-east-1").get_caller_identity()["Account"] == "123456789012"
    with pytest.raises(ClientError) as err:
        client("ec2", "us-east-1").run_instances(
            ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1, InstanceType="t3.micro"
        )
    assert err.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
