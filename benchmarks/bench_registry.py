"""The community registry under load: browse and search on 100,000 images and 1,000,000 ratings.

    python benchmarks/bench_registry.py [--images 100000] [--ratings 1000000] [--clients 32]
        [--seconds 10] [--backends duckdb,postgres] [--pg-processes 1] [--json]

Seeds each database with bulk loads of one generated data set (CSV files written once: DuckDB's
``COPY ... FROM`` file, PostgreSQL's ``COPY ... FROM STDIN`` with its secondary indexes made
after), derives in SQL what the registry's writes keep current (aggregates, scores, star and
facet counts, each record's newest reviews), starts the real `cws-registry` process on it
(PostgreSQL with Redis, and ``--pg-processes`` server processes), then drives it with
``--clients`` concurrent keep-alive HTTP clients (asyncio, one connection each, a new request as
soon as the last answer is read) for ``--seconds`` per workload:

- ``hot``: the pages most people open (first pages of each template, category, region and
  order; the best image of each template in each region): served from the cache once warm;
- ``cold``: requests drawn at random from a large space (text searches, filters combined, sorts,
  pages 1-50 with most on the first few, details of random records): most miss the cache;
- ``mixed``: half hot, half cold, with 2% writes among them (ratings and launches by 200 users,
  so write limits are lifted): every write abandons the cached answers and moves its record in
  the orders, as a busy registry sees.

Reported per backend and workload: requests per second, p50 and p99 latency, non-200 answers,
and p50/p99 by kind of request (browse, search, details, best, rate, use); per backend, the
seed time, the time until the server says it is serving (its catalog loaded) and its resident
memory. The issue's goal: p99 < 25 ms and >= 1,000 req/s with 32 clients on the 2-core machine
(for hot and cold). PostgreSQL is reached at ``CWS_BENCH_POSTGRES`` (default
postgresql://postgres@127.0.0.1:5432/test; a schema of its own, dropped after) and Redis at
``CWS_BENCH_REDIS`` (redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cws_jupyter.core.registry import facets, ranking, reviews  # noqa: E402
from cws_jupyter.core.registry.migrations import STARS_REBUILD, migrate  # noqa: E402
from cws_jupyter.core.registry.storage import open_database  # noqa: E402
from cws_jupyter.core.registry.writes import REGIONS_TEXT_SQL  # noqa: E402

PG_BASE = os.environ.get("CWS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CWS_BENCH_REDIS", "redis://127.0.0.1:6379/14")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
TEMPLATES = (
    "python-ml", "r-research", "bioinformatics", "data-science", "deep-learning-gpu",
    "genomics-pipeline", "geospatial", "climate-modelling", "chemistry", "neuroimaging",
    "nlp-workbench", "stats-teaching", "julia-hpc", "matlab-runtime", "spark-cluster",
    "rstudio-server", "jupyter-minimal", "cuda-dev", "quantum-sim", "astro-analysis",
)  # fmt: skip
CATEGORIES = (
    "machine-learning", "bioinformatics", "data-science", "hpc", "teaching", "geoscience",
)  # fmt: skip
WORDS = (
    "pytorch", "tensorflow", "gatk", "samtools", "rstudio", "tidyverse", "cuda", "jax",
    "gdal", "netcdf", "openmpi", "lammps", "fsl", "spacy", "stan", "julia", "spark", "qiskit",
    "astropy", "conda", "ubuntu", "amazon-linux", "course", "lab", "pipeline", "gpu", "arm64",
)  # fmt: skip
RECORD_COLUMNS = (
    "ami_id, template_name, creator, name, description, version, category, created_at, "
    "last_updated, public, verified, verification, download_count, rating_sum, rating_count, "
    "rating_bayes, rank_score, search_text"
)
REGION_COLUMNS = "ami_id, region, ami_image_id, available, last_tested"
RATING_COLUMNS = "ami_id, user_id, rating, review, created_at"
SERVING = re.compile(r"serving http://127\.0\.0\.1:(\d+)")


# -- the data set ------------------------------------------------------------------------------
@dataclass
class DataSet:
    """CSV files of one generated registry, and some of its ids for the workloads."""

    folder: Path
    records: Path
    regions: Path
    ratings: Path
    sample_ids: list[str]
    sample_images: list[str]


def generate(folder: Path, images: int, ratings: int, seed: int = 1) -> DataSet:
    """Write ``images`` records (each in 1-5 regions) and ``ratings`` ratings as CSV."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    ids = [f"cami-{i:016x}" for i in range(images)]
    # ratings per record: skewed (a few popular images), adding up to exactly ``ratings``
    weights = [rng.paretovariate(1.5) for _ in range(images)]
    scale = ratings / sum(weights)
    counts = [int(w * scale) for w in weights]
    short = ratings - sum(counts)
    for i in rng.sample(range(images), abs(short)) if short > 0 else []:
        counts[i] += 1
    counts = [min(c, 900_000) for c in counts]
    paths = DataSet(folder, folder / "records.csv", folder / "regions.csv", folder / "ratings.csv",
                    [], [])  # fmt: skip
    image_no = 0
    with (
        paths.records.open("w", newline="") as rec_file,
        paths.regions.open("w", newline="") as reg_file,
        paths.ratings.open("w", newline="") as rat_file,
    ):
        records, regions, rows = csv.writer(rec_file), csv.writer(reg_file), csv.writer(rat_file)
        for i, ami_id in enumerate(ids):
            template = TEMPLATES[i % len(TEMPLATES)]
            category = CATEGORIES[i % len(CATEGORIES)]
            words = " ".join(rng.sample(WORDS, 4))
            name = f"{template} {words.split()[0]} build {i}"
            description = f"{template} workstation with {words}; maintained by lab {i % 997}"
            created = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 600))
            verified = rng.random() < 0.6
            downloads = int(rng.paretovariate(1.2)) * 3
            search = " ".join((name, template, category, description)).lower()
            records.writerow(
                (ami_id, template, f"user{i % 5000}", name, description, f"{1 + i % 9}.0",
                 category, created.isoformat(sep=" "), created.isoformat(sep=" "), "true",
                 "true" if verified else "false", "seeded", downloads, 0, 0, 0, 0, search)
            )  # fmt: skip
            for region in rng.sample(REGIONS, rng.randint(1, 5)):
                image = f"ami-{image_no:017x}"
                image_no += 1
                regions.writerow((ami_id, region, image, "true", created.isoformat(sep=" ")))
                if rng.random() < 0.002:
                    paths.sample_images.append(image)
            quality = rng.uniform(2.0, 5.0)
            for j in range(counts[i]):
                user = (i * 7919 + j * 104_729) % 1_000_003
                stars = max(1, min(5, round(rng.gauss(quality, 0.8))))
                when = created + timedelta(days=rng.randrange(0, 90))
                rows.writerow((ami_id, f"u{user}", stars, "", when.isoformat(sep=" ")))
            if rng.random() < 0.01:
                paths.sample_ids.append(ami_id)
    return paths


AGGREGATE_SQL = (
    "UPDATE ami_registry SET rating_sum = s.total, rating_count = s.n FROM "
    "(SELECT ami_id, sum(rating) AS total, count(*) AS n FROM ami_ratings GROUP BY ami_id) s "
    "WHERE s.ami_id = ami_registry.ami_id"
)
RESCORE_ALL_SQL = (
    f"UPDATE ami_registry SET rating_bayes = {ranking.bayes_sql()}, "
    f"rank_score = {ranking.score_sql()}"
)
#: What the registry derives from the rows it keeps (its writes keep these current; a bulk
#: load computes them once): aggregates, image lists, scores, star and facet counts, and
#: each record's newest reviews (in each backend's JSON dialect).
DERIVED_SQL = (
    AGGREGATE_SQL,
    REGIONS_TEXT_SQL.format(where=""),
    RESCORE_ALL_SQL,
    STARS_REBUILD,
    *facets.REBUILD,
)


def seed_duckdb(url: str, data: DataSet) -> float:
    """Bulk-load the CSV files with DuckDB's COPY; seconds taken."""
    import duckdb

    started = time.perf_counter()
    db = open_database(url)
    migrate(db)
    db.close()
    conn = duckdb.connect(url.removeprefix("duckdb://"))
    for table, columns, path in (
        ("ami_registry", RECORD_COLUMNS, data.records),
        ("ami_regions", REGION_COLUMNS, data.regions),
        ("ami_ratings", RATING_COLUMNS, data.ratings),
    ):
        conn.execute(f"COPY {table} ({columns}) FROM '{path}' (FORMAT csv, HEADER false)")
    for statement in (*DERIVED_SQL, reviews.REBUILD["duckdb"]):
        conn.execute(statement)
    conn.execute("CHECKPOINT")
    conn.close()
    return time.perf_counter() - started


def seed_postgres(url: str, data: DataSet) -> float:
    """Bulk-load the CSV files with PostgreSQL's COPY FROM STDIN; seconds taken."""
    import psycopg

    started = time.perf_counter()
    db = open_database(url)
    migrate(db)
    db.close()
    with psycopg.connect(url, autocommit=True) as conn:
        # secondary indexes are dropped for the load and made again after (the usual way to
        # bulk-load PostgreSQL: one sort per index instead of an update per row)
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('ami_registry', 'ami_regions', 'ami_ratings') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for table, columns, path in (
            ("ami_registry", RECORD_COLUMNS, data.records),
            ("ami_regions", REGION_COLUMNS, data.regions),
            ("ami_ratings", RATING_COLUMNS, data.ratings),
        ):
            with (
                conn.cursor() as cur,
                cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
                path.open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        for statement in (*DERIVED_SQL, reviews.REBUILD["postgresql"]):
            conn.execute(statement)
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("VACUUM ANALYZE ami_registry")
        conn.execute("VACUUM ANALYZE ami_regions")
        conn.execute("VACUUM ANALYZE ami_ratings")
    return time.perf_counter() - started


# -- the server --------------------------------------------------------------------------------
def start_registry(
    db: str, cache: str | None, log: Path, threads: int, extra: list[str] | None = None
) -> tuple[Any, int]:
    """The real `cws-registry` process (console script of this environment); (process, port).
    Write limits are lifted: the ``mixed`` workload's users write far faster than people do."""
    exe = Path(sys.executable).parent / "cws-registry"
    argv = (
        [str(exe)] if exe.exists() else [sys.executable, "-m", "cws_jupyter.registry_server.main"]
    )
    argv += ["--db", db, "--port", "0", "--no-verify", "--threads", str(threads)]
    argv += ["--writes-per-minute", "100000", *(extra or [])]
    if cache:
        argv += ["--cache", cache, "--cache-prefix", f"bench-{uuid.uuid4().hex[:8]}:"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CWS_", "AWS_"))}
    out = log.open("wb")
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = SERVING.search(log.read_text(errors="replace"))
        if found:
            return proc, int(found.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"cws-registry did not start:\n{log.read_text(errors='replace')}")


def stop_registry(proc: Any) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


# -- the workloads -----------------------------------------------------------------------------
AMIS = "/api/v1/community/amis"
#: Bench users who rate and launch in the ``mixed`` workload (never a record's creator).
WRITERS = 200


@dataclass(frozen=True)
class Request:
    """One request of a workload, and the kind it is counted under."""

    kind: str
    path: str
    method: str = "GET"
    body: bytes | None = None
    token: str | None = None


def hot_paths() -> list[str]:
    """The first pages people open most."""
    paths = [AMIS] + [f"{AMIS}?sort={s}" for s in ("rating", "downloads", "recent", "name")]
    paths += [f"{AMIS}?template={t}" for t in TEMPLATES]
    paths += [f"{AMIS}?category={c}" for c in CATEGORIES]
    paths += [f"{AMIS}?region={r}" for r in REGIONS]
    paths += [f"/api/v1/community/best?template={t}&region={r}" for t in TEMPLATES for r in REGIONS]
    return paths


def hot_request(rng: random.Random, hot: list[str]) -> Request:
    """A first page or a best image."""
    path = rng.choice(hot)
    return Request("best" if "/best?" in path else "browse", path)


def cold_path(rng: random.Random, data: DataSet) -> str:
    """A request from a large space: text searches, combined filters, deep pages, details."""
    roll = rng.random()
    if roll < 0.2 and data.sample_ids:
        ref = rng.choice(data.sample_ids + data.sample_images)
        return f"{AMIS}/{ref}"
    params: dict[str, Any] = {}
    if roll < 0.6:
        params["q"] = rng.choice(WORDS) + (
            f" build {rng.randrange(1000)}" if rng.random() < 0.3 else ""
        )
    if rng.random() < 0.5:
        params["template"] = rng.choice(TEMPLATES)
    if rng.random() < 0.5:
        params["region"] = rng.choice(REGIONS)
    if rng.random() < 0.3:
        params["category"] = rng.choice(CATEGORIES)
    params["sort"] = rng.choice(("best", "best", "rating", "downloads", "recent", "name"))
    params["page"] = min(50, 1 + int(rng.expovariate(0.4)))  # mostly the first pages, some deep
    return f"{AMIS}?{urlencode(params, quote_via=quote)}"


def cold_request(rng: random.Random, data: DataSet) -> Request:
    """A cold request, counted as details, search (``q``) or browse."""
    path = cold_path(rng, data)
    kind = "browse" if "?" in path else "details"
    return Request("search" if "q=" in path else kind, path)


def mixed_request(rng: random.Random, data: DataSet, hot: list[str], tokens: list[str]) -> Request:
    """Reads as users make them (half first pages, half cold) with 2% writes among them:
    ratings (a new one, or a user rating again) and launches, each invalidating every cached
    answer and moving its record in the orders."""
    roll = rng.random()
    if roll < 0.02 and tokens:
        ami_id = rng.choice(data.sample_ids)
        token = rng.choice(tokens)
        if roll < 0.014:
            body = json.dumps({"rating": rng.randint(1, 5), "review": "bench"}).encode()
            return Request("rate", f"{AMIS}/{ami_id}/rate", "POST", body, token)
        return Request("use", f"{AMIS}/{ami_id}/use", "POST", b"{}", token)
    return hot_request(rng, hot) if roll < 0.5 else cold_request(rng, data)


async def _client(port: int, pick: Any, stop_at: float, found: dict[str, Any]) -> None:
    """One keep-alive client: requests back to back until ``stop_at``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            request: Request = pick()
            head = f"{request.method} {request.path} HTTP/1.1\r\nHost: bench\r\n"
            if request.token:
                head += f"Authorization: Bearer {request.token}\r\n"
            if request.body is not None:
                head += f"Content-Type: application/json\r\nContent-Length: {len(request.body)}\r\n"
            started = time.perf_counter()
            writer.write(head.encode() + b"\r\n" + (request.body or b""))
            answer = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", answer)
            if length is None:
                raise RuntimeError(f"{request.path}: an answer of unknown length: {answer[:200]!r}")
            await reader.readexactly(int(length.group(1)))
            found["latencies"].setdefault(request.kind, []).append(time.perf_counter() - started)
            if not answer.startswith(b"HTTP/1.1 200"):
                found["errors"] += 1
    finally:
        writer.close()


def _stats(latencies: list[float], elapsed: float) -> dict[str, Any]:
    lat = sorted(latencies)
    if not lat:
        return {"rps": 0, "p50_ms": 0.0, "p99_ms": 0.0, "requests": 0}
    return {
        "rps": round(len(lat) / elapsed),
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 2),
        "requests": len(lat),
    }


async def _load(port: int, picks: list[Any], seconds: float) -> dict[str, Any]:
    found: dict[str, Any] = {"latencies": {}, "errors": 0}
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, p, started + seconds, found) for p in picks))
    elapsed = time.perf_counter() - started
    every = [x for kind in found["latencies"].values() for x in kind]
    return {
        **_stats(every, elapsed),
        "errors": found["errors"],
        "kinds": {kind: _stats(lat, elapsed) for kind, lat in sorted(found["latencies"].items())},
    }


WORKLOADS = ("hot", "cold", "mixed")


def measure(
    port: int,
    data: DataSet,
    clients: int,
    seconds: float,
    tokens: list[str],
    workloads: tuple[str, ...] = WORKLOADS,
) -> dict[str, dict[str, Any]]:
    """Each workload (a short untimed warm-up first) at ``clients`` clients."""
    hot = hot_paths()
    results = {}
    for name in workloads:

        def picks(seed: int, name: str = name) -> list[Any]:
            out = []
            for n in range(clients):
                rng = random.Random(seed * 1000 + n)
                if name == "hot":
                    out.append(lambda rng=rng: hot_request(rng, hot))
                elif name == "cold":
                    out.append(lambda rng=rng: cold_request(rng, data))
                else:
                    out.append(lambda rng=rng: mixed_request(rng, data, hot, tokens))
            return out

        asyncio.run(_load(port, picks(1), min(3.0, seconds)))  # warm-up (fills the cache)
        results[name] = asyncio.run(_load(port, picks(2), seconds))
    return results


def make_tokens(url: str) -> list[str]:
    """Write tokens of the ``mixed`` workload's users (made before the server opens the file)."""
    from cws_jupyter.core.registry import CommunityRegistry

    registry = CommunityRegistry.open(url, catalog=False)
    try:
        return [registry.create_token(f"bench{n}").token for n in range(WRITERS)]
    finally:
        registry.close()


def rss_mb(pid: int) -> int:
    """Resident memory of a process and its children (MB)."""
    total = 0
    for each in (pid, *_children(pid)):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{each}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])
    return total // 1024


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


# -- the run -----------------------------------------------------------------------------------
def run(
    images: int,
    ratings: int,
    clients: int,
    seconds: float,
    backends: list[str],
    threads: int,
    pg_processes: int,
    workloads: tuple[str, ...] = WORKLOADS,
) -> dict[str, Any]:
    """Generate, seed, serve and measure each backend."""
    folder = Path(tempfile.mkdtemp(prefix="cws-bench-registry-"))
    report: dict[str, Any] = {"images": images, "ratings": ratings, "clients": clients,
                              "seconds": seconds, "cpus": os.cpu_count(), "backends": {}}  # fmt: skip
    try:
        started = time.perf_counter()
        data = generate(folder, images, ratings)
        report["generate_s"] = round(time.perf_counter() - started, 1)
        for backend in backends:
            schema = None
            extra: list[str] = []
            if backend == "duckdb":
                url = f"duckdb://{folder / 'registry.duckdb'}"
                seeded = seed_duckdb(url, data)
                cache = None
            else:
                import psycopg

                schema = f"bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(PG_BASE, autocommit=True) as conn:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
                    conn.execute(f'CREATE SCHEMA "{schema}"')
                url = f"{PG_BASE}?options={quote(f'-csearch_path={schema},public')}"
                seeded = seed_postgres(url, data)
                cache = REDIS_URL
                extra = ["--processes", str(pg_processes)]
            label = backend if cache is None else f"{backend}+redis"
            if pg_processes > 1 and backend != "duckdb":
                label += f" x{pg_processes}"
            tokens = make_tokens(url)
            begun = time.perf_counter()
            proc, port = start_registry(url, cache, folder / f"{backend}.log", threads, extra)
            start_s = time.perf_counter() - begun
            try:
                result = measure(port, data, clients, seconds, tokens, workloads)
                memory = rss_mb(proc.pid)
            finally:
                stop_registry(proc)
                if schema:
                    import psycopg

                    with psycopg.connect(PG_BASE, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            report["backends"][label] = {
                "seed_s": round(seeded, 1),
                "start_s": round(start_s, 1),
                "rss_mb": memory,
                **result,
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def main() -> None:
    """Command line: print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="per workload")
    parser.add_argument("--threads", type=int, default=16, help="the server's --threads")
    parser.add_argument(
        "--pg-processes", type=int, default=1, help="the PostgreSQL server's --processes"
    )
    parser.add_argument("--backends", default="duckdb,postgres")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="some of hot, cold, mixed")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    workloads = tuple(w.strip() for w in args.workloads.split(",") if w.strip())
    if not workloads or not set(workloads) <= set(WORKLOADS):
        parser.error("--workloads: some of hot, cold, mixed")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"duckdb", "postgres"}:
        parser.error("--backends: duckdb and/or postgres")
    report = run(
        args.images,
        args.ratings,
        args.clients,
        args.seconds,
        backends,
        args.threads,
        args.pg_processes,
        workloads,
    )
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"cws-registry: {report['images']:,} images, {report['ratings']:,} ratings, "
        f"{report['clients']} keep-alive clients x {report['seconds']:g} s per workload, "
        f"{report['cpus']} CPUs (goal: p99 < 25 ms, >= 1,000 req/s for hot and cold)"
    )
    print(f"  {'backend':<19} {'workload':<8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'non-200':>8}   p50 / p99 ms by kind")  # fmt: skip
    for label, row in report["backends"].items():
        for name in workloads:
            r = row[name]
            kinds = "  ".join(
                f"{kind} {k['p50_ms']:.1f}/{k['p99_ms']:.1f}" for kind, k in r["kinds"].items()
            )
            print(
                f"  {label:<19} {name:<8} {r['rps']:>7} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
                f"{r['errors']:>8}   {kinds}"
            )
        print(
            f"  {'':<19} seeded in {row['seed_s']:.1f} s; server ready in {row['start_s']:.1f} s "
            f"(catalog loaded), {row['rss_mb']} MB resident"
        )


if __name__ == "__main__":
    main()
