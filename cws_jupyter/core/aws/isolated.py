"""A boto3 session for the sandbox that reads none of the user's AWS configuration."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3


def isolated_session(region: str, credentials: dict[str, str]) -> boto3.Session:
    """A session with fixed credentials that ignores AWS_PROFILE, the AWS files and every other
    AWS_* variable: the sandbox works whatever state the user's AWS configuration is in."""
    import boto3
    import botocore.session
    from botocore import configprovider

    # botocore's name for its table of session variables (spelling as in botocore)
    defaults: dict[str, Any] = getattr(configprovider, "BOTOCORE_DEFAUT_SESSION_VARIABLES", {})
    variables = {
        name: (None, None, spec[2], spec[3]) for name, spec in defaults.items() if len(spec) == 4
    }
    variables["profile"] = (None, None, None, None)
    variables["config_file"] = (None, None, os.devnull, None)
    variables["credentials_file"] = (None, None, os.devnull, None)
    core = botocore.session.Session(session_vars=variables)
    return boto3.Session(botocore_session=core, region_name=region, **credentials)
