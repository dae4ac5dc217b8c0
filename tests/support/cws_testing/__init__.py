"""Helpers shared by the test folders (on the path through pytest's `pythonpath`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

#: The developer's AWS profile, endpoint overrides and proxies: kept out of every test that
#: talks to the sandbox, so a test never reaches a real account by accident.
AWS_ENV_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
)


def scrub_aws_env(monkeypatch: pytest.MonkeyPatch, extra: Iterable[str] = ()) -> None:
    """Remove the user's AWS settings (and ``extra`` variables) for the duration of a test."""
    for name in (*AWS_ENV_VARS, *extra):
        monkeypatch.delenv(name, raising=False)


def _is_user_setting(name: str) -> bool:
    return name.startswith(("AWS_", "CWS_")) or name in ("AMI_CACHE_TTL", *AWS_ENV_VARS)


def isolated_environ(
    home: Path, *, sandbox: bool = False, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A copy of the environment with none of the user's AWS/cws settings, rooted at ``home``.

    For subprocesses (``env=``); ``isolate`` applies the same to the test process.
    """
    env = {
        k: v for k, v in (os.environ if base is None else base).items() if not _is_user_setting(k)
    }
    env.update(
        CWS_HOME=str(home),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
    )
    if sandbox:
        env["CWS_SANDBOX"] = "1"
    return env


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path, *, sandbox: bool = False) -> None:
    """Make this test's environment ``isolated_environ(home, sandbox=...)``."""
    wanted = isolated_environ(home, sandbox=sandbox)
    for name in list(os.environ):
        if name not in wanted:
            monkeypatch.delenv(name)
    for name, value in wanted.items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)


def sandbox_settings(home: Path, **extra: object) -> Any:
    """Settings for the sandbox under ``home`` (the layout CWS_HOME=home gives the CLI)."""
    from cws_jupyter.core.config import Settings

    return Settings(
        region="us-east-1",
        sandbox=True,
        state_dir=home / "state",
        cache_dir=home / "cache",
        user_template_dir=home / "templates",
        **extra,  # type: ignore[arg-type]
    )
