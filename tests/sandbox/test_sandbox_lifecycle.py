"""One sandbox per user: start on demand, reuse, concurrent starters, stop, stale files, reset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cws_jupyter.core.errors import AwsUnavailable
from cws_jupyter.core.sandbox import (
    SandboxInfo,
    ensure_running,
    load_world,
    manager,
    reset,
    runtime,
    status,
    stop,
)

pytestmark = pytest.mark.sandbox

LAB_IMAGE_NAME = next(
    i.name for i in load_world().images() if i.family == "cws-teaching-lab"
)  # dated relative to today

ClientOf = Callable[[SandboxInfo, str, str], Any]

# Waits for a "go" file, then starts (or finds) the sandbox and prints its runtime info.
STARTER = """
import sys, time
from pathlib import Path
from cws_jupyter.core.sandbox import ensure_running

go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
print(ensure_running(Path(sys.argv[1])).model_dump_json())
"""


def _dead_pid() -> int:
    """The pid of a process that has already exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_ensure_running_twice_returns_the_same_server(state_dir: Path) -> None:
    """The second call finds the first server through the runtime file."""
    first = ensure_running(state_dir)
    second = ensure_running(state_dir)
    assert second == first
    assert first.endpoint_url == f"http://127.0.0.1:{first.port}"
    assert (first.account_id, first.world) == ("123456789012", load_world().source)
    assert runtime.read_runtime(state_dir / "sandbox.json") == first
    assert status(state_dir) == first
    assert runtime.pid_alive(first.pid) and first.pid != os.getpid()


def test_concurrent_starters_share_one_server(
    state_dir: Path, tmp_path: Path, count_servers: Callable[[Path], list[int]]
) -> None:
    """Three processes asking at the same moment end up with one server, the same for all."""
    go = tmp_path / "go"
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(state_dir), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    time.sleep(0.3)  # let them all import and wait at the gate
    go.touch()
    outputs = [proc.communicate(timeout=60) for proc in starters]
    assert [proc.returncode for proc in starters] == [0, 0, 0], outputs
    infos = [SandboxInfo.model_validate(json.loads(out)) for out, _ in outputs]
    assert len({info.pid for info in infos}) == 1
    assert count_servers(state_dir) == [infos[0].pid]
    assert status(state_dir) == infos[0]


def test_stop_then_status_is_none(state_dir: Path) -> None:
    """stop() ends the server and removes the runtime file; a second stop finds nothing."""
    info = ensure_running(state_dir)
    assert stop(state_dir) is True
    assert status(state_dir) is None
    assert not (state_dir / "sandbox.json").exists()
    deadline = time.monotonic() + 5
    while runtime.pid_alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not runtime.pid_alive(info.pid)
    assert stop(state_dir) is False


def test_stale_runtime_file_is_cleaned_and_replaced(state_dir: Path) -> None:
    """A runtime file naming a dead process is removed by status() and replaced on start."""
    stale = SandboxInfo(
        endpoint_url="http://127.0.0.1:9", port=9, pid=_dead_pid(),
        started_at="2025-01-01T00:00:00+00:00", account_id="123456789012", world="old",
    )  # fmt: skip
    runtime_file = state_dir / "sandbox.json"
    runtime.write_runtime(runtime_file, stale)
    assert status(state_dir) is None
    assert not runtime_file.exists()

    runtime.write_runtime(runtime_file, stale)
    info = ensure_running(state_dir)
    assert info.pid != stale.pid and runtime.probe(info)
    assert runtime.read_runtime(runtime_file) == info


def test_garbled_runtime_file_is_replaced(state_dir: Path) -> None:
    """A half-written runtime file (not valid JSON) counts as no sandbox."""
    (state_dir / "sandbox.json").write_text('{"endpoint_url": "http://127.0.0.1:')
    assert status(state_dir) is None
    info = ensure_running(state_dir)
    assert runtime.read_runtime(state_dir / "sandbox.json") == info


def test_crash_mid_write_keeps_the_old_runtime_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails before the rename, the old file is intact and no temp file is left."""
    path = tmp_path / "sandbox.json"
    old = SandboxInfo(
        endpoint_url="http://127.0.0.1:1234", port=1234, pid=1,
        started_at="2025-01-01T00:00:00+00:00", account_id="123456789012", world="w",
    )  # fmt: skip
    runtime.write_runtime(path, old)

    def crash(src: str, dst: str) -> None:
        """Simulate dying between writing the temp file and renaming it."""
        raise OSError("disk gone")

    monkeypatch.setattr(runtime.os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        runtime.write_runtime(path, old.model_copy(update={"port": 4321}))
    assert runtime.read_runtime(path) == old
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"]


def test_reset_wipes_user_state_and_keeps_the_world(state_dir: Path, client_of: ClientOf) -> None:
    """An image made from an instance, and the instance, are gone after reset; the world stays."""
    world = load_world()
    info = ensure_running(state_dir)
    ec2 = client_of(info, "ec2", "us-east-1")
    ubuntu = world.family("ubuntu-24.04").image_id("us-east-1", "x86_64")
    run = ec2.run_instances(ImageId=ubuntu, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    instance_id = run["Instances"][0]["InstanceId"]
    mine = ec2.create_image(InstanceId=instance_id, Name="my-lab-v2")["ImageId"]
    names = sorted(i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"])
    assert names == [LAB_IMAGE_NAME, "my-lab-v2"]

    assert reset(state_dir) == info  # same server, state wiped in place
    names = sorted(i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"])
    assert names == [LAB_IMAGE_NAME]
    with pytest.raises(ClientError, match="InvalidAMIID.NotFound"):
        ec2.describe_images(ImageIds=[mine])
    assert ec2.describe_instances()["Reservations"] == []
    seeded = ec2.describe_images(Owners=sorted({i.owner_id for i in world.images()}))["Images"]
    assert len(seeded) == len([i for i in world.images() if i.region == "us-east-1"])
    param = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
    ssm = client_of(info, "ssm", "us-east-1")
    assert ssm.get_parameter(Name=param)["Parameter"]["Value"] == ubuntu


def test_moto_reset_endpoint_reseeds_too(state_dir: Path, client_of: ClientOf) -> None:
    """moto's own /moto-api/reset cannot leave an empty account behind."""
    info = ensure_running(state_dir)
    ec2 = client_of(info, "ec2", "eu-central-1")
    ec2.create_key_pair(KeyName="student")
    answer = runtime.post(info, "/moto-api/reset")
    assert answer == {"reset": True, "images": len(load_world().images())}
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    lab = ec2.describe_images(Owners=["self"])["Images"]
    assert [i["Name"] for i in lab] == [LAB_IMAGE_NAME]


def test_reset_starts_a_sandbox_when_none_runs(state_dir: Path) -> None:
    """reset() on a stopped sandbox starts one (seeded)."""
    assert status(state_dir) is None
    info = reset(state_dir)
    assert status(state_dir) == info


def test_slow_start_reports_the_log(state_dir: Path) -> None:
    """A server that is not up in time is stopped, and the error names the log."""
    with pytest.raises(AwsUnavailable, match=r"did not come up within 0\.01 s.*sandbox\.log"):
        ensure_running(state_dir, timeout=0.01)
    assert not (state_dir / "sandbox.json").exists()


def test_missing_moto_says_what_to_install(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without moto's server the error tells the user which extra to install."""
    real = manager.importlib.util.find_spec
    monkeypatch.setattr(
        manager.importlib.util, "find_spec", lambda name: None if name == "moto" else real(name)
    )
    with pytest.raises(AwsUnavailable, match=r"pip install 'cws-jupyter\[sandbox\]'") as err:
        ensure_running(state_dir)
    assert err.value.code == "aws_unavailable"
    assert status(state_dir) is None
