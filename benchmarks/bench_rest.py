"""REST handler overhead: a warm resolve through a real `jupyter server` versus a direct call.

    python benchmarks/bench_rest.py [--runs 100] [--json]

Starts `jupyter server` with the cws extension on the sandbox (private CWS_HOME, a token, a free
port), resolves python-ml in eu-west-1 once through each path to populate the caches, then times
``--runs`` warm calls of each in this one run: ``GET {base}/cws/api/v1/ami/resolve/python-ml?region=
eu-west-1`` over a keep-alive HTTP connection, and ``CwsService.resolve`` in this process (alone,
and with the JSON serialization the handler also does), plus ``GET version`` (HTTP, token check and
tornado, no service call: the floor any route pays). Reports medians and the REST/direct ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMPLATE, REGION = "python-ml", "eu-west-1"
BASE_URL = "/bench/"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    """`jupyter server` with the extension on the sandbox; returns once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CWS_", "JUPYTER_"))}
    env.update(
        HOME=str(home),
        CWS_HOME=str(home / "cws"),
        AWS_EC2_METADATA_DISABLED="true",
        JUPYTER_CONFIG_DIR=str(home / "jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    extensions = {"cws_jupyter": True, "jupyter_server_terminals": False}
    argv = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.base_url={BASE_URL}",
        f"--ServerApp.root_dir={home}",
        "--log-level=WARN",
        f"--ServerApp.jpserver_extensions={extensions!r}",
        "--CwsExtensionApp.sandbox=True",
    ]
    with (home / "server.log").open("wb") as log:
        process = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if get(probe, "version", token)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"jupyter server did not start:\n{(home / 'server.log').read_text()}")


def get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[int, bytes]:
    """GET a path under the API root on a (kept-alive) connection."""
    conn.request("GET", f"{BASE_URL}cws/api/v1/{path}", headers={"Authorization": f"token {token}"})
    response = conn.getresponse()
    return response.status, response.read()


def median_ms(call: Callable[[], Any], runs: int, warmup: int = 5) -> float:
    """Median wall time of ``call()`` in milliseconds, after a few untimed calls."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(runs: int) -> dict[str, Any]:
    """Both measurements in one run; returns the medians (ms) and the ratio."""
    home = Path(tempfile.mkdtemp(prefix="cws-bench-rest-"))
    os.environ["CWS_HOME"] = str(home / "cws")
    port, token = free_port(), secrets.token_hex(16)
    process = start_server(home, port, token)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        path = f"ami/resolve/{TEMPLATE}?region={REGION}"
        status, body = get(conn, path, token)
        assert status == 200, body
        ami = json.loads(body)["ami_id"]

        def rest() -> None:
            status, body = get(conn, path, token)
            assert status == 200 and json.loads(body)["aws_calls"] == 0

        from cws_jupyter.core.config import Settings
        from cws_jupyter.core.service import CwsService

        service = CwsService(Settings.from_env(sandbox=True))
        assert service.resolve(TEMPLATE, region=REGION).ami_id == ami  # same sandbox, caches warm

        rest_ms = median_ms(rest, runs)
        floor_ms = median_ms(lambda: get(conn, "version", token), runs)
        direct_ms = median_ms(lambda: service.resolve(TEMPLATE, region=REGION), runs)
        direct_json_ms = median_ms(
            lambda: service.resolve(TEMPLATE, region=REGION).model_dump_json(), runs
        )
        return {
            "runs": runs,
            "rest_ms": round(rest_ms, 3),
            "direct_ms": round(direct_ms, 3),
            "direct_plus_json_ms": round(direct_json_ms, 3),
            "version_ms": round(floor_ms, 3),
            "handler_overhead_ms": round(rest_ms - direct_ms, 3),
            "ratio": round(rest_ms / direct_ms, 1),
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        from cws_jupyter.core.sandbox import stop

        stop(home / "cws" / "state")


def main() -> None:
    """Command line: print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="timed calls per path (>= 50)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    result = run(max(args.runs, 50))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"warm resolve {TEMPLATE} {REGION}, median of {result['runs']} calls each")
    print(f"  REST (GET over keep-alive HTTP)    {result['rest_ms']:8.3f} ms")
    print(f"  direct service.resolve             {result['direct_ms']:8.3f} ms")
    print(f"  direct + model_dump_json           {result['direct_plus_json_ms']:8.3f} ms")
    print(f"  GET version (HTTP + auth floor)    {result['version_ms']:8.3f} ms")
    print(f"  handler overhead (REST - direct)   {result['handler_overhead_ms']:8.3f} ms")
    print(f"  ratio REST / direct                {result['ratio']:8.1f} x")


if __name__ == "__main__":
    main()
