"""Copying one AMI to 8 regions against copying it to one, with a fixed injected AWS latency.

    python benchmarks/bench_copy.py [--latency-ms 100] [--repeats 5] [--cold-repeats 2]
                                    [--regions 8] [--trace] [--json]

Starts a private sandbox (its own CWS_HOME in a temporary folder, stopped at the end) and copies
the sandbox world's own teaching-lab image (owner "self", ami-05b364d594dcfd9a4 in us-east-1)
with ``service.images.copy`` (plan, job, one thread per region: look for an existing copy,
CopyImage, tag, wait until available, tag the snapshots). Every AWS request sleeps
``--latency-ms`` before it is sent (a botocore ``before-send`` hook on the service's session, so
parallel requests overlap as they would on a network); the hook also counts the requests.

Timed in one run, the two sizes interleaved:

* warm (gated): a copy to one region and to ``--regions`` regions, ``--repeats`` times each, on
  a service whose clients for every region are made and used, worker threads started and state
  store open. Every timed copy is a real one: its copies are deleted, untimed and without the
  injected latency, before the next (a region already holding a copy is skipped instead).
* replayed: the same two copies with the sandbox's answers, recorded once, replayed in this
  process (same requests, parsing, latency and core code; no server work): the fan-out cost of
  cws and botocore alone, whatever the sandbox server and the machine's load add.
* new clients: ``--cold-repeats`` times each, with the same session (service models loaded) but
  no client yet, so creating a client per region is timed.
* new session+service: as a new CLI process would (minus imports): models, clients, the images
  part and the state store connection are timed too.

Columns: median wall time; HTTP requests sent; round trips at the injected latency (wall /
latency); the fewest sequential requests (the plan's, plus the longest chain one region's thread
made); the wall time beyond those round trips; the mean time a request spent at the sandbox
server (send to response: its work and its queue); the CPU time this process and the sandbox
server used during the copy; the ratio to the one-region copy of the same kind. Goal: the warm
N-region copy within 1.5x of the warm one-region copy; exit code 0 when it holds, 1 when not.
The other rows are reported, not gated. The sandbox's copies are available at once, so a copy's
wait is one poll; the poll interval is printed all the same.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse

from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.images.models import CopyResult
from cws_jupyter.core.sandbox import ensure_running, stop, world_image_id
from cws_jupyter.core.service import CwsService

SOURCE_REGION = "us-east-1"
SOURCE_AMI = world_image_id("cws-teaching-lab", SOURCE_REGION, "x86_64")  # ami-05b364d594dcfd9a4
#: Copy targets, in order: the one-region copy goes to the first, the N-region copy to the first N.
TARGETS = [
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-south-1",
    "sa-east-1",
    "eu-north-1",
]
GOAL = 1.5
#: A recorded answer: (region, operation, n-th such call in the copy) -> (status, headers, body).
Tape = dict[tuple[str, str, int], tuple[int, dict[str, str], bytes]]


@dataclass
class Trace:
    """The API calls of one copy: (seconds from start, thread, operation, region)."""

    started: float = 0.0
    calls: list[tuple[float, str, str, str]] = field(default_factory=list)
    #: Per request: from sending it (after the injected latency) to having its response.
    server_ms: list[float] = field(default_factory=list)

    def critical_path(self) -> int:
        """Sequential requests: the calling thread's own, plus the longest chain one worker made."""
        per_thread = Counter(thread for _, thread, _, _ in self.calls)
        main = per_thread.pop(threading.main_thread().name, 0)
        return main + max(per_thread.values(), default=0)


class _Body:
    """A recorded response body, as botocore reads a raw HTTP response."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> list[bytes]:
        return [self.body]


class Probe:
    """Hooks on the service's session: the injected latency and a request count (``before-send``),
    the server's time per request (``before-parse``), the calls of the current copy
    (``AwsAccess.on_call``); and, for the replayed rows, recording and replaying the answers."""

    def __init__(self, latency_s: float, server_pid: int) -> None:
        """Sleep ``latency_s`` before every request (sandbox server: ``server_pid``)."""
        self.latency_s = latency_s
        self.server_pid = server_pid
        self.on = True  # inject the latency
        self.mode = "live"  # or "record" (into ``tape``), or "play" (answer from ``tape``)
        self.tape: Tape = {}
        self.requests = 0
        self.trace: Trace | None = None
        self._seen: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()

    def attach(self, access: AwsAccess) -> None:
        """Hook into an access object's session (before it makes clients) and its calls."""
        events = access.session.events
        if not getattr(access.session, "_bench_probe", False):  # once per session
            events.register("before-send", self.before_send)
            events.register("before-parse", self.before_parse)
            access.session._bench_probe = True  # type: ignore[attr-defined]
        access.on_call(self.on_call)

    def start(self, mode: str = "live", tape: Tape | None = None) -> Trace:
        """A new copy begins: a fresh trace and call numbering."""
        self.mode, self.tape = mode, tape if tape is not None else {}
        self._seen.clear()
        self.trace = Trace(started=time.perf_counter())
        return self.trace

    def end(self) -> None:
        """The copy is over: back to live, untraced requests."""
        self.mode, self.trace = "live", None

    def on_call(self, operation: str, region: str) -> None:
        """Called by ``AwsAccess`` (botocore's ``before-call``) for every API call."""
        trace = self.trace
        with self._lock:
            n = self._seen[(region, operation)]
            self._seen[(region, operation)] += 1
        self._local.key = (region, operation, n)
        if trace is not None:
            at = time.perf_counter() - trace.started
            trace.calls.append((at, threading.current_thread().name, operation, region))

    def before_send(self, request: Any = None, **_: Any) -> AWSResponse | None:
        """Just before a request goes on the wire (retries too): count, sleep, maybe answer."""
        with self._lock:
            self.requests += 1
        if self.on:
            time.sleep(self.latency_s)
        self._local.sent = time.perf_counter()
        if self.mode == "play":
            status, headers, body = self.tape[self._local.key]
            return AWSResponse(request.url, status, headers, _Body(body))
        return None

    def before_parse(self, response_dict: Any = None, **_: Any) -> None:
        """The response is in: the server's time (its queue included); record the answer."""
        sent = getattr(self._local, "sent", None)
        if self.trace is not None and sent is not None:
            self.trace.server_ms.append((time.perf_counter() - sent) * 1000)
        if self.mode == "record" and response_dict is not None:
            self.tape[self._local.key] = (
                response_dict["status_code"],
                dict(response_dict["headers"]),
                response_dict["body"],
            )


@dataclass
class Sample:
    """One timed copy."""

    wall_ms: float
    requests: int
    trace: Trace
    cpu_ms: float  # this process (every thread)
    server_cpu_ms: float | None  # the sandbox server process (None where /proc is missing)


@dataclass
class Row:
    """One line of the result table."""

    scenario: str
    wall_ms: float
    walls_ms: list[float]
    requests: int
    round_trips: float
    critical_path: int
    overhead_ms: float
    request_ms: float
    cpu_ms: float
    server_cpu_ms: float | None
    ratio: float
    verdict: str


def process_cpu_ms(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def machine_cpu_ms() -> tuple[float, float] | None:
    """(busy, total) CPU time of the whole machine so far, every CPU, from /proc/stat (Linux)."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    scale = 1000 / os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) * scale, sum(ticks) * scale


# -- services ------------------------------------------------------------------------------------
def new_service(home: Path, probe: Probe) -> CwsService:
    """A service on the private sandbox as the CLI builds it (``AwsAccess.from_settings``: the
    sandbox's own poll interval), hooked before it makes any client, so every client has the hooks."""
    settings = Settings.model_validate(
        {
            "region": SOURCE_REGION,
            "sandbox": True,
            "template_path": [home / "templates"],
            "user_template_dir": home / "user",
            "cache_dir": home / "cache",
            "state_dir": home / "state",
        }
    )
    service = CwsService(settings)
    probe.attach(service.access)
    return service


def fresh_clients(service: CwsService, probe: Probe) -> CwsService:
    """A service sharing ``service``'s session (models loaded), store and tables, but with a new
    ``AwsAccess``: no client exists yet, so the copy creates one per region it touches."""
    old = service.access
    access = AwsAccess(
        old.session,
        endpoint_url=old.endpoint_url,
        label=old.label,
        max_pool_connections=old.config.max_pool_connections,
        poll_seconds=old.poll_seconds,
    )
    probe.attach(access)
    fresh = CwsService(service.settings, access=access)
    for name in ("store", "prices", "regions", "library"):
        fresh.__dict__[name] = getattr(service, name)
    fresh.images  # noqa: B018 - the images part (no AWS call): only the clients are left cold
    return fresh


# -- one copy ------------------------------------------------------------------------------------
def timed_copy(
    service: CwsService,
    probe: Probe,
    targets: list[str],
    mode: str = "live",
    tape: Tape | None = None,
) -> tuple[Sample, CopyResult]:
    """Copy the source image to ``targets``, timed; every region must have really copied."""
    trace = probe.start(mode, tape)
    requests, server_cpu, cpu = (
        probe.requests,
        process_cpu_ms(probe.server_pid),
        time.process_time(),
    )
    try:
        started = time.perf_counter()
        result = service.images.copy(SOURCE_AMI, targets, source_region=SOURCE_REGION)
        wall_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        server_now = process_cpu_ms(probe.server_pid)
    finally:
        probe.end()
    problems = [f"{r.region}: {r.status} {r.message}" for r in result.rows if r.status != "copied"]
    if problems or result.copied != len(targets):
        raise SystemExit(f"a timed copy did not copy every region: {problems}")
    server_ms = None if server_cpu is None or server_now is None else server_now - server_cpu
    return Sample(wall_ms, probe.requests - requests, trace, cpu_ms, server_ms), result


def delete_copies(service: CwsService, probe: Probe, result: CopyResult) -> None:
    """Remove a copy's images (and snapshots) from every region, without the injected latency."""
    copies = {row.region: row.ami_id for row in result.rows if row.ami_id}
    probe.on = False
    try:
        outcome = service.images.ctx.for_regions(
            list(copies), lambda region: service.images.delete(copies[region], region, yes=True)
        )
    finally:
        probe.on = True
    failed = [f"{region}: {why}" for region, why in outcome.items() if isinstance(why, Exception)]
    if failed:
        raise SystemExit(f"could not delete the copies: {failed}")


def copy_once(service: CwsService, probe: Probe, targets: list[str], mode: str = "live") -> Sample:
    """A real, timed copy to ``targets`` (recorded with mode "record"), then its copies deleted."""
    sample, result = timed_copy(service, probe, targets, mode)
    delete_copies(service, probe, result)
    return sample


# -- the run -------------------------------------------------------------------------------------
def run(
    latency_ms: float, repeats: int, cold_repeats: int, n_regions: int
) -> tuple[list[Row], dict[str, Any]]:
    """Every scenario in one run; the rows, plus what the reader needs to judge them."""
    clock, load_before = time.perf_counter(), _load()
    home = Path(tempfile.mkdtemp(prefix="cws-bench-copy-"))
    (home / "templates").mkdir()
    info = ensure_running(home / "state")
    # from here on, what the machine spends beyond this process and the server is others' work
    own_cpu, server_cpu, machine = time.process_time(), process_cpu_ms(info.pid), machine_cpu_ms()
    sizes = {"one": TARGETS[:1], "many": TARGETS[:n_regions]}
    samples: dict[str, list[Sample]] = {}
    try:
        probe = Probe(latency_ms / 1000, info.pid)
        service = new_service(home, probe)
        # warm up: every region's client made and used, threads started, store open; and the
        # sandbox's answers recorded for the replayed rows
        tapes: dict[str, Tape] = {}
        for size in ("many", "one"):
            copy_once(service, probe, sizes[size], mode="record")
            tapes[size] = probe.tape

        def replayed(targets: list[str], size: str) -> Sample:
            return timed_copy(service, probe, targets, "play", tapes[size])[0]

        plans: list[tuple[str, int, Callable[[list[str], str], Sample]]] = [
            ("warm", repeats, lambda targets, _: copy_once(service, probe, targets)),
            ("replayed", repeats, replayed),
            (
                "clients",
                cold_repeats,
                lambda targets, _: copy_once(fresh_clients(service, probe), probe, targets),
            ),
            (
                "process",
                cold_repeats,
                lambda targets, _: copy_once(new_service(home, probe), probe, targets),
            ),
        ]
        for kind, times, copy in plans:
            for _ in range(times):  # the sizes interleaved, so drift hits both alike
                for size, targets in sizes.items():
                    samples.setdefault(f"{kind}-{size}", []).append(copy(targets, size))
        ctx = service.images.ctx
        server_now = process_cpu_ms(info.pid)
        context: dict[str, Any] = {
            "sandbox": info.endpoint_url,
            "source": f"{SOURCE_AMI} ({SOURCE_REGION})",
            "targets": sizes["many"],
            "latency_ms": latency_ms,
            "repeats": repeats,
            "cold_repeats": cold_repeats,
            "poll_seconds": service.access.poll_seconds,
            "pool_workers": ctx.pool._max_workers,
            "max_pool_connections": service.access.config.max_pool_connections,
            "trace": [
                [round(at * 1000), thread, op, region]
                for at, thread, op, region in _middle(samples["warm-many"]).trace.calls
            ],
            "others_busy": _others_busy(
                machine,
                own_cpu,
                None if server_cpu is None or server_now is None else server_now - server_cpu,
            ),
        }
    finally:
        stop(home / "state")
        shutil.rmtree(home, ignore_errors=True)
    n = n_regions
    rows: list[Row] = []
    for kind, label in (
        ("warm", "warm"),
        ("replayed", "replayed, no server"),
        ("clients", "new clients"),
        ("process", "new session+service"),
    ):
        one = summarise(f"{label}: copy to 1 region", samples[f"{kind}-one"], latency_ms, None)
        many = summarise(f"{label}: copy to {n} regions", samples[f"{kind}-many"], latency_ms, one)
        if kind == "warm":
            many.verdict = f"{'PASS' if many.ratio <= GOAL else 'FAIL'} (goal <= {GOAL}x)"
        elif kind == "replayed":
            many.verdict = "info: cws + botocore's own fan-out cost"
        else:
            for row in (one, many):
                row.verdict = f"info: {row.wall_ms / rows[0].wall_ms:.2f}x the warm 1-region copy"
        rows += [one, many]
    context.update(
        seconds=round(time.perf_counter() - clock, 1),
        cpus=os.cpu_count(),
        load=[load_before, _load()],
    )
    return rows, context


def summarise(name: str, samples: list[Sample], latency_ms: float, base: Row | None) -> Row:
    """A table row from the samples of one scenario (median wall; the median sample's details)."""
    walls = [s.wall_ms for s in samples]
    wall = statistics.median(walls)
    middle = _middle(samples)
    seq = middle.trace.critical_path()
    server = [s.server_cpu_ms for s in samples if s.server_cpu_ms is not None]
    return Row(
        scenario=name,
        wall_ms=round(wall, 1),
        walls_ms=[round(w, 1) for w in walls],
        requests=middle.requests,
        round_trips=round(wall / latency_ms, 2) if latency_ms else 0.0,
        critical_path=seq,
        overhead_ms=round(wall - seq * latency_ms, 1),
        request_ms=round(statistics.mean(middle.trace.server_ms or [0.0]), 1),
        cpu_ms=round(statistics.median(s.cpu_ms for s in samples)),
        server_cpu_ms=round(statistics.median(server)) if len(server) == len(samples) else None,
        ratio=round(wall / base.wall_ms, 2) if base else 1.0,
        verdict="",
    )


def _middle(samples: list[Sample]) -> Sample:
    """The median sample (by wall time)."""
    return sorted(samples, key=lambda s: s.wall_ms)[len(samples) // 2]


def _others_busy(
    machine: tuple[float, float] | None, own_cpu: float, server_cpu_ms: float | None
) -> float | None:
    """The share of the machine's CPU other processes used since ``machine`` was read."""
    now = machine_cpu_ms()
    if machine is None or now is None or server_cpu_ms is None:
        return None
    busy, total = now[0] - machine[0], now[1] - machine[1]
    ours = (time.process_time() - own_cpu) * 1000 + server_cpu_ms
    return round(max(0.0, busy - ours) / total, 3) if total > 0 else None


def _load() -> float | None:
    """The 1-minute load average (None where the platform has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


# -- output --------------------------------------------------------------------------------------
def print_table(rows: list[Row], context: dict[str, Any], show_trace: bool) -> None:
    """The result table, plain text."""
    print(
        f"copy benchmark: {context['source']} -> {', '.join(context['targets'])}; "
        f"{context['latency_ms']:g} ms injected per AWS request, sandbox moto server over HTTP "
        f"({context['sandbox']})"
    )
    print(
        f"sandbox poll interval {context['poll_seconds']:g} s (a copy polls for availability; "
        f"the sandbox's copies are available at once); region pool {context['pool_workers']} "
        f"threads; {context['max_pool_connections']} connections per client; medians of "
        f"{context['repeats']} warm and replayed, {context['cold_repeats']} cold repeats"
    )
    header = (
        f"{'scenario':38} {'wall ms':>8} {'reqs':>5} {'RTs':>6} {'seq':>4} {'over ms':>8} "
        f"{'srv ms':>6} {'cpu ms':>10} {'ratio':>6}  result"
    )
    print(header)
    print("-" * (len(header) + 40))
    for r in rows:
        cpu = f"{r.cpu_ms:.0f}+{r.server_cpu_ms if r.server_cpu_ms is not None else '?'}"
        print(
            f"{r.scenario:38} {r.wall_ms:>8.1f} {r.requests:>5} {r.round_trips:>6.2f} "
            f"{r.critical_path:>4} {r.overhead_ms:>8.1f} {r.request_ms:>6.1f} {cpu:>10} "
            f"{r.ratio:>6.2f}  {r.verdict}"
        )
    print(
        "reqs = HTTP requests sent; RTs = wall / injected latency; seq = fewest sequential "
        "requests (the plan's, plus the longest chain one region's thread made); over = wall - "
        "seq x latency; srv = mean time a request spent at the sandbox server, its queue "
        "included (send to response, the injected latency not counted); cpu = CPU time used "
        "during the copy by this process + by the sandbox server; ratio = wall / the 1-region "
        "copy of the same kind"
    )
    for r in rows:
        print(f"  {r.scenario}: {', '.join(f'{w:.0f}' for w in r.walls_ms)} ms")
    if show_trace:
        print("median warm N-region copy, call by call (ms from start, thread, operation, region):")
        for at, thread, op, region in context["trace"]:
            print(f"  {at:>6} {thread:14} {op:20} {region}")
    print(
        f"benchmark run: {context['seconds']:g} s, sandbox start and stop included; "
        f"{context['cpus']} CPUs, load average {context['load'][0]} before, "
        f"{context['load'][1]} after"
    )
    others = context["others_busy"]
    if others is not None:
        print(f"other processes used {others:.0%} of the machine's CPU during the run")
    if others is not None and others > 0.25:
        print(
            "warning: the machine was busy: the fan-out's cost beyond the injected latency is "
            "CPU (botocore here, moto in the sandbox server), so the many-region wall time and "
            "the ratio are inflated; the replayed rows show the cost without the server"
        )


def main() -> int:
    """Command-line entry; the exit code says whether the goal holds."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--latency-ms", type=float, default=100.0, help="added to every AWS request (default 100)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="timed warm (and replayed) copies per size; medians (default 5)",
    )
    parser.add_argument(
        "--cold-repeats",
        type=int,
        default=2,
        help="timed copies per size with new clients, and with a new session (default 2)",
    )
    parser.add_argument(
        "--regions",
        type=int,
        default=8,
        choices=range(2, len(TARGETS) + 1),
        metavar=f"2..{len(TARGETS)}",
        help="regions of the many-region copy (default 8)",
    )
    parser.add_argument(
        "--trace", action="store_true", help="also print the median warm copy's calls"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args()
    rows, context = run(
        args.latency_ms, max(args.repeats, 1), max(args.cold_repeats, 1), args.regions
    )
    if args.json:
        print(json.dumps({"context": context, "rows": [asdict(r) for r in rows]}, indent=2))
    else:
        print_table(rows, context, args.trace)
    return 0 if rows[1].verdict.startswith("PASS") else 1


if __name__ == "__main__":
    sys.exit(main())
