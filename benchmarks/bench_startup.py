"""Process start-up: what a user waits for before `cws` (or `%load_ext cws_jupyter`) does anything.

    python benchmarks/bench_startup.py [--runs 7] [--json]

Every row is a whole new process, timed end to end as a user runs it, in this one run, with the
rows interleaved run by run so that a noisy machine slows them all alike. Rows:

- ``python -c pass`` and ``python -c "import pydantic, yaml"`` (the floor and the goal's unit);
- the stack's floor: a process importing what every `cws` command stands on (click, rich's
  console, yaml) and defining one pydantic model. ``import pydantic`` alone loads almost nothing
  (pydantic 2 imports lazily; its schema machinery loads with the first model class), so the
  goal's unit leaves out what the first model costs every program built on pydantic;
- ``cws templates list`` (no AWS at all);
- ``cws --sandbox ami resolve python-ml --region eu-west-1`` answered from the lookup cache
  (0 AWS calls; the sandbox is started and the cache filled before timing);
- ``%load_ext cws_jupyter`` in a fresh IPython shell (the load alone, timed inside the process).

Each row reports its median, its ratio to ``import pydantic, yaml`` and to the stack's floor, and which AWS libraries the
process imported (a cached resolve and a template listing need none). Goal (issue 8): the
listing and the cached resolve within 2.5x of ``import pydantic, yaml``; %load_ext under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HEAVY = ("boto3", "botocore", "moto")
#: Runs a `cws` command in-process as `cws` would, then prints the AWS libraries it imported
#: as it exits (an exit hook: `cws` ends its process itself once the command is done).
CWS_PROBE = (
    "import atexit, sys, runpy\n"
    "def report():\n"
    f"    print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    "atexit.register(report)\n"
    "sys.argv = ['cws', *sys.argv[1:]]\n"
    "runpy.run_module('cws_jupyter.cli.main', run_name='__main__')\n"
)
LOAD_EXT_PROBE = (
    "import sys, time\n"
    "from IPython.core.interactiveshell import InteractiveShell\n"
    "shell = InteractiveShell.instance()\n"
    "started = time.perf_counter()\n"
    "shell.run_line_magic('load_ext', 'cws_jupyter')\n"
    "print('LOAD_MS=%.1f' % ((time.perf_counter() - started) * 1000), file=sys.stderr)\n"
    f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
)


STACK_FLOOR = "floor: click, rich, yaml + one pydantic model"
STACK_FLOOR_CODE = (
    "import click, rich.console, rich.table, yaml\n"
    "from pydantic import BaseModel\n"
    "class One(BaseModel):\n"
    "    x: int = 1\n"
)


@dataclass
class Row:
    """One measured process kind."""

    name: str
    median_ms: float
    ratio: float | None
    floor_ratio: float | None
    imports: str
    note: str = ""


@dataclass
class Case:
    """A process to start, and how to read what it reports."""

    name: str
    argv: list[str]
    inner_ms: bool = False  # the figure is what the process reports (LOAD_MS), not its wall time


def run_once(case: Case, env: dict[str, str]) -> tuple[float, str]:
    """One run: (milliseconds, the AWS libraries it imported)."""
    started = time.perf_counter()
    out = subprocess.run(case.argv, capture_output=True, text=True, env=env, check=False)
    wall = (time.perf_counter() - started) * 1000
    if out.returncode != 0:
        raise SystemExit(f"{case.name} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    heavy, inner = "", None
    for line in out.stderr.splitlines():
        if line.startswith("HEAVY="):
            heavy = line[6:]
        elif line.startswith("LOAD_MS="):
            inner = float(line[8:])
    return (inner if case.inner_ms and inner is not None else wall), heavy


def cases() -> list[Case]:
    """The processes, in the order they are interleaved."""
    py = sys.executable
    cws = [py, "-c", CWS_PROBE]
    return [
        Case("python -c pass", [py, "-c", "pass"]),
        Case("python -c 'import pydantic, yaml'", [py, "-c", "import pydantic, yaml"]),
        Case(STACK_FLOOR, [py, "-c", STACK_FLOOR_CODE]),
        Case("cws templates list", [*cws, "templates", "list"]),
        Case(
            "cws --sandbox ami resolve (cached)",
            [*cws, "--sandbox", "ami", "resolve", "python-ml", "--region", "eu-west-1"],
        ),
        Case("%load_ext cws_jupyter (load only)", [py, "-c", LOAD_EXT_PROBE], inner_ms=True),
    ]


def measure(runs: int) -> list[Row]:
    """All rows, interleaved ``runs`` times, after one warm-up run each (fills the cache)."""
    home = Path(tempfile.mkdtemp(prefix="cws-bench-startup-"))
    env = {**os.environ, "CWS_HOME": str(home), "COLUMNS": "120"}
    env.pop("CWS_SANDBOX", None)
    all_cases = cases()
    samples: dict[str, list[float]] = {c.name: [] for c in all_cases}
    imports: dict[str, str] = {}
    try:
        for case in all_cases:  # warm-up: starts the sandbox and fills the lookup cache
            run_once(case, env)
        for _ in range(runs):
            for case in all_cases:
                ms, heavy = run_once(case, env)
                samples[case.name].append(ms)
                imports[case.name] = heavy
    finally:
        subprocess.run(
            [sys.executable, "-m", "cws_jupyter.cli.main", "sandbox", "stop"],
            env=env,
            capture_output=True,
            check=False,
        )
    unit = statistics.median(samples["python -c 'import pydantic, yaml'"])
    floor = statistics.median(samples[STACK_FLOOR])
    rows = []
    for case in all_cases:
        median = statistics.median(samples[case.name])
        is_cws = case.name.startswith(("cws", "%"))
        rows.append(
            Row(
                case.name,
                round(median, 1),
                round(median / unit, 2) if is_cws else None,
                round(median / floor, 2) if is_cws else None,
                imports.get(case.name, "") or "-",
            )
        )
    return rows


def main() -> None:
    """Measure and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(args.runs)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return
    print(
        f"{'process':44} {'median ms':>10} {'x import':>9} {'x floor':>8}  AWS libraries imported"
    )
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        floor = f"{r.floor_ratio:.2f}" if r.floor_ratio is not None else ""
        print(f"{r.name:44} {r.median_ms:10.1f} {ratio:>9} {floor:>8}  {r.imports}")


if __name__ == "__main__":
    main()
