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


# -- the credentials in use, named without botocore ------------------------------------------
#: The most of an AWS config or credentials file read to name the credentials (a few KB).
MAX_AWS_FILE_BYTES = 1_000_000


def parse_aws_file(variable: str, *, strict: bool = True) -> dict[str, dict[str, str]] | None:
    """Sections of one AWS file as botocore's parser sees them ({} when the file is missing or
    not a regular file, as botocore treats it); None when it cannot be read or parsed.
    ``strict=False`` also reads a file with a section twice (botocore refuses it)."""
    import configparser

    from ..files import FileRefused, read_regular_text

    raw = os.environ.get(variable) or FILES[variable][1]
    try:
        path = Path(os.path.expandvars(raw)).expanduser()
    except RuntimeError:
        path = Path(raw)
    if file_problem(path) is not None:  # botocore reads only regular files, others are absent
        return {}
    parser = configparser.RawConfigParser(strict=strict)  # botocore's parser and defaults
    try:
        parser.read_string(read_regular_text(path, MAX_AWS_FILE_BYTES))
    except (configparser.Error, FileRefused, ValueError):
        return None
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _profiles() -> dict[str, dict[str, str]] | None:
    """Every profile of the AWS files, the credentials file's values over the config file's
    (botocore's ``full_config``); None when a file cannot be parsed."""
    import shlex

    config = parse_aws_file("AWS_CONFIG_FILE")
    credentials = parse_aws_file("AWS_SHARED_CREDENTIALS_FILE")
    if config is None or credentials is None:
        return None
    profiles: dict[str, dict[str, str]] = {}
    for section, values in config.items():
        if section.startswith("profile"):
            try:
                parts = shlex.split(section)
            except ValueError:
                continue
            if len(parts) == 2:
                profiles[parts[1]] = dict(values)
        elif section == "default":
            profiles[section] = dict(values)
    for name, values in credentials.items():
        profiles.setdefault(name, {}).update(values)
    return profiles


def credentials_fingerprint(profile: str | None) -> str | None:
    """A digest naming the credentials botocore will use, read from the environment and the AWS
    files alone (no botocore, no network): what keys the lookup cache of one account view.

    Only credentials that pin one identity are named: access keys (from the environment or the
    files), a role (``role_arn``, also through web identity) or an SSO account and role. Anything
    else (a credential process, a container or instance role, a file that does not parse, a
    profile that is not there) gives None: the caller then builds the session and asks it.
    """
    import hashlib
    import json

    env = os.environ
    explicit = profile is not None  # an explicit profile disables the environment's keys
    name = profile or env.get("AWS_DEFAULT_PROFILE") or env.get("AWS_PROFILE") or "default"
    profiles = _profiles()
    if profiles is None:
        return None
    section = profiles.get(name)
    if section is None:
        if name != "default":
            return None  # botocore says the profile is missing
        section = {}
    pinned: tuple[str, ...]
    key_id, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if not explicit and (key_id or secret):
        if not (key_id and secret):
            return None  # incomplete: botocore says which half is missing
        pinned = ("env", key_id)
    elif section.get("role_arn"):
        pinned = ("role", section["role_arn"])
    elif not explicit and env.get("AWS_ROLE_ARN") and env.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        pinned = ("web-identity", env["AWS_ROLE_ARN"])
    elif section.get("sso_account_id") and section.get("sso_role_name"):
        pinned = ("sso", section["sso_account_id"], section["sso_role_name"])
    elif "credential_process" in section or "login_session" in section:
        return None  # whose credentials a command or a login returns is not ours to know
    elif section.get("aws_access_key_id") and section.get("aws_secret_access_key"):
        pinned = ("key", section["aws_access_key_id"])
    else:
        return None  # the instance or container role, or none at all
    # AWS_ENDPOINT_URL itself is a setting (``Settings.endpoint_url``), already part of the
    # namespace beside this name: counting it here too would split one account view in two
    # when the same endpoint comes from the settings instead of the environment.
    endpoints = {k: v for k, v in env.items() if k.startswith("AWS_ENDPOINT_URL_")}
    endpoints.update({k: v for k, v in section.items() if k in ("endpoint_url", "services")})
    blob = json.dumps([name, explicit, pinned, sorted(endpoints.items())])
    return "c1-" + hashlib.sha256(blob.encode()).hexdigest()[:16]
