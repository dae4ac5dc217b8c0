"""Start-up, as a user meets it: a resolve answered from the lookup cache imports neither boto3
nor botocore (sandbox or real AWS), another account's credentials never get that answer, and a
sandbox that has to be started says so on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolated_environ

pytestmark = pytest.mark.sandbox
#: Runs `cws ARGS` in-process as the console script does, then names the AWS libraries loaded.
#: Runs `cws ARGS` as the console script does, and names the AWS libraries loaded as it exits
#: (an exit hook: `cws` ends its process itself once the command is done).
PROBE = (
    "import atexit, sys, runpy\n"
    "def report():\n"
    "    heavy = [m for m in ('boto3', 'botocore', 'moto') if m in sys.modules]\n"
    "    print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    "atexit.register(report)\n"
    "sys.argv = ['cws', *sys.argv[1:]]\n"
    "runpy.run_module('cws_jupyter.cli.main', run_name='__main__')\n"
)


def cws(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `cws ARGS`; the run and the AWS libraries it imported."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120
    )
    heavy = next((line[6:] for line in run.stderr.splitlines() if line.startswith("HEAVY=")), None)
    assert heavy is not None, run.stderr
    return run, [m for m in heavy.split(",") if m]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user home whose sandbox is stopped at the end."""
    path = tmp_path_factory.mktemp("startup")
    yield path
    subprocess.run(
        [sys.executable, "-m", "cws_jupyter.cli.main", "sandbox", "stop"],
        env=isolated_environ(path / "cws"),
        capture_output=True,
        timeout=60,
    )


def test_a_sandbox_start_is_announced_and_a_cached_resolve_needs_no_aws_library(
    home: Path,
) -> None:
    """First run: the sandbox is not running, so stderr says it is being started. Second run:
    the answer comes from the lookup cache, 0 AWS calls, with boto3 and botocore never imported."""
    env = isolated_environ(home / "cws")
    args = ("--sandbox", "ami", "resolve", "python-ml", "--region", "eu-west-1", "--json")
    first, _ = cws(env, *args)
    assert first.returncode == 0, first.stderr
    assert "starting the sandbox..." in first.stderr
    assert json.loads(first.stdout)["aws_calls"] > 0
    second, heavy = cws(env, *args)
    assert second.returncode == 0, second.stderr
    assert "starting the sandbox" not in second.stderr
    assert json.loads(second.stdout)["aws_calls"] == 0
    assert json.loads(second.stdout)["ami_id"] == json.loads(first.stdout)["ami_id"]
    assert heavy == [], heavy


def test_a_template_listing_imports_no_aws_library(home: Path) -> None:
    run, heavy = cws(isolated_environ(home / "cws"), "templates", "list")
    assert run.returncode == 0 and "python-ml" in run.stdout, run.stderr
    assert heavy == []


def test_real_aws_cached_resolve_needs_no_aws_library_and_stays_with_its_account(
    home: Path,
) -> None:
    """Real AWS (keys in the environment, the sandbox's moto as the endpoint): the second
    resolve is answered from the cache without boto3; other keys do not get that answer."""
    start = subprocess.run(
        [sys.executable, "-m", "cws_jupyter.cli.main", "sandbox", "start", "--json"],
        env=isolated_environ(home / "cws"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    endpoint = json.loads(start.stdout)["endpoint_url"]

    def env_for(key: str) -> dict[str, str]:
        return {
            **isolated_environ(home / "cws"),
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_REGION": "us-east-1",
        }

    args = ("ami", "resolve", "python-ml", "--region", "eu-west-1", "--json")
    first, _ = cws(env_for("AKIAFIRSTUSER"), *args)
    assert first.returncode == 0, first.stderr
    cached, heavy = cws(env_for("AKIAFIRSTUSER"), *args)
    assert cached.returncode == 0, cached.stderr
    assert json.loads(cached.stdout)["aws_calls"] == 0
    assert heavy == [], heavy
    other, heavy = cws(env_for("AKIASECONDUSER"), *args)
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout)["aws_calls"] > 0  # not answered from the first's cache
    assert "botocore" in heavy
