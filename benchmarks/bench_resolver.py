"""Resolver benchmarks: each tier in a warm process, as a new `cws` process, and as a minimal boto3
script making the calls the tier needs, side by side in one run, at a fixed AWS latency.

    python benchmarks/bench_resolver.py [--latency-ms 100] [--repeat 5] [--json]

AWS is the sandbox's moto server behind a local proxy that delays every AWS request by
``--latency-ms`` (see ``harness.py``: the measured processes are not modified; parallel requests
overlap as on a network). Processes use the real-AWS code path (credentials from the environment,
``AWS_ENDPOINT_URL`` = the proxy), as a user with an AWS account runs `cws`.

Rows, per tier (direct mapping, SSM parameter, dynamic search, cross-region):

- ``in-process``: a warm process (clients built, templates and region map loaded) with an empty
  lookup cache, timing ``CwsService.resolve`` alone;
- ``new process``: ``cws ami resolve T --region us-east-1`` run as a user runs it, with an empty
  cache: imports, settings, region validation, session and clients, the calls, the rendering;
- ``cached``: the same command answered from the lookup cache (0 AWS calls);
- ``boto3 script``: a new process importing boto3 and making only the calls the tier needs, in
  as few sequential round trips as the tier needs (threads for parallel calls).

For each: median wall ms, AWS requests, the round trips needed, the ratio wall / (round trips x
latency), and the ratio to the boto3 script. Then the all-regions check (issue 8 section 3):
``cws ami test T --all-regions`` (34 regions, 2 calls needed in each) as a new process, in
round-trip equivalents beyond the start-up of `cws templates list` (a `cws` process making no
AWS call), beside a boto3 script with one thread per region (beyond a boto3 process making no
call). That check runs twice: against the proxy in front of moto, which answers one request at
a time (so 68+ requests sent at once queue there: the row measures moto, and is only reported),
and against ``standin.StandIn``, which serves the answers moto gave (recorded once, untimed,
through a proxy without delay) after the same latency, every request on its own thread, so that
parallel requests overlap as they do against AWS; the goal applies to that row. A request the
stand-in has no recording for fails the run.

Goals: warm-process cold tiers within 1.3x of their round trips; warm resolution under 1 ms; the
spec's targets (direct mapping < 1 s, resolution < 5 s, cross-region < 15 s) with a 10x margin
for new processes; a cached new-process resolve (0 calls) faster than the boto3 script making
the real calls; all regions within 5 round-trip equivalents (2 needed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    CWS,
    FAKE_AWS_ENV,
    LatencyProxy,
    Proc,
    aws_env,
    boto3_script,
    interleave,
    run_proc,
    temp_home,
)
from standin import Recording, StandIn  # noqa: E402

from cws_jupyter.core.config import Settings  # noqa: E402
from cws_jupyter.core.sandbox import ensure_running, stop, world_image_id  # noqa: E402
from cws_jupyter.core.service import CwsService  # noqa: E402

REGION = "us-east-1"
CANONICAL = "099720109477"
COMMUNITY = "210987654321"
NOBLE = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
NOBLE_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
DIRECT_ID = world_image_id("ubuntu-24.04", REGION, "x86_64")
TEMPLATES = {
    "bench-direct": f"name: D\nami_config:\n  ami_mappings: {{{REGION}: {DIRECT_ID}}}\n",
    "bench-ssm": f"name: S\nami_config:\n  ssm_parameter: {NOBLE}\n",
    "bench-search": f"name: Q\nami_config:\n  ami_search: {{owner: '{CANONICAL}', "
    f"name_pattern: '{NOBLE_NAME}'}}\n",
    # The R images live only in us-west-2, one of us-east-1's neighbours.
    "bench-cross": "name: X\npackages: {system: [r-base]}\nami_config:\n  ami_search: "
    f"{{owner: '{COMMUNITY}', required_tags: {{Template: r-research}}}}\n",
}
SPEC_TARGET_S = {"direct": 1.0, "ssm": 5.0, "search": 5.0, "cross": 15.0}
#: (key, template, round trips needed, resolution method)
TIERS = (
    ("direct", "bench-direct", 1, "direct_mapping"),
    ("ssm", "bench-ssm", 2, "ssm_parameter"),
    ("search", "bench-search", 1, "dynamic_search"),
    ("cross", "bench-cross", 2, "cross_region"),
)


def minimal_calls(key: str, neighbours: list[str]) -> str:
    """The body of the boto3 script for a tier: the calls the tier needs, nothing else."""
    if key == "direct":
        return f"ec2({REGION!r}).describe_images(ImageIds=[{DIRECT_ID!r}])\n"
    if key == "ssm":
        return (
            f"v = ssm({REGION!r}).get_parameters(Names=[{NOBLE!r}])['Parameters'][0]['Value']\n"
            f"ec2({REGION!r}).describe_images(ImageIds=[v])\n"
        )
    if key == "search":
        return (
            f"imgs = ec2({REGION!r}).describe_images(Owners=[{CANONICAL!r}], "
            f"Filters=[{{'Name': 'name', 'Values': [{NOBLE_NAME!r}]}}])['Images']\n"
            "assert max(imgs, key=lambda i: i['CreationDate'])\n"
        )
    return (  # cross-region: the home region, then every neighbour at once
        f"q = dict(Owners=[{COMMUNITY!r}], Filters=[{{'Name': 'tag:Template', "
        "'Values': ['r-research']}])\n"
        f"assert not ec2({REGION!r}).describe_images(**q)['Images']\n"
        "s.get_credentials()\n"
        f"with ThreadPoolExecutor({len(neighbours)}) as pool:\n"
        "    found = list(pool.map(lambda r: ec2(r).describe_images(**q)['Images'], "
        f"{neighbours!r}))\n"
        "assert any(found)\n"
    )


def all_regions_calls(regions: list[str]) -> str:
    """Per region, in one thread per region: the SSM parameter, then its image (or, where the
    parameter is missing, the account's own builds): 2 calls, 2 round trips. One client of each
    service is built first: it loads the service's model once for all (botocore's loader has no
    lock, so 34 threads building their first clients at once would each parse it again)."""
    return (
        f"ssm({regions[0]!r}), ec2({regions[0]!r})\n"
        "def check(r):\n"
        f"    ps = ssm(r).get_parameters(Names=[{NOBLE!r}])['Parameters']\n"
        "    if ps:\n"
        "        return ec2(r).describe_images(ImageIds=[ps[0]['Value']])['Images']\n"
        "    return ec2(r).describe_images(Owners=['self'], "
        "Filters=[{'Name': 'tag-key', 'Values': ['cws:template']}])['Images']\n"
        "s.get_credentials()\n"
        f"with ThreadPoolExecutor({len(regions)}) as pool:\n"
        f"    found = list(pool.map(check, {regions!r}))\n"
        "assert sum(bool(f) for f in found) >= 1\n"
    )


@dataclass
class Row:
    """One line of the result table (times in ms; None where a column does not apply)."""

    scenario: str
    in_process_ms: float | None
    new_process_ms: float | None
    boto3_ms: float | None
    cws_calls: int
    boto3_calls: int | None
    round_trips: int
    ratio: float | None  # new process (else in-process) / (round trips x latency)
    vs_boto3: float | None  # new process / boto3 script
    goal: str
    ok: bool | None  # None: reported, no goal


def settings_for(home: Path, endpoint: str, cache: str) -> Settings:
    """Settings of an in-process service on the proxy, its cache in ``home/cache``."""
    return Settings(
        region=REGION,
        endpoint_url=endpoint,
        template_path=[home / "templates"],
        user_template_dir=home / "user",
        cache_dir=home / cache,
        state_dir=home / "state-inproc",
    )


def in_process(home: Path, endpoint: str, repeat: int) -> tuple[dict[str, tuple], float, int]:
    """Each tier in a warm process with an empty cache: {key: (median ms, calls)}; then the warm
    (cached) resolution of the cross-region template: (median ms, calls)."""
    warm_up = CwsService(settings_for(home, endpoint, "cache-warmup"))
    for _, slug, _, _ in TIERS:  # builds the clients of every region these tiers reach
        warm_up.resolve(slug, region=REGION)
    access = warm_up.access
    results: dict[str, tuple] = {}
    n = 0
    for key, slug, _, method in TIERS:
        walls, calls = [], 0
        for _ in range(repeat):
            n += 1
            svc = CwsService(settings_for(home, endpoint, f"cache-{n}"), access=access)
            svc.library, svc.regions, svc.prices  # noqa: B018 - loaded before timing
            before = access.calls
            started = time.perf_counter()
            res = svc.resolve(slug, region=REGION)
            walls.append((time.perf_counter() - started) * 1000)
            calls = access.calls - before
            assert res.resolution_method.value == method, (slug, res.resolution_method)
        results[key] = (statistics.median(walls), calls)
    warm = []
    before = access.calls
    for _ in range(max(repeat, 20)):
        started = time.perf_counter()
        svc.resolve("bench-cross", region=REGION)
        warm.append((time.perf_counter() - started) * 1000)
    return results, statistics.median(warm), access.calls - before


def emptied(folder: Path):  # noqa: ANN201
    """A callable removing ``folder`` (the lookup cache) before a run."""
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def run(latency_ms: float, repeat: int) -> list[Row]:
    """Every row, ``repeat`` times each; medians."""
    home = temp_home("cws-bench-resolver-")
    (home / "templates").mkdir()
    for slug, text in TEMPLATES.items():
        (home / "templates" / f"{slug}.yml").write_text(text)
    os.environ.update(FAKE_AWS_ENV)  # the in-process service reads credentials as `cws` does
    info = ensure_running(home / "state")
    recording = Recording()
    try:
        with (
            LatencyProxy(info.endpoint_url, latency_ms) as proxy,
            LatencyProxy(info.endpoint_url, 0, recorder=recording.record) as recorder,
            StandIn(recording, latency_ms) as stand_in,
        ):
            return measure(home, proxy, (recorder, stand_in), latency_ms, repeat)
    finally:
        stop(home / "state")


def measure(
    home: Path,
    proxy: LatencyProxy,
    stand: tuple[LatencyProxy, StandIn],
    latency_ms: float,
    repeat: int,
) -> list[Row]:
    """All rows against ``proxy``; the all-regions check also against ``stand``: a recording
    proxy in front of moto (no delay) and the concurrent stand-in serving what it recorded."""
    service = CwsService(settings_for(home, proxy.url, "cache-probe"))
    neighbours = service.regions.fallbacks(REGION)
    regions = service.regions.regions()
    inproc, warm_ms, warm_calls = in_process(home, proxy.url, repeat)

    def env(name: str) -> dict[str, str]:
        return aws_env(proxy.url, home / name, CWS_TEMPLATE_PATH=str(home / "templates"))

    procs: dict[str, Proc] = {}
    for key, slug, _, _ in TIERS:
        argv = [*CWS, "ami", "resolve", slug, "--region", REGION]
        procs[f"cold-{key}"] = Proc(
            f"cold {key}", argv, env(f"cold-{key}"), before=emptied(home / f"cold-{key}" / "cache")
        )
        procs[f"cached-{key}"] = Proc(f"cached {key}", argv, env(f"cached-{key}"))
        procs[f"boto3-{key}"] = Proc(
            f"boto3 {key}", boto3_script(minimal_calls(key, neighbours)), env("boto3")
        )
    procs["list"] = Proc("cws templates list", [*CWS, "templates", "list"], env("list"))
    procs["boto3-none"] = Proc("boto3, no call", boto3_script("s.get_credentials()\n"), env("b"))
    procs["all"] = Proc(
        "cws ami test --all-regions",
        [*CWS, "ami", "test", "bench-ssm", "--all-regions"],
        env("all"),
        before=emptied(home / "all" / "cache"),
    )
    procs["boto3-all"] = Proc(
        "boto3 all regions", boto3_script(all_regions_calls(regions)), env("b")
    )
    recorder, stand_in = stand
    record_all_regions(procs["all"], procs["boto3-all"], recorder)
    for key in ("all", "boto3-all"):
        original = procs[key]
        name = f"{key}-standin"
        env_standin = {**original.env, "AWS_ENDPOINT_URL": stand_in.url}
        if key == "all":
            env_standin["CWS_HOME"] = str(home / name)
        procs[name] = Proc(
            f"{original.name} (stand-in)",
            original.argv,
            env_standin,
            before=emptied(home / name / "cache") if key == "all" else None,
            via=stand_in,
        )
    order = list(procs.values())
    interleave(order, repeat, proxy)
    if stand_in.misses:
        raise SystemExit(
            f"the stand-in had no recorded answer for {len(stand_in.misses)} requests, e.g. "
            f"{stand_in.misses[0]}: the all-regions check asked something it did not ask when "
            "recorded"
        )
    for key, _, _, method in TIERS:
        for kind in ("cold", "cached"):
            assert f"method: {method}" in procs[f"{kind}-{key}"].stdout, procs[
                f"{kind}-{key}"
            ].stdout

    rows: list[Row] = []
    for key, _, trips, method in TIERS:
        ms, in_calls = inproc[key]
        ratio = ms / (trips * latency_ms)
        rows.append(
            Row(
                f"cold {method}, in-process (warm process)",
                round(ms, 1),
                None,
                None,
                in_calls,
                None,
                trips,
                round(ratio, 2),
                None,
                "<= 1.3x RTs",
                ratio <= 1.3,
            )
        )
        cold, boto = procs[f"cold-{key}"], procs[f"boto3-{key}"]
        ratio = cold.median / (trips * latency_ms)
        margin = SPEC_TARGET_S[key] * 1000 / cold.median
        rows.append(
            Row(
                f"cold {method}, new process",
                round(ms, 1),
                round(cold.median, 1),
                round(boto.median, 1),
                cold.requests,
                boto.requests,
                trips,
                round(ratio, 2),
                round(cold.median / boto.median, 2),
                f"spec {SPEC_TARGET_S[key]:g} s: {margin:.1f}x margin (>= 10x)",
                margin >= 10,
            )
        )
        cached = procs[f"cached-{key}"]
        rows.append(
            Row(
                f"cached {method}, new process",
                None,
                round(cached.median, 1),
                round(boto.median, 1),
                cached.requests,
                boto.requests,
                0,
                None,
                round(cached.median / boto.median, 2),
                "0 calls, faster than the boto3 script",
                cached.requests == 0 and cached.median < boto.median,
            )
        )
    rows.append(
        Row(
            "warm resolution (cross-region template), in-process",
            round(warm_ms, 3),
            None,
            None,
            warm_calls,
            None,
            0,
            None,
            None,
            "< 1 ms, 0 calls",
            warm_ms < 1 and warm_calls == 0,
        )
    )
    base, boto_base = procs["list"], procs["boto3-none"]
    rows.append(
        Row(
            "cws templates list / boto3 process, no AWS call",
            None,
            round(base.median, 1),
            round(boto_base.median, 1),
            base.requests,
            boto_base.requests,
            0,
            None,
            round(base.median / boto_base.median, 2),
            "(the all-regions baselines)",
            None,
        )
    )
    for suffix, label in (("", "moto, one at a time"), ("-standin", "concurrent stand-in")):
        every, boto_all = procs[f"all{suffix}"], procs[f"boto3-all{suffix}"]
        beyond = (every.median - base.median) / latency_ms
        boto_beyond = (boto_all.median - boto_base.median) / latency_ms
        if suffix:
            goal = (
                f"<= 5 RT-equivalents beyond start-up (boto3 script: {boto_beyond:.2f}; "
                f"{len(stand_in.recording)} answers recorded, up to {stand_in.peak_in_flight} "
                "requests at once)"
            )
        else:
            goal = (
                f"reported: measures moto's queue, not cws (boto3 script: {boto_beyond:.2f} "
                "RT-equivalents)"
            )
        rows.append(
            Row(
                f"all {len(regions)} regions, ami test --all-regions ({label})",
                None,
                round(every.median, 1),
                round(boto_all.median, 1),
                every.requests,
                boto_all.requests,
                2,
                round(beyond, 2),
                round(every.median / boto_all.median, 2),
                goal,
                beyond <= 5 if suffix else None,
            )
        )
    return rows


def record_all_regions(cws_all: Proc, boto3_all: Proc, recorder: LatencyProxy) -> None:
    """Send, untimed, every request of the all-regions check (the `cws` process and the boto3
    script, each with an empty cache) through ``recorder``, a proxy in front of moto recording
    each answer for the stand-in. Twice each, so that a request made only on some runs (an order
    that differs) is recorded too."""
    for proc in (cws_all, boto3_all):
        env = {**proc.env, "AWS_ENDPOINT_URL": recorder.url}
        for _ in range(2):
            run_proc(Proc(f"{proc.name} (recording)", proc.argv, env, before=proc.before), recorder)


def print_table(rows: list[Row], latency_ms: float) -> None:
    """The result table, plain text."""
    print(
        f"resolver benchmarks: {latency_ms:g} ms added to every AWS request by a local proxy "
        "in front of the sandbox's moto server"
    )
    print(
        "ratio = wall / (RTs x latency), of the new process where there is one; for the "
        "all-regions row: round-trip equivalents beyond the no-call baseline"
    )
    header = (
        f"{'scenario':62} {'in-proc':>8} {'new proc':>9} {'boto3':>8} {'calls':>7} {'RTs':>3} "
        f"{'ratio':>6} {'xboto3':>6}  goal"
    )
    print(header)
    print("-" * len(header))

    def cell(value: float | None, width: int) -> str:
        return f"{value:>{width}}" if value is not None else f"{'-':>{width}}"

    for r in rows:
        calls = f"{r.cws_calls}/{r.boto3_calls}" if r.boto3_calls is not None else str(r.cws_calls)
        mark = "" if r.ok is None else (" [ok]" if r.ok else " [MISSED]")
        print(
            f"{r.scenario:62} {cell(r.in_process_ms, 8)} {cell(r.new_process_ms, 9)} "
            f"{cell(r.boto3_ms, 8)} {calls:>7} {r.round_trips:>3} {cell(r.ratio, 6)} "
            f"{cell(r.vs_boto3, 6)}  {r.goal}{mark}"
        )
    print("calls = cws/boto3 script AWS requests (as seen by the proxy); times are medians in ms")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = run(args.latency_ms, args.repeat)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print_table(rows, args.latency_ms)


if __name__ == "__main__":
    main()
