"""Fixtures for the sandbox tests: real server processes in temporary state folders."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cws_testing import scrub_aws_env

from cws_jupyter.core.sandbox import SANDBOX_CREDENTIALS, SandboxInfo, ensure_running, stop
from cws_jupyter.core.sandbox.runtime import SERVER_MODULE, pid_alive

ClientFactory = Callable[[str, str], Any]


def server_pids(state_dir: Path) -> list[int]:
    """Live sandbox server processes whose runtime file is in ``state_dir`` (Linux /proc)."""
    marker = str(state_dir / "sandbox.json")
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if SERVER_MODULE in cmdline and marker in cmdline and pid_alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


def _stop_everything(state_dir: Path) -> None:
    """Stop the sandbox of ``state_dir`` and any stray server a failed test left behind."""
    stop(state_dir)
    if Path("/proc/self").exists():
        for pid in server_pids(state_dir):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(autouse=True)
def _no_user_aws_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's AWS profile, endpoint overrides and proxies out of the tests."""
    scrub_aws_env(monkeypatch)


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh state folder whose sandbox is stopped after the test."""
    folder = tmp_path / "state"
    folder.mkdir()
    yield folder
    _stop_everything(folder)


@pytest.fixture(scope="session")
def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """One sandbox for the read-only seeding tests (they must not change its state)."""
    folder = tmp_path_factory.mktemp("shared-sandbox")
    info = ensure_running(folder)
    yield info
    _stop_everything(folder)


def make_client(info: SandboxInfo, service: str, region: str) -> Any:
    """A boto3 client talking to the sandbox over HTTP."""
    return boto3.client(  # type: ignore[call-overload]
        service, region_name=region, endpoint_url=info.endpoint_url, **SANDBOX_CREDENTIALS
    )


@pytest.fixture
def client(shared_sandbox: SandboxInfo) -> ClientFactory:
    """``client(service, region)``: a boto3 client of the shared sandbox."""
    return lambda service, region: make_client(shared_sandbox, service, region)


@pytest.fixture
def client_of() -> Callable[[SandboxInfo, str, str], Any]:
    """``client_of(info, service, region)``: a boto3 client of any sandbox."""
    return make_client


@pytest.fixture
def count_servers() -> Callable[[Path], list[int]]:
    """``count_servers(state_dir)``: pids of the live servers of that folder (Linux only)."""
    if not Path("/proc/self").exists():
        pytest.skip("needs /proc to list processes")
    return server_pids
