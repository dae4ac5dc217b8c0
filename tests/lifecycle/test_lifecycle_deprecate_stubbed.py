"""`ami deprecate` on a real-shaped EC2 client (botocore's Stubber checks every request and
response against the EC2 model): what the sandbox cannot show, since moto lacks the call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput, Conflict
from cws_jupyter.core.service import CwsService

REGION = "eu-west-1"
MINE, OTHER = "123456789012", "210987654321"
AMI = "ami-0a1b2c3d4e5f60718"


@dataclass
class Stubbed:
    service: CwsService
    ec2: Stubber
    sts: Stubber


@pytest.fixture
def stubbed(tmp_path: Path) -> Iterator[Stubbed]:
    """A service (not the sandbox) whose EC2 and STS clients in eu-west-1 are stubbed."""
    session = boto3.Session(
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=REGION
    )
    access = AwsAccess(session)
    settings = Settings(
        region=REGION,
        cache_dir=tmp_path / "cache",
        state_dir=tmp_path / "state",
        user_template_dir=tmp_path / "templates",
    )
    ec2 = Stubber(access.client("ec2", REGION))
    sts = Stubber(access.client("sts", REGION))
    with ec2, sts:
        yield Stubbed(CwsService(settings, access=access), ec2, sts)
    ec2.assert_no_pending_responses()
    sts.assert_no_pending_responses()


def an_image(owner: str) -> dict:
    """A DescribeImages item as EC2 returns it."""
    return {
        "ImageId": AMI,
        "Name": "cws-python-ml-20251120-101500",
        "OwnerId": owner,
        "State": "available",
        "Architecture": "x86_64",
        "CreationDate": "2025-11-20T10:15:00.000Z",
        "Public": False,
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": "snap-0a1b2c3d4e5f60718"}}
        ],
    }


def expect_lookup(stub: Stubbed, owner: str = MINE) -> None:
    stub.ec2.add_response(
        "describe_images",
        {"Images": [an_image(owner)]},
        {"ImageIds": [AMI], "IncludeDeprecated": True},
    )
    stub.sts.add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": MINE, "Arn": f"arn:aws:iam::{MINE}:user/lab"},
        {},
    )


def in_days(days: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=days)


@pytest.mark.parametrize("offset", ["+00:00", "Z", "+02:00", "-05:30"])
def test_deprecate_calls_enable_image_deprecation_at_the_time_asked_in_utc(
    stubbed: Stubbed, offset: str
) -> None:
    when = in_days(400).replace(hour=12, minute=30, second=0)
    text = when.replace(tzinfo=None).isoformat() + offset
    utc = when - (dt.datetime.fromisoformat(text.replace("Z", "+00:00")).utcoffset())
    expect_lookup(stubbed)
    stubbed.ec2.add_response(
        "enable_image_deprecation", {"Return": True}, {"ImageId": AMI, "DeprecateAt": utc}
    )
    result = stubbed.service.images.deprecate(AMI, text, REGION)
    assert result.deprecate_at == utc.isoformat(timespec="seconds")
    assert result.deprecate_at.endswith("+00:00") and (result.ami_id, result.region) == (
        AMI,
        REGION,
    )


def test_a_date_alone_means_midnight_utc(stubbed: Stubbed) -> None:
    day = in_days(30).date()
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    expect_lookup(stubbed)
    stubbed.ec2.add_response(
        "enable_image_deprecation", {"Return": True}, {"ImageId": AMI, "DeprecateAt": midnight}
    )
    assert stubbed.service.images.deprecate(AMI, day.isoformat(), REGION).deprecate_at == (
        midnight.isoformat()
    )


def test_nearly_ten_years_away_is_accepted(stubbed: Stubbed) -> None:
    when = in_days(3640)
    expect_lookup(stubbed)
    stubbed.ec2.add_response(
        "enable_image_deprecation", {"Return": True}, {"ImageId": AMI, "DeprecateAt": when}
    )
    stubbed.service.images.deprecate(AMI, when.isoformat(), REGION)


@pytest.mark.parametrize(
    ("when", "says"),
    [
        (lambda: in_days(-1).isoformat(), "in the past"),
        (lambda: in_days(-400).date().isoformat(), "in the past"),
        (lambda: in_days(3660).isoformat(), "ten years"),
        (lambda: in_days(4000).date().isoformat(), "ten years"),
        (lambda: "31/01/2030", "not a date"),
    ],
    ids=["yesterday", "last-year", "over-ten-years", "far-date", "not-iso"],
)
def test_past_dates_and_dates_over_ten_years_are_refused_before_any_call(
    stubbed: Stubbed, when, says: str
) -> None:
    """BadInput on field "at"; the stubs have no answer queued, so any AWS call would fail."""
    text = when()
    with pytest.raises(BadInput) as caught:
        stubbed.service.images.deprecate(AMI, text, REGION)
    assert caught.value.field == "at" and says in caught.value.message
    assert repr(text) in caught.value.message


def test_an_image_of_another_account_is_not_deprecated(stubbed: Stubbed) -> None:
    expect_lookup(stubbed, owner=OTHER)
    with pytest.raises(Conflict) as caught:
        stubbed.service.images.deprecate(AMI, in_days(10).isoformat(), REGION)
    assert OTHER in caught.value.message and MINE in caught.value.message
