"""REST handler overhead: a warm resolve through a real `jupyter server` versus a direct call.

    python benchmarks/bench_rest.py [--runs 100] [--clients 1,8,32] [--seconds 3] [--json]

Starts `jupyter server` with the cws extension on the sandbox (private CWS_HOME, a token, a free
port), resolves python-ml in eu-west-1 once through each path to populate the caches, then times
``--runs`` warm calls of each in this one run: ``GET {base}/cws/api/v1/ami/resolve/python-ml?region=
eu-west-1`` over a keep-alive HTTP connection, and ``CwsService.resolve`` in this process (alone,
and with the JSON serialization the handler also does), plus ``GET version`` (HTTP, token check and
tornado, no service call: the floor any route pays). Reports medians and the REST/direct ratio.

Then throughput under load (issue 8 section 6), for each count in ``--clients``: that many
concurrent clients (asyncio, one keep-alive HTTP/1.1 connection each, a new request as soon as the
last answer is read) for ``--seconds`` on the resolve route and on jupyter's own ``/api/status``,
side by side, interleaved (status, resolve) over ``--rounds`` rounds; reported: requests per
second and the 99th-percentile latency of the best round of each, and resolve/status (goal: at
least 0.7 at 32 clients).
"""

from __future__ import annotations

import argparse
import asyncio
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


async def _client(port: int, path: str, token: str, stop_at: float, latencies: list[float]) -> int:
    """One keep-alive client sending ``GET path`` back to back until ``stop_at``; returns how
    many answers it read (each one a 200, its latency appended to ``latencies``)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: token {token}\r\n\r\n"
    ).encode()
    done = 0
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"GET {path}: {head[:200]!r}")
            headers = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
            headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
            if b"content-length" in headers:
                await reader.readexactly(int(headers[b"content-length"]))
            elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                raise RuntimeError(f"GET {path}: an answer of unknown length")
            latencies.append(time.perf_counter() - started)
            done += 1
    finally:
        writer.close()
    return done


async def _load(
    port: int, path: str, token: str, clients: int, seconds: float
) -> tuple[float, float]:
    """``clients`` concurrent clients for ``seconds``: (requests per second, p99 in ms)."""
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + seconds
    counts = await asyncio.gather(
        *(_client(port, path, token, stop_at, latencies) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return sum(counts) / elapsed, p99 * 1000


def throughput(
    port: int, token: str, clients: list[int], seconds: float, rounds: int
) -> list[dict[str, Any]]:
    """Resolve vs ``/api/status`` at each client count (best round of each)."""
    paths = {
        "status": f"{BASE_URL}api/status",
        "resolve": f"{BASE_URL}cws/api/v1/ami/resolve/{TEMPLATE}?region={REGION}",
    }
    table = []
    for count in clients:
        for path in paths.values():  # warm-up: connections, caches
            asyncio.run(_load(port, path, token, count, min(0.5, seconds)))
        found: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
        for _ in range(rounds):
            for name, path in paths.items():
                found[name].append(asyncio.run(_load(port, path, token, count, seconds)))
        best = {name: max(results) for name, results in found.items()}
        table.append(
            {
                "clients": count,
                "status_rps": round(best["status"][0]),
                "status_p99_ms": round(best["status"][1], 1),
                "resolve_rps": round(best["resolve"][0]),
                "resolve_p99_ms": round(best["resolve"][1], 1),
                "ratio": round(best["resolve"][0] / best["status"][0], 2),
            }
        )
    return table


def run(
    runs: int, clients: list[int] | None = None, seconds: float = 3.0, rounds: int = 2
) -> dict[str, Any]:
    """Both measurements in one run; returns the medians (ms) and the ratio, and the
    throughput table at each of ``clients`` concurrent clients."""
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
        load = throughput(port, token, clients or [], seconds, rounds)
        return {
            "runs": runs,
            "rest_ms": round(rest_ms, 3),
            "direct_ms": round(direct_ms, 3),
            "direct_plus_json_ms": round(direct_json_ms, 3),
            "version_ms": round(floor_ms, 3),
            "handler_overhead_ms": round(rest_ms - direct_ms, 3),
            "ratio": round(rest_ms / direct_ms, 1),
            "load_seconds": seconds,
            "load_rounds": rounds,
            "load": load,
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
    parser.add_argument(
        "--clients",
        default="1,8,32",
        help="concurrent client counts for the throughput table, comma-separated ('' to skip)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement under load")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds under load")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if any(c < 1 for c in clients):
        parser.error("--clients: counts of at least 1")
    result = run(max(args.runs, 50), clients, max(args.seconds, 0.5), max(args.rounds, 1))
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
    if result["load"]:
        print(
            f"\nthroughput, keep-alive clients, best of {result['load_rounds']} x "
            f"{result['load_seconds']:g} s (goal: resolve >= 0.7x /api/status at 32 clients)"
        )
        print(f"  {'clients':>7}  {'/api/status':>22}  {'resolve':>22}  ratio")
        for row in result["load"]:
            print(
                f"  {row['clients']:>7}  {row['status_rps']:>7} req/s p99 {row['status_p99_ms']:6.1f} ms"
                f"  {row['resolve_rps']:>7} req/s p99 {row['resolve_p99_ms']:6.1f} ms"
                f"  {row['ratio']:5.2f}"
            )


if __name__ == "__main__":
    main()
