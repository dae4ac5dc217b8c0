"""One place maps AWS failures to the core's errors: each family of codes, and botocore's own."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from cws_jupyter.core.aws.errors import aws_code, aws_error, aws_errors
from cws_jupyter.core.errors import (
    AwsUnavailable,
    BadInput,
    Conflict,
    NotFound,
    Unsupported,
)


def client_error(code: str, message: str = "the message") -> ClientError:
    """A botocore ClientError as EC2 returns it."""
    return ClientError({"Error": {"Code": code, "Message": message}}, "DescribeImages")


@pytest.mark.parametrize(
    ("code", "kind", "field"),
    [
        ("UnauthorizedOperation", AwsUnavailable, None),
        ("RequestLimitExceeded", AwsUnavailable, None),
        ("InvalidAMIID.NotFound", NotFound, "ami_id"),
        ("InvalidInstanceID.NotFound", NotFound, "instance_id"),
        ("InvalidAMIID.Malformed", BadInput, "ami_id"),
        ("InvalidParameterValue", BadInput, None),
        ("IncorrectInstanceState", Conflict, None),
        ("InvalidSnapshot.InUse", Conflict, None),
        ("InstanceLimitExceeded", Conflict, None),
        ("InsufficientInstanceCapacity", Conflict, None),
        ("UnsupportedOperation", Unsupported, None),
        ("SomethingNew", AwsUnavailable, None),
    ],
)
def test_codes_become_core_errors(code: str, kind: type, field: str | None) -> None:
    """Each code family has its error class and field; the region, the action and AWS's code
    are in the message, and the code stays readable for callers."""
    mapped = aws_error(client_error(code), "eu-west-1", "sharing ami-1")
    assert type(mapped) is kind and mapped.field == field
    assert aws_code(mapped) == code
    if kind is not NotFound and kind is not Unsupported:
        assert "eu-west-1" in mapped.message and code in mapped.message


def test_opt_in_names_both_causes() -> None:
    """OptInRequired is a region to enable or a Marketplace product to subscribe to."""
    mapped = aws_error(client_error("OptInRequired", "subscribe first"), "us-east-1")
    assert isinstance(mapped, AwsUnavailable)
    assert "subscribe first" in mapped.message and "Marketplace" in mapped.message


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="https://ec2.eu-west-1.amazonaws.com"),
        ConnectTimeoutError(endpoint_url="https://ec2.eu-west-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://ec2.eu-west-1.amazonaws.com"),
        NoCredentialsError(),
    ],
)
def test_botocore_failures_are_unavailable(exc: Exception) -> None:
    """Network failures and missing credentials: AwsUnavailable, never a raw traceback."""
    assert isinstance(aws_error(exc, "eu-west-1"), AwsUnavailable)


def test_the_block_maps_and_leaves_other_errors_alone() -> None:
    """``aws_errors`` re-raises AWS failures as core errors, and anything else unchanged."""
    with pytest.raises(NotFound, match="while finding"), aws_errors("eu-west-1", "finding it"):
        raise client_error("InvalidAMIID.NotFound")
    with pytest.raises(ZeroDivisionError), aws_errors("eu-west-1"):
        raise ZeroDivisionError
