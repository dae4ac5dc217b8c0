"""What moto cannot show (image deprecation, multi-page results, access errors): botocore's Stubber."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cws_jupyter.core.aws.images import ImageCatalog
from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.cache import MemoryCache
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import AwsUnavailable
from cws_jupyter.core.pricing import PriceBook
from cws_jupyter.core.regions import RegionMap
from cws_jupyter.core.resolver.resolver import Resolver
from cws_jupyter.core.templates import TemplateLibrary

CANONICAL = "099720109477"
NOW = dt.datetime.now(dt.timezone.utc)


def image(ami_id: str, created: dt.datetime, deprecated: dt.datetime | None = None) -> dict:
    """A DescribeImages item shaped like EC2's."""
    item = {
        "ImageId": ami_id,
        "Name": f"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-{created:%Y%m%d}",
        "OwnerId": CANONICAL,
        "Architecture": "x86_64",
        "CreationDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "State": "available",
        "Public": True,
        "RootDeviceName": "/dev/sda1",
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/sda1",
                "Ebs": {"VolumeSize": 8, "SnapshotId": "snap-0123456789abcdef0"},
            }
        ],
    }
    if deprecated:
        item["DeprecationTime"] = deprecated.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return item


@pytest.fixture
def stubbed(tmp_path):
    """A resolver whose eu-west-1 EC2 client is stubbed (no other region is reachable)."""
    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="eu-west-1"
    )
    access = AwsAccess(session)
    ec2 = access.client("ec2", "eu-west-1")
    stubber = Stubber(ec2)
    no_neighbours = tmp_path / "fallbacks.yaml"
    no_neighbours.write_text("eu-west-1: []\n")  # keep the test to the one stubbed region
    settings = Settings(cache_dir=tmp_path, state_dir=tmp_path, user_template_dir=tmp_path / "u")
    regions = RegionMap.load(no_neighbours)
    catalog = ImageCatalog(access, MemoryCache(), 3600, "stub")
    resolver = Resolver(settings, catalog, regions, PriceBook.load(None))
    library = TemplateLibrary([])
    template = library.load_text(
        f"name: U\nami_config:\n  strategy: ami_required\n  ami_search: {{owner: '{CANONICAL}', name_pattern: 'ubuntu/*'}}\n"
    )
    with stubber:
        yield stubber, resolver, template


def no_builds(stubber: Stubber, answer: dict | None = None, error: str | None = None) -> None:
    """The own-build tier's two lookups (own images, images shared with us), made side by side:
    answered alike, since either may reach the stub first."""
    for _ in range(2):
        if error:
            stubber.add_client_error("describe_images", error, "You are not authorized.")
        else:
            stubber.add_response("describe_images", answer or {"Images": []})


def test_deprecated_images_are_skipped(stubbed):
    """An image whose DeprecationTime has passed is never chosen, even when it is the newest."""
    stubber, resolver, template = stubbed
    newest_but_deprecated = image(
        "ami-0aaaaaaaaaaaaaaa1", NOW - dt.timedelta(days=2), NOW - dt.timedelta(hours=1)
    )
    older = image("ami-0bbbbbbbbbbbbbbb2", NOW - dt.timedelta(days=20))
    future_deprecation = image(
        "ami-0ccccccccccccccc3", NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=60)
    )
    no_builds(stubber)
    stubber.add_response(
        "describe_images",
        {"Images": [newest_but_deprecated, older, future_deprecation]},
        {"Owners": [CANONICAL], "Filters": ANY},
    )
    res = resolver.resolve(template, region="eu-west-1")
    assert res.ami_id == "ami-0bbbbbbbbbbbbbbb2"
    stubber.assert_no_pending_responses()


def test_all_pages_of_results_are_read(stubbed):
    """DescribeImages is paginated: the newest image on the second page still wins."""
    stubber, resolver, template = stubbed
    no_builds(stubber)
    stubber.add_response(
        "describe_images",
        {
            "Images": [image("ami-0aaaaaaaaaaaaaaa1", NOW - dt.timedelta(days=9))],
            "NextToken": "page-2",
        },
        {"Owners": [CANONICAL], "Filters": ANY},
    )
    stubber.add_response(
        "describe_images",
        {"Images": [image("ami-0bbbbbbbbbbbbbbb2", NOW - dt.timedelta(days=1))]},
        {"Owners": [CANONICAL], "Filters": ANY, "NextToken": "page-2"},
    )
    assert resolver.resolve(template, region="eu-west-1").ami_id == "ami-0bbbbbbbbbbbbbbb2"


def test_access_denied_is_a_clear_failure(stubbed):
    """An IAM denial in the target region is an AwsUnavailable naming the region and the code."""
    stubber, resolver, template = stubbed
    no_builds(stubber, error="UnauthorizedOperation")
    with pytest.raises(AwsUnavailable, match="eu-west-1.*UnauthorizedOperation"):
        resolver.resolve(template, region="eu-west-1")
