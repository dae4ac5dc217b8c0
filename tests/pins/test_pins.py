"""Reproducible pins: `--pin` records the answer in cws.lock; while pinned, a template and region
answer their pinned image even when a newer one appears; `--refresh` moves the pin; a pinned
image that is gone is a warning and a fresh answer, the lock unchanged."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import yaml
from cws_testing import isolated_environ

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.pins.lockfile import LockFile
from cws_jupyter.core.service import CwsService

#: The teaching lab's own image in eu-central-1 is found by dynamic search (the newest match).
TEMPLATE, REGION = "teaching-lab", "eu-central-1"


def newer_teaching_lab_image(service: CwsService, region: str) -> str:
    """A newer image the teaching lab's search matches (a copy of its build, renamed)."""
    ec2 = service.access.client("ec2", region)
    current = service.resolve(TEMPLATE, region=region, lock_file=Path("/nonexistent/no.lock"))
    copy = ec2.copy_image(
        SourceImageId=current.ami_id,
        SourceRegion=region,
        Name=f"cws-teaching-lab-9.9.{uuid.uuid4().hex[:6]}-x86_64",
    )["ImageId"]
    ec2.create_tags(Resources=[copy], Tags=[{"Key": "Template", "Value": "teaching-lab"}])
    return str(copy)


def test_pin_then_a_newer_image_does_not_move_the_answer(service: CwsService, lock: Path) -> None:
    pinned = service.resolve(TEMPLATE, region=REGION, pin=True, lock_file=lock)
    assert pinned.pinned and pinned.ami_id
    entry = LockFile.read(lock).get(TEMPLATE, REGION)
    assert entry is not None and entry.ami_id == pinned.ami_id
    assert entry.method == "dynamic_search" and entry.name and entry.owner and entry.created

    newer = newer_teaching_lab_image(service, REGION)
    try:
        again = service.resolve(TEMPLATE, region=REGION, lock_file=lock)
        assert again.pinned and again.ami_id == pinned.ami_id != newer
        assert again.resolution_method.value == "dynamic_search"
        assert "pinned in" in again.fallback_chain[0].reason

        fresh = service.resolve(TEMPLATE, region=REGION, refresh=True, lock_file=lock)
        assert fresh.ami_id == newer and fresh.pinned
        assert LockFile.read(lock).get(TEMPLATE, REGION).ami_id == newer  # type: ignore[union-attr]
    finally:
        service.access.client("ec2", REGION).deregister_image(ImageId=newer)


def test_a_deregistered_pin_warns_and_answers_afresh(service: CwsService, lock: Path) -> None:
    gone = newer_teaching_lab_image(service, "us-east-1")
    service.resolve(TEMPLATE, region="us-east-1", lock_file=lock)  # not pinned yet
    LockFile.model_validate(
        {
            "pins": {
                TEMPLATE: {
                    "us-east-1": {
                        "ami_id": gone,
                        "method": "dynamic_search",
                        "pinned_at": "2026-09-01T00:00:00Z",
                    }
                }
            }
        }
    ).write(lock)
    service.access.client("ec2", "us-east-1").deregister_image(ImageId=gone)
    before = lock.read_text()
    answer = service.resolve(TEMPLATE, region="us-east-1", lock_file=lock)
    assert not answer.pinned and answer.ami_id and answer.ami_id != gone
    assert any(gone in w and str(lock) in w and "--refresh" in w for w in answer.warnings)
    assert lock.read_text() == before


def test_the_lock_file_is_sorted_plain_yaml(service: CwsService, lock: Path) -> None:
    for template, region in [("ubuntu-24-server", "us-west-2"), ("python-ml", "eu-west-1"),
                             ("python-ml", "ap-northeast-1")]:  # fmt: skip
        service.resolve(template, region=region, pin=True, lock_file=lock)
    text = lock.read_text()
    assert text.startswith("# cws.lock")
    data = yaml.safe_load(text)
    assert list(data["pins"]) == ["python-ml", "ubuntu-24-server"]
    assert list(data["pins"]["python-ml"]) == ["ap-northeast-1", "eu-west-1"]
    assert data["version"] == 1


def test_nothing_to_pin_and_copies_are_refused(service: CwsService, lock: Path) -> None:
    with pytest.raises(BadInput) as caught:
        service.resolve("rstudio", region="eu-central-1", pin=True, lock_file=lock)
    assert caught.value.field == "pin" and "no AMI" in caught.value.message
    with pytest.raises(BadInput) as caught:
        service.resolve(TEMPLATE, region="eu-west-1", pin=True, lock_file=lock)
    assert "needs a copy first" in caught.value.message
    assert not lock.exists()


@pytest.mark.parametrize(
    "text, problem",
    [
        ("pins: [1, 2]\n", "pins"),
        ("pins:\n  python-ml:\n    eu-west-1:\n      ami_id: nope\n", "ami_id"),
        ("version: 1\nextra: true\n", "extra"),
        (": : :\n", "not a readable lock file"),
    ],
)
def test_a_damaged_lock_file_is_named(
    service: CwsService, lock: Path, text: str, problem: str
) -> None:
    lock.write_text(text)
    with pytest.raises(BadInput) as caught:
        service.resolve("python-ml", region="eu-west-1", lock_file=lock)
    assert caught.value.field == "lock_file"
    assert str(lock) in caught.value.message and problem in caught.value.message


def test_two_writers_at_once_both_land(service: CwsService, lock: Path) -> None:
    pairs = [("python-ml", "us-east-2"), ("ubuntu-24-server", "us-east-2")]
    threads = [
        threading.Thread(
            target=lambda t=t, r=r: service.resolve(t, region=r, pin=True, lock_file=lock)
        )
        for t, r in pairs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    pins = LockFile.read(lock)
    assert all(pins.get(t, r) is not None for t, r in pairs)


def test_launch_uses_the_pin(
    service: CwsService, lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = service.resolve(TEMPLATE, region="us-east-1", pin=True, lock_file=lock)
    monkeypatch.chdir(lock.parent)  # the default lock file: cws.lock in the current folder
    plan = service.instances.plan(service.get_template(TEMPLATE), "pinned-1", region="us-east-1")
    assert plan.ami_id == pinned.ami_id


def test_cli_pin_and_lock(pin_home: Path, tmp_path: Path) -> None:
    env = isolated_environ(pin_home, sandbox=True)
    cws = [sys.executable, "-m", "cws_jupyter.cli.main"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cws, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    pinned = run("ami", "pin", "python-ml", "--region", "us-west-2", "--json")
    assert pinned.returncode == 0, pinned.stderr
    assert '"pinned": true' in pinned.stdout and (tmp_path / "cws.lock").exists()
    shown = run("ami", "lock")
    assert shown.returncode == 0 and "python-ml in us-west-2" in shown.stdout
    again = run("ami", "resolve", "python-ml", "--region", "us-west-2")
    assert "pinned" in again.stdout
