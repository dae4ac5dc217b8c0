"""The region list is shipped data generated from botocore's endpoint data: equal to what the
installed botocore knows, read without botocore (no session, no profile), so a broken AWS profile
or config file cannot break a command that only checks a region name."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cws_testing import isolate, isolated_environ

from cws_jupyter.core.regions import commercial_regions, partition_of
from cws_jupyter.core.regions.generate import botocore_regions, document
from cws_jupyter.core.regions.known import PARTITIONS, known_regions, region_data
from cws_jupyter.core.templates.fields import check_region

CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]


def test_the_shipped_list_is_what_the_installed_botocore_knows() -> None:
    """If this fails after a botocore upgrade: python -m cws_jupyter.core.regions.generate"""
    shipped = region_data()["partitions"]
    assert shipped == botocore_regions()
    assert set(shipped) == set(PARTITIONS)


def test_the_installed_botocore_session_agrees(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The generator reads botocore's data file; a session (as before) lists the same regions."""
    import botocore.session

    isolate(monkeypatch, tmp_path)  # a session reads the profile: not the developer's

    session = botocore.session.Session()
    for partition in PARTITIONS:
        listed = session.get_available_regions("ec2", partition_name=partition)
        assert sorted(listed) == region_data()["partitions"][partition]


def test_the_data_file_says_where_it_comes_from() -> None:
    data = region_data()
    assert data["source"].startswith("botocore ") and "endpoints.json" in data["source"]
    assert data["regenerate"] == "python -m cws_jupyter.core.regions.generate"
    assert len(data["as_of"]) == 10  # an ISO date
    assert document()["partitions"] == data["partitions"]


def test_the_generator_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "regions.json"
    out = subprocess.run(
        [sys.executable, "-m", "cws_jupyter.core.regions.generate", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["partitions"] == botocore_regions()


def test_partitions_and_checks_use_the_data() -> None:
    assert {"us-east-1", "cn-north-1", "us-gov-west-1"} <= known_regions()
    assert (partition_of("eu-west-1"), partition_of("cn-north-1")) == ("aws", "aws-cn")
    assert partition_of("us-gov-east-1") == "aws-us-gov" and partition_of("mars-1") is None
    assert "us-east-1" in commercial_regions() and "cn-north-1" not in commercial_regions()
    assert check_region("eu-west-1") == "eu-west-1"
    with pytest.raises(ValueError, match="did you mean us-east-1"):
        check_region("us-esat-1")


def test_checking_a_region_imports_no_botocore() -> None:
    code = (
        "import sys; from cws_jupyter.core.templates.fields import check_region; "
        "check_region('eu-west-1'); from cws_jupyter.core.regions import partition_of; "
        "partition_of('eu-west-1'); print('botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


# -- a broken AWS profile or config file breaks no template command -------------------------------

BROKEN = {
    "missing-profile": {"AWS_PROFILE": "nonexistent"},
    "unparsable-config": {"AWS_CONFIG_FILE": "{home}/broken-config"},
    "both": {"AWS_PROFILE": "nonexistent", "AWS_CONFIG_FILE": "{home}/broken-config"},
}
TEMPLATE = """\
name: Pinned
ami_config:
  ami_mappings: {eu-west-1: ami-0123456789abcdef0, cn-north-1: ami-0123456789abcdef1}
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user home with a sandbox, an unparsable AWS config file and a template to validate."""
    path = tmp_path_factory.mktemp("broken-aws")
    (path / "broken-config").write_text("[default\nregion = \n= nonsense [[\n", encoding="utf-8")
    (path / "pinned.yml").write_text(TEMPLATE, encoding="utf-8")
    env = _env(path, {})
    subprocess.run([*CWS, "sandbox", "start"], env=env, check=True, capture_output=True, timeout=90)
    yield path
    subprocess.run([*CWS, "sandbox", "stop"], env=env, capture_output=True, timeout=60)


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {**isolated_environ(home / "cws"), "HOME": str(home)}
    env.update({k: v.format(home=home) for k, v in extra.items()})
    return env


def _cws(home: Path, broken: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(home, BROKEN[broken])
    return subprocess.run([*CWS, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_templates_list_works(home: Path, broken: str) -> None:
    out = _cws(home, broken, "templates", "list", "--json")
    assert out.returncode == 0, out.stderr
    listing = json.loads(out.stdout)
    assert listing["errors"] == [] and "python-ml" in {t["slug"] for t in listing["templates"]}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_templates_validate_works(home: Path, broken: str) -> None:
    out = _cws(home, broken, "templates", "validate", "--json", str(home / "pinned.yml"))
    assert out.returncode == 0, out.stdout + out.stderr
    (check,) = json.loads(out.stdout)
    assert check["ok"] and check["errors"] == []


@pytest.mark.sandbox
@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_sandbox_resolve_works(home: Path, broken: str) -> None:
    out = _cws(
        home, broken, "--sandbox", "ami", "resolve", "python-ml", "--region", "eu-west-1", "--json"
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["region"] == "eu-west-1" and result["ami_id"].startswith("ami-")
    assert "Traceback" not in out.stderr
