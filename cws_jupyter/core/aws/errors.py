"""The one place where AWS failures become the core's clear errors (code, fix, field)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import (
    AwsUnavailable,
    BadInput,
    Conflict,
    CwsError,
    NotFound,
    OperationFailed,
    Unsupported,
)

AUTH_CODES = {
    "AuthFailure",
    "UnauthorizedOperation",
    "AccessDenied",
    "AccessDeniedException",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
}
REGION_CODES = {"OptInRequired", "InvalidClientTokenId"}
THROTTLE_CODES = {
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
}
#: Not-found codes and the request field each names.
NOT_FOUND_CODES = {
    "InvalidAMIID.NotFound": "ami_id",
    "InvalidAMIID.Unavailable": "ami_id",
    "InvalidInstanceID.NotFound": "instance_id",
    "InvalidSnapshot.NotFound": "snapshot_id",
    "InvalidGroup.NotFound": "security_group",
    "ParameterNotFound": "parameter",
    "InvalidKeyPair.NotFound": "key_name",
}
BAD_INPUT_CODES = {
    "InvalidAMIID.Malformed": "ami_id",
    "InvalidInstanceID.Malformed": "instance_id",
    "InvalidParameterValue": None,
    "InvalidParameterCombination": None,
    "InvalidParameter": None,
    "MissingParameter": None,
    "ValidationError": None,
    "ValidationException": None,
    "InvalidAMIName.Malformed": "name",
    "InvalidAMIAttributeItemValue": "targets",
    "InvalidUserID.Malformed": "targets",
    "InvalidKmsKey.Malformed": "kms_key",
}
CONFLICT_CODES = {
    "IncorrectInstanceState",
    "IncorrectState",
    "InvalidSnapshot.InUse",
    "InvalidAMIName.Duplicate",
    "ParameterAlreadyExists",
    "InvalidGroup.Duplicate",
    "DependencyViolation",
    "InvalidPermission.Duplicate",
}
QUOTA_CODES = {
    "InstanceLimitExceeded",
    "VcpuLimitExceeded",
    "ResourceLimitExceeded",
    "AMIQuotaExceeded",
    "SnapshotLimitExceeded",
    "ParameterLimitExceeded",
    "RulesPerSecurityGroupLimitExceeded",
    "SecurityGroupLimitExceeded",
}
CAPACITY_CODES = {"InsufficientInstanceCapacity", "Unsupported"}
UNSUPPORTED_CODES = {"UnsupportedOperation", "InvalidAction", "NotImplemented"}


def aws_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (or of a mapped CwsError), else None."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    details = getattr(exc, "details", None)
    if isinstance(details, dict):
        return details.get("aws_code")
    return None


def aws_error(exc: BaseException, region: str, doing: str | None = None) -> BaseException:
    """The core error for a botocore failure in ``region`` (``doing``: what was being done).

    Anything that is not an AWS failure is returned unchanged, for the caller to re-raise.
    """
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        NoRegionError,
        ParamValidationError,
        WaiterError,
    )

    from .network import AwsUnreachable, is_network_failure, one_line

    if isinstance(exc, AwsUnreachable):  # mapped where the call failed: add what was being done
        return exc.while_doing(region, doing) if doing else exc
    if isinstance(exc, CwsError):
        return exc
    where = f"in {region}" + (f" while {doing}" if doing else "")
    if isinstance(exc, WaiterError):
        last = exc.last_response or {}
        if "Error" in last:
            code = last["Error"].get("Code", "")
            return _client_error(code, last["Error"].get("Message", ""), where, region)
        return OperationFailed(f"AWS {where}: {one_line(exc)}")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return _client_error(error.get("Code", ""), error.get("Message", ""), where, region)
    if is_network_failure(exc):
        return AwsUnreachable(exc, region, doing=doing)
    if isinstance(exc, NoCredentialsError):
        from .session import NO_CREDENTIALS_HELP

        return AwsUnavailable(NO_CREDENTIALS_HELP)
    if isinstance(exc, ParamValidationError):
        return BadInput(f"invalid request {where}: {one_line(exc, 500)}")
    if isinstance(exc, NoRegionError):
        return BadInput("no AWS region configured: set AWS_REGION or use --region", field="region")
    if isinstance(exc, BotoCoreError):  # the profile, the credentials, the client's settings
        from .profile import setup_error

        return setup_error(exc, where)
    return exc


def _client_error(code: str, message: str, where: str, region: str) -> CwsError:
    """One AWS error code as the matching core error."""
    text = f"AWS refused the request {where} ({code}): {message}".rstrip(": ")
    details = {"aws_code": code, "region": region}
    if code in AUTH_CODES:
        return AwsUnavailable(
            text + "; check the credentials and their permissions", details=details
        )
    if code == "OptInRequired":  # a region to enable, or a Marketplace product to subscribe to
        return AwsUnavailable(
            f"AWS needs an opt-in first {where} ({code}): {message}. Enable the region, or "
            "subscribe to the Marketplace product, in the AWS console",
            details=details,
        )
    if code in REGION_CODES:
        return AwsUnavailable(
            f"region {region} is not enabled for this account ({code}): {message}", details=details
        )
    if code in THROTTLE_CODES:
        return AwsUnavailable(
            f"AWS is throttling requests {where} ({code}), even after retries; wait a minute and "
            "try again",
            details=details,
        )
    if code in NOT_FOUND_CODES:
        return NotFound(
            f"{message or code} ({where})", field=NOT_FOUND_CODES[code], details=details
        )
    if code in BAD_INPUT_CODES or code.startswith("InvalidParameter"):
        return BadInput(text, field=BAD_INPUT_CODES.get(code), details=details)
    if code in CONFLICT_CODES:
        return Conflict(text, details=details)
    if code in QUOTA_CODES:
        return Conflict(text + "; free some up, or ask AWS for a higher quota", details=details)
    if code in CAPACITY_CODES:
        return Conflict(text + "; try another instance type or region", details=details)
    if code in UNSUPPORTED_CODES:
        return Unsupported(f"{message or code} ({where})", details=details)
    return AwsUnavailable(f"AWS error {where} ({code}): {message}", details=details)


@contextmanager
def aws_errors(region: str, doing: str | None = None) -> Iterator[None]:
    """Run a block of AWS calls; any botocore failure leaves it as a clear core error."""
    from .network import AwsUnreachable

    try:
        yield
    except AwsUnreachable as exc:
        raise aws_error(exc, region, doing) from None
    except CwsError:
        raise
    except Exception as exc:
        mapped = aws_error(exc, region, doing)
        if mapped is exc:
            raise
        raise mapped from None
