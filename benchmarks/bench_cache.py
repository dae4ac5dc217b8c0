"""The lookup cache at scale: 10,000 images matching one dynamic search (issue 8 section 4).

    python benchmarks/bench_cache.py [--images 10000] [--latency-ms 100] [--repeat 5] [--json]

The sandbox's moto server is seeded with ``--images`` images of the account's own (``bench-10k-*``)
and one more (``bench-one-*``) in us-east-2, by CopyImage requests (of a world image) sent straight to moto from
16 threads (about 1-2 minutes for 10,000). Templates search them by name; an unrelated template
reads an SSM public parameter in us-east-1. AWS is reached through the latency proxy of
``harness.py`` (real-AWS code path, ``AWS_ENDPOINT_URL`` = the proxy).

Rows:

- warm in-process resolve of the 10,000-image search (the answer in the process's memory cache),
  beside the 1-image search; goal < 1 ms;
- the first resolve in a new in-process service whose cache is on disk (no memory layer yet);
- a cached new process, ``cws ami resolve bench-10k``, beside the same at 1 image; goal: unchanged
  (within 1.1x);
- the lookup cache's size on disk (the cache folder) with the 10,000-image answer and with the
  1-image answer;
- an unrelated cold SSM lookup (``bench-ssm`` in us-east-1: nothing of it cached) with the
  10,000-image answer in the cache, beside the same with only the 1-image answer: in a warm process
  and as a new process; goal: unchanged (within 1.1x).

Filling the cache (the cold 10,000-image search) is done once, untimed except as information: it
measures moto more than cws.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CWS, FAKE_AWS_ENV, LatencyProxy, Proc, aws_env, interleave, run_proc, temp_home  # noqa: E402, I001

from cws_jupyter.core.config import Settings  # noqa: E402
from cws_jupyter.core.sandbox import ensure_running, stop, world_image_id  # noqa: E402
from cws_jupyter.core.service import CwsService  # noqa: E402

IMAGES_REGION = "us-east-2"
SSM_REGION = "us-east-1"
ACCOUNT = "123456789012"  # the sandbox's (moto's) account
NOBLE = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
TEMPLATES = {
    "bench-10k": f"name: Many\nami_config:\n  ami_search: {{owner: '{ACCOUNT}', "
    "name_pattern: 'bench-10k-*'}\n",
    "bench-one": f"name: One\nami_config:\n  ami_search: {{owner: '{ACCOUNT}', "
    "name_pattern: 'bench-one-*'}\n",
    "bench-ssm": f"name: S\nami_config:\n  ssm_parameter: {NOBLE}\n",
}


@dataclass
class Row:
    """One line of the result table."""

    scenario: str
    value: float
    unit: str
    baseline: float | None  # the same at 1 image (or without the 10,000-image answer)
    ratio: float | None
    goal: str
    ok: bool | None


def seed(endpoint: str, count: int, threads: int = 16) -> float:
    """Create ``count`` images named bench-10k-NNNNN and one bench-one-0 in IMAGES_REGION (copies
    of the world's x86_64 Ubuntu image there, so owned by the account) straight at moto (unsigned requests: moto reads the region from the credential scope);
    seconds taken."""
    parts = urlsplit(endpoint)
    local = threading.local()
    auth = (
        f"AWS4-HMAC-SHA256 Credential=bench/20260101/{IMAGES_REGION}/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    headers = {
        "Authorization": auth,
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }

    def register(name: str) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = urlencode(
            {
                "Action": "CopyImage",
                "Version": "2016-11-15",
                "Name": name,
                "SourceImageId": source,
                "SourceRegion": IMAGES_REGION,
                "Description": "bench image",
            }
        )
        conn.request("POST", "/", body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"CopyImage {name}: {reply.status} {data[:300]!r}")

    source = world_image_id("ubuntu-24.04", IMAGES_REGION, "x86_64")
    started = time.perf_counter()
    names = [f"bench-10k-{i:05d}" for i in range(count)] + ["bench-one-0"]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(register, names))
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    """Bytes in the files of ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def restore(snapshot: Path, target: Path):  # noqa: ANN201
    """A callable replacing the folder ``target`` by a copy of ``snapshot``."""

    def run() -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(snapshot, target)

    return run


def settings_for(home: Path, endpoint: str, cws_home: Path) -> Settings:
    """Settings of an in-process service on the proxy, with the folders `cws` gets from
    CWS_HOME=``cws_home`` (so it shares the caches and state of the `cws` processes there)."""
    return Settings(
        region=SSM_REGION,
        endpoint_url=endpoint,
        template_path=[home / "templates"],
        user_template_dir=cws_home / "config" / "templates",
        cache_dir=cws_home / "cache",
        state_dir=cws_home / "state",
    )


def timed(svc: CwsService, slug: str, region: str) -> float:
    """One resolve, ms."""
    started = time.perf_counter()
    svc.resolve(slug, region=region)
    return (time.perf_counter() - started) * 1000


def run(count: int, latency_ms: float, repeat: int) -> tuple[list[Row], dict[str, float]]:
    """Seed, fill the caches, measure; the rows and some information."""
    home = temp_home("cws-bench-cache-")
    (home / "templates").mkdir()
    for slug, text in TEMPLATES.items():
        (home / "templates" / f"{slug}.yml").write_text(text)
    os.environ.update(FAKE_AWS_ENV)
    info = ensure_running(home / "state")
    try:
        print(f"seeding {count} images...", file=sys.stderr, flush=True)
        seconds = seed(info.endpoint_url, count)
        print(f"seeded in {seconds:.1f} s; filling the caches...", file=sys.stderr, flush=True)
        with LatencyProxy(info.endpoint_url, latency_ms) as proxy:
            rows, notes = measure(home, proxy, latency_ms, repeat, count)
        notes["seeding_s"] = round(seconds, 1)
        return rows, notes
    finally:
        stop(home / "state")


def measure(
    home: Path, proxy: LatencyProxy, latency_ms: float, repeat: int, count: int
) -> tuple[list[Row], dict[str, float]]:
    """Every row against ``proxy``."""
    tpl = str(home / "templates")

    def env(name: str) -> dict[str, str]:
        return aws_env(proxy.url, home / name, CWS_TEMPLATE_PATH=tpl)

    notes: dict[str, float] = {}
    # Fill each cache once with a new process (the cold search at 10,000 images is moto-bound).
    fills = {}
    for slug, name in (("bench-10k", "many"), ("bench-one", "one")):
        fill = Proc(
            f"fill {slug}",
            [*CWS, "ami", "resolve", slug, "--region", IMAGES_REGION],
            {**env(name), "CWS_AWS_READ_TIMEOUT": "600"},  # moto takes seconds at 10,000 images
        )
        notes[f"cold_{slug}_new_process_ms"] = round(run_proc(fill, proxy), 1)
        assert "method: dynamic_search" in fill.stdout, fill.stdout
        fills[name] = fill
        shutil.copytree(home / name, home / f"snapshot-{name}")  # its whole CWS_HOME
    size_many = folder_size(home / "snapshot-many" / "cache")
    size_one = folder_size(home / "snapshot-one" / "cache")

    # In-process: new services on the filled CWS_HOME (the answer on disk), then warm.
    inproc: dict[str, tuple[float, float]] = {}
    access = None
    for name, slug in (("many", "bench-10k"), ("one", "bench-one")):
        firsts, warms = [], []
        for _ in range(repeat):
            svc = CwsService(settings_for(home, proxy.url, home / name), access=access)
            svc.library, svc.regions, svc.prices  # noqa: B018 - loaded before timing
            if access is None:
                access = svc.access
            before = access.calls
            made: list[tuple[str, str]] = []
            access.on_call(lambda op, region, made=made: made.append((op, region)))
            firsts.append(timed(svc, slug, IMAGES_REGION))
            warms.extend(timed(svc, slug, IMAGES_REGION) for _ in range(20))
            assert access.calls == before, f"a cached resolve made AWS calls: {made}"
        inproc[name] = (statistics.median(firsts), statistics.median(warms))

    # In-process unrelated cold SSM lookup, with the 10,000-image answer cached or the 1-image one.
    assert access is not None
    svc = CwsService(settings_for(home, proxy.url, home / "ssm-warmup"), access=access)
    svc.resolve("bench-ssm", region=SSM_REGION)  # clients of us-east-1 built (a warm process)
    ssm_inproc: dict[str, list[float]] = {"many": [], "one": []}
    for n in range(repeat):
        for name in ("many", "one"):
            target = home / f"ssm-{name}-{n}"
            restore(home / f"snapshot-{name}", target)()
            svc = CwsService(settings_for(home, proxy.url, target), access=access)
            svc.library, svc.regions, svc.prices  # noqa: B018
            ssm_inproc[name].append(timed(svc, "bench-ssm", SSM_REGION))

    # New processes, interleaved: cached resolves, and the unrelated cold SSM lookup.
    procs = {
        "cached-many": Proc(
            "cached 10k",
            [*CWS, "ami", "resolve", "bench-10k", "--region", IMAGES_REGION],
            env("many"),
        ),
        "cached-one": Proc(
            "cached 1",
            [*CWS, "ami", "resolve", "bench-one", "--region", IMAGES_REGION],
            env("one"),
        ),
    }
    for name in ("many", "one"):
        procs[f"ssm-{name}"] = Proc(
            f"ssm with {name}",
            [*CWS, "ami", "resolve", "bench-ssm", "--region", SSM_REGION],
            env(f"ssm-{name}"),
            before=restore(home / f"snapshot-{name}", home / f"ssm-{name}"),
        )
    interleave(list(procs.values()), repeat, proxy)
    for key in ("cached-many", "cached-one"):
        assert procs[key].requests == 0, (key, procs[key].requests)

    many, one = procs["cached-many"].median, procs["cached-one"].median
    ssm_many, ssm_one = procs["ssm-many"].median, procs["ssm-one"].median
    in_ssm_many, in_ssm_one = (statistics.median(ssm_inproc[k]) for k in ("many", "one"))
    rows = [
        Row(
            f"warm in-process resolve, {count:,} matching images",
            round(inproc["many"][1], 3),
            "ms",
            round(inproc["one"][1], 3),
            round(inproc["many"][1] / inproc["one"][1], 2),
            "< 1 ms",
            inproc["many"][1] < 1,
        ),
        Row(
            "first in-process resolve, answer on disk only",
            round(inproc["many"][0], 2),
            "ms",
            round(inproc["one"][0], 2),
            round(inproc["many"][0] / inproc["one"][0], 2),
            "(reported)",
            None,
        ),
        Row(
            "cached new process `cws ami resolve`",
            round(many, 1),
            "ms",
            round(one, 1),
            round(many / one, 2),
            "unchanged (<= 1.1x the 1-image figure)",
            many / one <= 1.1,
        ),
        Row(
            "lookup cache on disk (cache folder)",
            round(size_many / 1e6, 3),
            "MB",
            round(size_one / 1e6, 3),
            round(size_many / size_one, 1),
            "(reported)",
            None,
        ),
        Row(
            "unrelated cold SSM lookup, warm process",
            round(in_ssm_many, 1),
            "ms",
            round(in_ssm_one, 1),
            round(in_ssm_many / in_ssm_one, 2),
            "unchanged (<= 1.1x without the big answer)",
            in_ssm_many / in_ssm_one <= 1.1,
        ),
        Row(
            "unrelated cold SSM lookup, new process",
            round(ssm_many, 1),
            "ms",
            round(ssm_one, 1),
            round(ssm_many / ssm_one, 2),
            "unchanged (<= 1.1x without the big answer)",
            ssm_many / ssm_one <= 1.1,
        ),
    ]
    return rows, notes


def print_table(rows: list[Row], notes: dict[str, float], count: int, latency_ms: float) -> None:
    """The result table, plain text."""
    print(
        f"lookup cache at scale: {count} matching images (seeded in {notes['seeding_s']} s), "
        f"{latency_ms:g} ms per AWS request"
    )
    header = f"{'scenario':50} {'value':>10} {'baseline':>10} {'ratio':>6}  goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        base = f"{r.baseline}" if r.baseline is not None else "-"
        ratio = f"{r.ratio}" if r.ratio is not None else "-"
        mark = "" if r.ok is None else (" [ok]" if r.ok else " [MISSED]")
        print(f"{r.scenario:50} {r.value:>7} {r.unit:<2} {base:>10} {ratio:>6}  {r.goal}{mark}")
    print(
        f"baseline = the same with 1 matching image (or with only the 1-image answer cached); "
        f"filling the cache (cold search, new process): "
        f"{notes['cold_bench-10k_new_process_ms']:.0f} ms at {count} images, "
        f"{notes['cold_bench-one_new_process_ms']:.0f} ms at 1 (moto-bound)"
    )


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows, notes = run(args.images, args.latency_ms, args.repeat)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "notes": notes}, indent=2))
    else:
        print_table(rows, notes, args.images, args.latency_ms)


if __name__ == "__main__":
    main()
