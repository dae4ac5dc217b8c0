"""Several `cws-registry` processes on one PostgreSQL and one Redis, as behind a load balancer:
every process gives the same answers, and a write through one invalidates the others' caches."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from registry_support import Api, submission

from cws_jupyter.core.registry import CommunityRegistry

AMIS = "/api/v1/community/amis"
SERVING = re.compile(r"serving http://127\.0\.0\.1:(\d+)")


class Process:
    """A `cws-registry` server process on a port of its choosing."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CWS_", "AWS_"))}
        env["CWS_HOME"] = str(log.parent / "home")
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = SERVING.search(log.read_text(errors="replace"))
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"cws-registry did not start:\n{log.read_text(errors='replace')}")

    def stop(self) -> None:
        """SIGTERM (a graceful stop), SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def registry_argv(db: str, *extra: str) -> list[str]:
    """The server command (as `cws-registry`, through this interpreter)."""
    return [
        sys.executable,
        "-m",
        "cws_jupyter.registry_server.main",
        "--db",
        db,
        "--port",
        "0",
        "--no-verify",
        "--threads",
        "4",
        *extra,
    ]


@pytest.fixture
def two_servers(
    pg_url: str, redis_ready: str, redis_prefix: str, tmp_path: Path
) -> Iterator[tuple[Process, Process]]:
    """Two processes on one schema and one Redis prefix, each checking for the other's writes
    on every read (``--max-staleness-ms 0``: no answer is behind any committed write)."""
    argv = registry_argv(
        pg_url, "--cache", redis_ready, "--cache-prefix", redis_prefix, "--max-staleness-ms", "0"
    )
    first = Process(argv, tmp_path / "one.log")
    try:
        second = Process(argv, tmp_path / "two.log")
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()
    for proc in (first, second):
        assert proc.proc.returncode == 0, proc.log.read_text(errors="replace")


def test_two_processes_on_one_postgresql_agree_and_invalidate_each_other(
    two_servers: tuple[Process, Process], pg_url: str
) -> None:
    one, two = (Api(p.url) for p in two_servers)
    admin = CommunityRegistry.open(pg_url)
    try:
        alice = admin.create_token("alice").token
        bob = admin.create_token("bob").token
        carol = admin.create_token("carol").token
    finally:
        admin.close()

    assert two.get(AMIS).json()["total"] == 0  # cached by process two
    record = one.post(AMIS, submission(1), alice).json()
    assert two.get(AMIS).json()["total"] == 1  # process one's write invalidated two's cache

    path = f"{AMIS}/{record['ami_id']}"
    assert two.get(path).json()["rating"] is None  # cached by two
    assert one.post(f"{path}/rate", {"rating": 2}, bob).status_code == 200
    assert two.get(path).json()["rating"] == 2.0
    assert two.post(f"{path}/rate", {"rating": 4}, carol).status_code == 200
    assert one.get(path).json()["rating"] == 3.0
    assert one.get(path).json() == two.get(path).json()
    assert one.get(AMIS).json() == two.get(AMIS).json()


def test_ratings_spread_over_two_processes_are_exact(
    two_servers: tuple[Process, Process], pg_url: str
) -> None:
    admin = CommunityRegistry.open(pg_url)
    try:
        owner = admin.create_token("owner").token
        tokens = [admin.create_token(f"v{n}").token for n in range(20)]
    finally:
        admin.close()
    urls = [p.url for p in two_servers]
    record = Api(urls[0]).post(AMIS, submission(2), owner).json()
    path = f"{AMIS}/{record['ami_id']}/rate"

    def vote(n: int) -> int:
        client = Api(urls[n % 2])
        first = client.post(path, {"rating": 1}, tokens[n]).status_code
        second = Api(urls[(n + 1) % 2]).post(path, {"rating": 1 + n % 5}, tokens[n]).status_code
        return first + second

    with ThreadPoolExecutor(20) as pool:
        assert set(pool.map(vote, range(20))) == {400}
    expected = [1 + n % 5 for n in range(20)]
    for url in urls:
        details = Api(url).get(f"{AMIS}/{record['ami_id']}").json()
        assert details["rating_count"] == 20
        assert details["rating"] == sum(expected) / 20


def test_a_second_process_cannot_open_a_duckdb_file_in_use(tmp_path: Path) -> None:
    db = f"duckdb://{tmp_path / 'registry.duckdb'}"
    first = Process(registry_argv(db), tmp_path / "first.log")
    try:
        second = subprocess.run(
            registry_argv(db), capture_output=True, text=True, timeout=60, check=False
        )
        assert second.returncode == 1
        assert "in use by another process" in second.stderr
        assert "PostgreSQL" in second.stderr
        assert requests.get(first.url + "/health", timeout=10).json()["ok"] is True
    finally:
        first.stop()


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def test_processes_share_one_port_and_stop_together(pg_url: str, tmp_path: Path) -> None:
    """`--processes 2`: two servers behind one port (as on a two-core host), one answer."""
    admin = CommunityRegistry.open(pg_url)
    try:
        alice = admin.create_token("alice").token
        bob = admin.create_token("bob").token
    finally:
        admin.close()
    server = Process(
        registry_argv(pg_url, "--processes", "2", "--max-staleness-ms", "0"),
        tmp_path / "forked.log",
    )
    try:
        children = _children(server.proc.pid)
        assert len(children) == 2
        record = Api(server.url).post(AMIS, submission(3), alice).json()
        path = f"{AMIS}/{record['ami_id']}"
        assert Api(server.url).post(f"{path}/rate", {"rating": 5}, bob).status_code == 200
        # new connections land on either process: every one sees the write
        answers = [Api(server.url).get(path).json()["rating"] for _ in range(12)]
        assert answers == [5.0] * 12
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.log.read_text(errors="replace")
    for child in children:
        assert not Path(f"/proc/{child}").exists()


def test_processes_need_postgresql(tmp_path: Path) -> None:
    done = subprocess.run(
        registry_argv(f"duckdb://{tmp_path / 'registry.duckdb'}", "--processes", "2"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "processes" in done.stderr and "PostgreSQL" in done.stderr
