"""The class of broken AWS configurations: a profile no file defines, an AWS file that cannot be
parsed, or one that is a directory or a named pipe. Each is a clear error naming the variable at
fault and the fix, only where AWS is needed; commands that need no AWS, and the sandbox (which
ignores the user's AWS configuration), work as usual. Through the core, the CLI and REST."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from robust_support import cws, cws_server_config, make_fifo, user_env
from traitlets.config import Config

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import AwsUnavailable
from cws_jupyter.server.routes import ROUTES

GOOD_CONFIG = "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-central-1\n"


def _file(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


#: Each broken configuration: (the variables it sets, given a scratch folder; the variable at fault).
BROKEN: dict[str, tuple[Callable[[Path], dict[str, str]], str]] = {
    "profile-not-in-files": (
        lambda d: {"AWS_PROFILE": "nonexistent", "AWS_CONFIG_FILE": _file(d, "c", GOOD_CONFIG)},
        "AWS_PROFILE",
    ),
    "profile-and-no-files": (lambda d: {"AWS_PROFILE": "nonexistent"}, "AWS_PROFILE"),
    "config-unparsable": (
        lambda d: {"AWS_CONFIG_FILE": _file(d, "c", "[profile dev\nregion")},
        "AWS_CONFIG_FILE",
    ),
    "config-not-utf8": (
        lambda d: {"AWS_CONFIG_FILE": _file(d, "c", b"[default]\nregion = \xff\xfe\n")},
        "AWS_CONFIG_FILE",
    ),
    "config-duplicate-section-with-profile": (
        lambda d: {
            "AWS_PROFILE": "dev",
            "AWS_CONFIG_FILE": _file(d, "c", "[profile dev]\na=1\n[profile dev]\na=2\n"),
        },
        "AWS_CONFIG_FILE",
    ),
    "config-is-a-directory": (
        lambda d: {"AWS_PROFILE": "dev", "AWS_CONFIG_FILE": str(d)},
        "AWS_PROFILE",
    ),
    "config-is-a-fifo": (
        lambda d: {"AWS_PROFILE": "dev", "AWS_CONFIG_FILE": str(make_fifo(d / "fifo"))},
        "AWS_PROFILE",
    ),
    "credentials-unparsable": (
        lambda d: {"AWS_SHARED_CREDENTIALS_FILE": _file(d, "k", "[default\naws_access_key_id")},
        "AWS_SHARED_CREDENTIALS_FILE",
    ),
}
CASES = sorted(BROKEN)


def broken_env(case: str, folder: Path) -> tuple[dict[str, str], str]:
    """The variables of a broken configuration (made in ``folder``) and the one at fault."""
    folder.mkdir(parents=True, exist_ok=True)
    make, field = BROKEN[case]
    return make(folder), field


# -- the core ------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_real_aws_access_says_what_is_broken_and_how_to_fix_it(
    case: str, cws_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening real AWS: an AwsUnavailable naming the variable (field and message) and the
    sandbox as a way out; at once (no network, no traceback)."""
    env, field = broken_env(case, tmp_path / "aws")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()  # reading settings never fails on the AWS files
    started = time.monotonic()
    with pytest.raises(AwsUnavailable) as caught:
        AwsAccess.from_settings(settings)
    assert time.monotonic() - started < 5
    error = caught.value
    assert error.field == field and field in error.message, error.message
    assert "--sandbox" in error.message and "\n" not in error.message


@pytest.mark.parametrize("case", CASES)
def test_the_sandbox_session_ignores_the_users_aws_configuration(
    case: str, cws_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox's session reads no profile, file or AWS_* variable: clients build and sign."""
    from cws_jupyter.core.aws.isolated import isolated_session
    from cws_jupyter.core.sandbox import SANDBOX_CREDENTIALS

    env, _ = broken_env(case, tmp_path / "aws")
    for name, value in {**env, "AWS_ENDPOINT_URL": "not-a-url"}.items():
        monkeypatch.setenv(name, value)
    session = isolated_session("eu-west-1", SANDBOX_CREDENTIALS)
    client = session.client("ec2", endpoint_url="http://127.0.0.1:1")
    assert session.get_credentials().access_key == "sandbox"
    assert client.meta.region_name == "eu-west-1"


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def user_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One user home for the module's CLI runs (its sandbox started once, stopped at the end)."""
    home = tmp_path_factory.mktemp("aws-config-user")
    yield home
    cws(user_env(home), "sandbox", "stop")


@pytest.mark.sandbox
@pytest.mark.parametrize("case", CASES)
def test_cli_fails_only_where_aws_is_needed(case: str, user_home: Path) -> None:
    """No AWS needed: exit 0. The sandbox: exit 0. Real AWS: exit 1, one line naming the
    variable, no traceback."""
    env_vars, field = broken_env(case, user_home / "aws" / case)
    env = user_env(user_home, **env_vars)
    for args in (
        ("templates", "list"),
        ("templates", "show", "python-ml"),
        ("ami", "costs", "python-ml", "--region", "eu-west-1"),
        ("regions", "fallbacks"),
        ("--sandbox", "ami", "resolve", "python-ml", "--region", "eu-west-1", "--json"),
    ):
        run = cws(env, *args)
        assert run.returncode == 0, (args, run.stderr)
        assert "Traceback" not in run.stderr
    for args in (("ami", "resolve", "python-ml", "--region", "eu-west-1"), ("list",)):
        run = cws(env, *args)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        line = run.error_line()
        assert field in line and "--sandbox" in line, line
        assert run.seconds < 20


@pytest.mark.sandbox
def test_cli_profile_option_names_itself(user_home: Path) -> None:
    """`--profile` with a profile nothing defines: the error says --profile, not AWS_PROFILE."""
    run = cws(user_env(user_home), "--profile", "nowhere", "ami", "list")
    assert run.returncode == 1
    line = run.error_line()
    assert "'nowhere'" in line and "--profile" in line and "AWS_PROFILE" not in line


# -- the REST API --------------------------------------------------------------------------------
#: Every GET route of the route table: a concrete path, and whether it needs AWS.
GET_PATHS: dict[str, tuple[str, bool]] = {
    "version": ("version", False),
    "health": ("health", False),
    "openapi.json": ("openapi.json", False),
    "templates": ("templates", False),
    "templates/{slug}": ("templates/python-ml", False),
    "templates/schema": ("templates/schema", False),
    "regions/fallbacks": ("regions/fallbacks", False),
    "ami/costs/{template}": ("ami/costs/python-ml", False),
    "migrate/analyze": ("migrate/analyze", False),
    "analytics/report": ("analytics/report", False),
    "metrics": ("metrics", False),
    "sandbox": ("sandbox", False),
    "ami/resolve/{template}": ("ami/resolve/python-ml", True),
    "ami": ("ami", True),
    "ami/{ami_id}": ("ami/ami-0123456789abcdef0", True),
    "ami/{ami_id}/scan": ("ami/ami-0123456789abcdef0/scan", True),
    "ami/outdated": ("ami/outdated", True),
    "instances": ("instances", True),
    "jobs": ("jobs", True),
    "jobs/{job_id}": ("jobs/no-such-job", True),
}
#: GET routes of the community registry: they need a registry, not AWS (none is configured here).
REGISTRY_PATHS: dict[str, str] = {
    "community/amis": "community/amis",
    "community/amis/{community_id}": "community/amis/cami-0123456789abcdef",
}


def test_rest_paths_cover_every_get_route() -> None:
    """The REST test below GETs every GET route of the route table."""
    covered = set(GET_PATHS) | set(REGISTRY_PATHS)
    assert covered == {r.path for r in ROUTES if "get" in r.operations}


@pytest.fixture(params=CASES)
def broken(request: pytest.FixtureRequest, cws_home: Path, tmp_path: Path, monkeypatch) -> str:
    """This test's environment broken as ``case`` says, before the server starts."""
    env, field = broken_env(request.param, tmp_path / "aws")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return field


@pytest.fixture
def jp_server_config(broken: str) -> Config:
    """The extension on real AWS, in the broken environment."""
    return cws_server_config(sandbox=False)


async def test_rest_never_500_and_health_tells_the_truth(api: Any, broken: str) -> None:
    """Health: degraded, the problem naming the variable. Routes that need no AWS: 200. Routes
    that do: 503 JSON naming the variable. Nothing answers 500."""
    status, body, _ = await api("health")
    assert status == 200 and body["status"] == "degraded" and body["aws"] == "unconfigured"
    assert any(broken in p for p in body["problems"]), body
    for path, needs_aws in GET_PATHS.values():
        status, body, _ = await api(path)
        if not needs_aws:
            assert status == 200, (path, body)
            continue
        assert status == 503, (path, body)
        assert body["error"] == "aws_unavailable" and broken in body["message"], body
    for path in REGISTRY_PATHS.values():  # no registry configured: said so, AWS never touched
        status, body, _ = await api(path)
        assert status == 400 and body["field"] == "registry_url", (path, body)
