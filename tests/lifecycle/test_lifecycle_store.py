"""The shared state store (SQLite in WAL mode) under real concurrency: separate processes
(``store_worker.py``) writing at once lose no update, a process killed mid-transaction leaves the
previous state readable and the database intact, and of two processes reserving one name exactly
one wins."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cws_jupyter.core.errors import Conflict
from cws_jupyter.core.instances.book import InstanceBook
from cws_jupyter.core.store import DB_FILE, StateStore

sys.path.insert(0, str(Path(__file__).parent))
import store_worker  # noqa: E402
from store_worker import NAMESPACE, record  # noqa: E402

WRITERS, UPDATES = 16, 12
#: Separate processes, forked from one clean single-threaded server that has imported the
#: core once (16 fresh interpreters would spend seconds importing on a small machine).
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["cws_jupyter.core.instances.book", "cws_jupyter.core.store"])


def start(target: Any, *args: object) -> multiprocessing.Process:
    proc = PROCESSES.Process(target=target, args=args, daemon=True)
    proc.start()
    return proc


def wait_for(paths: list[Path], procs: list[Any], timeout: float = 90.0) -> None:
    """Until every path exists (failing early if a process died)."""
    deadline = time.monotonic() + timeout
    while not all(p.exists() for p in paths):
        dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        assert not dead, f"worker(s) exited with {dead}"
        assert time.monotonic() < deadline, "workers never got ready"
        time.sleep(0.01)


def finish(procs: list[Any], results: Any) -> list[dict]:
    """Every process's outcome (they all exited 0)."""
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return outcomes


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def book(tmp_path: Path) -> InstanceBook:
    return InstanceBook(StateStore(tmp_path / DB_FILE), lambda: NAMESPACE)


def test_sixteen_writer_processes_lose_no_update(book: InstanceBook, tmp_path: Path) -> None:
    """16 processes each reserve 3 records of their own and append 12 entries (one
    read-modify-write each) to one shared record's list, all at once: all 192 appends and all
    48 reservations are there, each process's appends in its own order."""
    shared = book.reserve(record("shared")).key
    go, queue = tmp_path / "go", PROCESSES.Queue()
    procs = [
        start(store_worker.write, book.store.path, go, i, UPDATES, shared, queue)
        for i in range(WRITERS)
    ]
    assert len({p.pid for p in procs} | {os.getpid()}) == WRITERS + 1  # 16 other processes
    wait_for([go.with_name(f"go.{i}.ready") for i in range(WRITERS)], procs)
    go.touch()
    results = sorted(finish(procs, queue), key=lambda r: r["index"])

    assert [r["updates"] for r in results] == [UPDATES] * WRITERS
    cidrs = book.get("shared").cidrs
    assert len(cidrs) == WRITERS * UPDATES  # no lost update
    expected = {f"10.{i}.{n}.0/24" for i in range(WRITERS) for n in range(UPDATES)}
    assert set(cidrs) == expected
    for i in range(WRITERS):
        own = [c for c in cidrs if c.startswith(f"10.{i}.")]
        assert own == [f"10.{i}.{n}.0/24" for n in range(UPDATES)]
    names = {r.name for r in book.list()}
    assert names == {"shared"} | {f"w{i:02d}-{n}" for i in range(WRITERS) for n in range(3)}
    assert integrity(book.store.path) == "ok"
    assert book.store.query("PRAGMA journal_mode")[0][0] == "wal"


def test_a_writer_killed_mid_transaction_leaves_the_previous_state(
    book: InstanceBook, tmp_path: Path
) -> None:
    """A process SIGKILLed inside a long write transaction (thousands of rows, spilled to the
    WAL): readers see the previous state meanwhile and afterwards, the database passes
    `PRAGMA integrity_check`, and the next writer is not blocked."""
    shared = book.reserve(record("shared", cidrs=["192.0.2.0/24"])).key
    others = {book.reserve(record(f"kept-{n}")).name for n in range(5)}
    ready = tmp_path / "ready"
    wal = Path(f"{book.store.path}-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0

    proc = start(store_worker.hold, book.store.path, ready)
    wait_for([ready], [proc])
    assert proc.is_alive()  # still inside its transaction
    assert wal.stat().st_size > wal_before + 1_000_000  # its pages are in the WAL, uncommitted
    assert book.get("shared").cidrs == ["192.0.2.0/24"]  # a reader is not blocked, sees before
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=30)
    assert proc.exitcode == -signal.SIGKILL

    reopened = InstanceBook(StateStore(book.store.path), lambda: NAMESPACE)
    assert integrity(book.store.path) == "ok"
    assert reopened.get("shared").cidrs == ["192.0.2.0/24"]
    assert {r.name for r in reopened.list()} == {"shared"} | others
    assert (
        reopened.store.query("SELECT COUNT(*) FROM instances WHERE name LIKE 'held-%'")[0][0] == 0
    )

    started = time.monotonic()
    updated = reopened.update(shared, lambda r: r.cidrs.append("192.0.2.128/25"))
    assert time.monotonic() - started < 5  # the dead writer's lock went with it
    assert updated.cidrs == ["192.0.2.0/24", "192.0.2.128/25"]
    assert book.get("shared").cidrs == updated.cidrs


def test_two_processes_reserving_the_same_names_exactly_one_wins_each(
    book: InstanceBook, tmp_path: Path
) -> None:
    names = [f"lab-{n:02d}" for n in range(25)]
    book.store.query("SELECT 1")  # the schema exists before the race
    go, queue = tmp_path / "go", PROCESSES.Queue()
    procs = [start(store_worker.reserve, book.store.path, go, tag, names, queue) for tag in "ab"]
    wait_for([go.with_name("go.a.ready"), go.with_name("go.b.ready")], procs)
    go.touch()
    first, second = (r["outcomes"] for r in finish(procs, queue))

    for name in names:
        outcomes = sorted([first[name], second[name]])
        assert outcomes[1] == "won", (name, outcomes)
        assert outcomes[0].startswith("conflict: ") and repr(name) in outcomes[0]
        assert "already exists" in outcomes[0]
    live = [r.name for r in book.list()]
    assert sorted(live) == names  # one record per name

    with pytest.raises(Conflict):  # and a third reservation, here, loses too
        book.reserve(record(names[0]))
