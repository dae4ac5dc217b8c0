"""The community registry under load: browse and search on 100,000 images and 1,000,000 ratings.

    python benchmarks/bench_registry.py [--images 100000] [--ratings 1000000] [--clients 32]
        [--seconds 10] [--backends duckdb,postgres] [--json]

Seeds each database with bulk loads of one generated data set (CSV files written once: DuckDB's
``COPY ... FROM`` file, PostgreSQL's ``COPY ... FROM STDIN``), computes the rating aggregates and
ranking columns in SQL, starts the real `cws-registry` process on it (PostgreSQL with Redis as
its cache), then drives it with ``--clients`` concurrent keep-alive HTTP clients (asyncio, one
connection each, a new request as soon as the last answer is read) for ``--seconds`` per
workload:

- ``hot``: the pages most people open (first pages of each template, category, region and
  order; the best image of each template in each region): served from the cache once warm;
- ``cold``: searches drawn at random from a large space (text searches, filters combined, sorts,
  pages 1-50 with most on the first few, details of random records): most miss the cache and
  query the database (a filter's total is cached apart from its pages, so later pages of a
  search reuse it).

Reported per backend and workload: requests per second, p50 and p99 latency, non-200 answers.
The issue's goal: p99 < 25 ms and >= 1,000 req/s with 32 clients on the 2-core machine.
PostgreSQL is reached at ``CWS_BENCH_POSTGRES`` (default postgresql://postgres@127.0.0.1:5432/test;
a schema of its own, dropped after) and Redis at ``CWS_BENCH_REDIS`` (redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import asyncio
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

from cws_jupyter.core.registry import ranking  # noqa: E402
from cws_jupyter.core.registry.migrations import migrate  # noqa: E402
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
    conn.execute(AGGREGATE_SQL)
    conn.execute(REGIONS_TEXT_SQL.format(where=""))
    conn.execute(RESCORE_ALL_SQL)
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
        conn.execute(AGGREGATE_SQL)
        conn.execute(REGIONS_TEXT_SQL.format(where=""))
        conn.execute(RESCORE_ALL_SQL)
        conn.execute("VACUUM ANALYZE ami_registry")
        conn.execute("VACUUM ANALYZE ami_regions")
        conn.execute("VACUUM ANALYZE ami_ratings")
    return time.perf_counter() - started


# -- the server --------------------------------------------------------------------------------
def start_registry(db: str, cache: str | None, log: Path, threads: int) -> tuple[Any, int]:
    """The real `cws-registry` process (console script of this environment); (process, port)."""
    exe = Path(sys.executable).parent / "cws-registry"
    argv = (
        [str(exe)] if exe.exists() else [sys.executable, "-m", "cws_jupyter.registry_server.main"]
    )
    argv += ["--db", db, "--port", "0", "--no-verify", "--threads", str(threads)]
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


def hot_paths() -> list[str]:
    """The first pages people open most."""
    paths = [AMIS] + [f"{AMIS}?sort={s}" for s in ("rating", "downloads", "recent", "name")]
    paths += [f"{AMIS}?template={t}" for t in TEMPLATES]
    paths += [f"{AMIS}?category={c}" for c in CATEGORIES]
    paths += [f"{AMIS}?region={r}" for r in REGIONS]
    paths += [f"/api/v1/community/best?template={t}&region={r}" for t in TEMPLATES for r in REGIONS]
    return paths


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


async def _client(port: int, pick: Any, stop_at: float, found: dict[str, Any]) -> None:
    """One keep-alive client: requests back to back until ``stop_at``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            path = pick()
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if length is None:
                raise RuntimeError(f"GET {path}: an answer of unknown length: {head[:200]!r}")
            await reader.readexactly(int(length.group(1)))
            found["latencies"].append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                found["errors"] += 1
    finally:
        writer.close()


async def _load(port: int, picks: list[Any], seconds: float) -> dict[str, Any]:
    found: dict[str, Any] = {"latencies": [], "errors": 0}
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, p, started + seconds, found) for p in picks))
    elapsed = time.perf_counter() - started
    lat = sorted(found["latencies"])
    if not lat:
        return {"rps": 0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": found["errors"], "requests": 0}
    return {
        "rps": round(len(lat) / elapsed),
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 2),
        "errors": found["errors"],
        "requests": len(lat),
    }


def measure(port: int, data: DataSet, clients: int, seconds: float) -> dict[str, dict[str, Any]]:
    """Both workloads (a short untimed warm-up first) at ``clients`` clients."""
    hot = hot_paths()
    results = {}
    for name in ("hot", "cold"):

        def picks(seed: int, name: str = name) -> list[Any]:
            out = []
            for n in range(clients):
                rng = random.Random(seed * 1000 + n)
                if name == "hot":
                    out.append(lambda rng=rng: rng.choice(hot))
                else:
                    out.append(lambda rng=rng: cold_path(rng, data))
            return out

        asyncio.run(_load(port, picks(1), min(3.0, seconds)))  # warm-up (fills the cache)
        results[name] = asyncio.run(_load(port, picks(2), seconds))
    return results


# -- the run -----------------------------------------------------------------------------------
def run(
    images: int, ratings: int, clients: int, seconds: float, backends: list[str], threads: int
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
            label = backend if cache is None else f"{backend}+redis"
            proc, port = start_registry(url, cache, folder / f"{backend}.log", threads)
            try:
                result = measure(port, data, clients, seconds)
            finally:
                stop_registry(proc)
                if schema:
                    import psycopg

                    with psycopg.connect(PG_BASE, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            report["backends"][label] = {"seed_s": round(seeded, 1), **result}
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
    parser.add_argument("--backends", default="duckdb,postgres")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"duckdb", "postgres"}:
        parser.error("--backends: duckdb and/or postgres")
    report = run(args.images, args.ratings, args.clients, args.seconds, backends, args.threads)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"cws-registry: {report['images']:,} images, {report['ratings']:,} ratings, "
        f"{report['clients']} keep-alive clients x {report['seconds']:g} s per workload, "
        f"{report['cpus']} CPUs (goal: p99 < 25 ms, >= 1,000 req/s)"
    )
    print(f"  {'backend':<16} {'seed':>7} {'workload':<8} {'req/s':>7} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'non-200':>8}")  # fmt: skip
    for label, row in report["backends"].items():
        for name in ("hot", "cold"):
            r = row[name]
            print(
                f"  {label:<16} {row['seed_s']:>6.1f}s {name:<8} {r['rps']:>7} "
                f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>8}"
            )


if __name__ == "__main__":
    main()
