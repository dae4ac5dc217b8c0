"""The user's AWS profile and files: open a session from them, or say exactly what is wrong there
(which profile, which file, which variable points at it) and how to fix it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AwsUnavailable
from .network import one_line

if TYPE_CHECKING:
    import boto3

    from ..config import Settings

SANDBOX_HINT = "to try cws-jupyter without AWS, use --sandbox (or CWS_SANDBOX=1)"
#: The AWS files, the variable that moves each, and where each is by default.
FILES = {
    "AWS_CONFIG_FILE": ("AWS config file", "~/.aws/config"),
    "AWS_SHARED_CREDENTIALS_FILE": ("AWS credentials file", "~/.aws/credentials"),
}


def aws_file(variable: str) -> Path:
    """Where botocore looks for the file ``variable`` names (its value, else the default)."""
    raw = os.environ.get(variable) or FILES[variable][1]
    try:
        return Path(raw).expanduser()
    except RuntimeError:  # no home directory to expand ~ to
        return Path(raw)


def file_problem(path: Path) -> str | None:
    """Why botocore will not read ``path`` as a file (None when it is a regular file)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device)"
    return None


def describe_file(variable: str) -> str:
    """'the AWS config file PATH (AWS_CONFIG_FILE)', plus what is wrong with it, if anything."""
    what, _ = FILES[variable]
    path = aws_file(variable)
    named = f" ({variable})" if os.environ.get(variable) else ""
    problem = file_problem(path)
    return f"the {what} {path}{named}" + (f", which {problem}" if problem else "")


def profile_origin(profile: str) -> tuple[str, str]:
    """Where a profile name came from: (field, words for the message)."""
    if os.environ.get("AWS_PROFILE") == profile:
        return "AWS_PROFILE", "AWS_PROFILE"
    if os.environ.get("AWS_DEFAULT_PROFILE") == profile:
        return "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_PROFILE"
    return "profile", "--profile, or the profile setting"


def missing_profile(profile: str) -> AwsUnavailable:
    """The error for a profile that no AWS file defines."""
    field, origin = profile_origin(profile)
    unset = f"unset {field}" if field != "profile" else "drop --profile"
    return AwsUnavailable(
        f"the AWS profile '{profile}' (from {origin}) is not defined in "
        f"{describe_file('AWS_CONFIG_FILE')}, nor in {describe_file('AWS_SHARED_CREDENTIALS_FILE')}. "
        f"Create it (`aws configure --profile {profile}`), name a profile that exists, or "
        f"{unset}; {SANDBOX_HINT}",
        field=field,
    )


def unparsable_file(path: str | None, detail: str = "") -> AwsUnavailable:
    """The error for an AWS config or credentials file botocore cannot parse."""
    variable = "AWS_CONFIG_FILE"
    if path and str(aws_file("AWS_SHARED_CREDENTIALS_FILE")) == str(Path(path).expanduser()):
        variable = "AWS_SHARED_CREDENTIALS_FILE"
    what, _ = FILES[variable]
    named = f" ({variable})" if os.environ.get(variable) else ""
    where = f"the {what} {path or aws_file(variable)}{named}"
    return AwsUnavailable(
        f"{where} cannot be parsed{': ' + detail if detail else ''}. Fix its syntax "
        f"([profile NAME] sections of `key = value` lines), or point {variable} at a good "
        f"file; {SANDBOX_HINT}",
        field=variable,
    )


def setup_error(exc: BaseException, where: str = "") -> AwsUnavailable:
    """The clear error for a botocore failure of setup: profile, files, credentials, settings."""
    from botocore.exceptions import (
        ConfigParseError,
        CredentialRetrievalError,
        PartialCredentialsError,
        ProfileNotFound,
        SSOError,
        TokenRetrievalError,
    )

    if isinstance(exc, ProfileNotFound):
        return missing_profile(str(exc.kwargs.get("profile", "")))
    if isinstance(exc, ConfigParseError):
        return unparsable_file(exc.kwargs.get("path"))
    if isinstance(exc, (SSOError, TokenRetrievalError, CredentialRetrievalError)):
        return AwsUnavailable(
            f"the AWS credentials could not be loaded: {one_line(exc)}. Sign in again "
            f"(`aws sso login`) or check the profile's credential settings; {SANDBOX_HINT}"
        )
    if isinstance(exc, PartialCredentialsError):
        return AwsUnavailable(
            f"the AWS credentials are incomplete: {one_line(exc)}. Set both the access key id "
            "and the secret key (or neither)"
        )
    place = f" {where}" if where else ""
    return AwsUnavailable(
        f"AWS cannot be used{place}: {one_line(exc)}. Check the AWS settings (AWS_PROFILE, "
        f"AWS_CONFIG_FILE and the other AWS_* variables); {SANDBOX_HINT}"
    )


def open_session(settings: Settings) -> boto3.Session:
    """A boto3 session from the standard chain, with the profile and the AWS files checked now
    (a missing profile or a broken file is a clear AwsUnavailable, not a botocore traceback)."""
    import boto3
    import botocore.session
    from botocore.exceptions import BotoCoreError

    from .session import NO_CREDENTIALS_HELP

    try:
        core = botocore.session.Session(profile=settings.profile)
        core.get_scoped_config()  # reads the profile and the config file: fails here, or never
        session = boto3.Session(botocore_session=core, region_name=settings.region)
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise setup_error(exc) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AwsUnavailable(
            f"the AWS configuration cannot be read: {one_line(exc)}. Check "
            f"{describe_file('AWS_CONFIG_FILE')} and {describe_file('AWS_SHARED_CREDENTIALS_FILE')}"
            f"; {SANDBOX_HINT}",
            field="AWS_CONFIG_FILE",
        ) from None
    if credentials is None:
        files = [
            f"{describe_file(v)}"
            for v in FILES
            if os.environ.get(v) and file_problem(aws_file(v)) not in (None, "does not exist")
        ]
        note = f" (note: {'; '.join(files)})" if files else ""
        raise AwsUnavailable(NO_CREDENTIALS_HELP + note)
    return session
