"""What each separate process does to the shared state store in ``test_lifecycle_store`` (run
with multiprocessing's forkserver: real processes, each with its own SQLite connection).

``write`` and ``reserve`` connect, create ``GO.<me>.ready``, then wait for the file GO before
they write, so the processes of a test really write at the same time; they put their outcome
on a queue.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from cws_jupyter.core.errors import Conflict
from cws_jupyter.core.instances.book import InstanceBook
from cws_jupyter.core.instances.models import InstanceRecord
from cws_jupyter.core.store import StateStore, now

NAMESPACE = "sandbox"


def record(name: str, **extra: object) -> InstanceRecord:
    """A workstation record as a launch reserves it."""
    return InstanceRecord(
        name=name,
        template="python-ml",
        region="us-east-1",
        state="launching",
        resolution_method="ssm_parameter",
        provisioning="none",
        instance_type="t3.medium",
        **extra,
    )


def wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.005)


def ready_then_wait(go: Path, me: str) -> None:
    """Say this process is ready (connected), then wait for the signal to start."""
    go.with_name(f"{go.name}.{me}.ready").touch()
    wait_for(go)


def connected_book(db: Path) -> InstanceBook:
    book = InstanceBook(StateStore(db), lambda: NAMESPACE)
    book.store.query("SELECT 1")  # connect (and migrate) before the race starts
    return book


def write(db: Path, go: Path, index: int, updates: int, shared: str, results: Any) -> None:
    """Reserve three workstations of its own, then append ``updates`` entries (one
    read-modify-write transaction each) to the ``cidrs`` list of the shared record, pausing a
    little between them so that the processes take turns (interleaved, not one after another)."""
    book = connected_book(db)
    ready_then_wait(go, str(index))
    mine = [book.reserve(record(f"w{index:02d}-{n}")).name for n in range(3)]
    for n in range(updates):
        book.update(shared, lambda r, n=n: r.cidrs.append(f"10.{index}.{n}.0/24"))
        time.sleep(random.uniform(0.0, 0.01))
    results.put({"index": index, "reserved": mine, "updates": updates})


def reserve(db: Path, go: Path, tag: str, names: list[str], results: Any) -> None:
    """Reserve each name (other processes race for the same names); report who won what."""
    book = connected_book(db)
    ready_then_wait(go, tag)
    outcomes: dict[str, str] = {}
    for name in names:
        try:
            book.reserve(record(name))
            outcomes[name] = "won"
        except Conflict as exc:
            outcomes[name] = f"conflict: {exc.message}"
    results.put({"tag": tag, "outcomes": outcomes})


def hold(db: Path, ready: Path) -> None:
    """One long write transaction (rewrite the shared record, insert thousands of records),
    announced by creating READY once it is well under way, writing on until killed."""
    store = StateStore(db)
    padding = "x" * 4000
    with store.write() as conn:
        row = conn.execute("SELECT key, body FROM instances WHERE name = 'shared'").fetchone()
        body = json.loads(row["body"])
        body["cidrs"] = [f"172.16.{n % 256}.0/24" for n in range(5000)]
        conn.execute("UPDATE instances SET body = ? WHERE key = ?", (json.dumps(body), row["key"]))
        n = 0
        while True:  # many pages: the transaction spills into the WAL before any commit
            conn.execute(
                "INSERT INTO instances (key, namespace, name, state, updated, body) "
                "VALUES (?, ?, ?, 'launching', ?, ?)",
                (f"held-{n}", NAMESPACE, f"held-{n}", now(), padding),
            )
            n += 1
            if n == 3000:
                ready.touch()
