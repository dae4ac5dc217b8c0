"""Jobs whose process died, reconciled by several front doors at once (each with its own
connection to the shared store, as a CLI run and the Jupyter server have): the cleanup runs once."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cws_jupyter.core import jobs
from cws_jupyter.core.jobs import JobBook, JobRecord, JobState
from cws_jupyter.core.store import DB_FILE, StateStore

NAMESPACE = "sandbox"
LEAVE_A_JOB = """
import sys
from cws_jupyter.core.jobs import JobBook
from cws_jupyter.core.store import StateStore
job = JobBook(StateStore(sys.argv[1]), lambda: "sandbox").start("lc_test", params={"n": 1})
job.add_resource("image", {"region": "us-east-1", "ami_id": "ami-0123456789abcdef0"})
print(job.job_id)
"""


def job_left_running(db: Path) -> str:
    """A job started by a process that then exited without ending it."""
    out = subprocess.run(
        [sys.executable, "-c", LEAVE_A_JOB, str(db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip()


def test_a_dead_process_job_is_recovered_once_even_when_two_reconcile_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / DB_FILE
    job_id = job_left_running(db)
    books = [JobBook(StateStore(db), lambda: NAMESPACE) for _ in range(2)]
    recovered: list[str] = []
    for n, book in enumerate(books):
        book.on_abandoned("lc_test", lambda r, n=n: recovered.append(r.job_id) or f"cleaned by {n}")
    assert books[0].get(job_id).status is JobState.RUNNING

    # Both have found the job running and its process dead before either marks it abandoned.
    both_looked = threading.Barrier(2, timeout=30)
    alive = jobs.token_alive

    def token_alive(token: str) -> bool:
        both_looked.wait()
        return alive(token)

    monkeypatch.setattr(jobs, "token_alive", token_alive)
    ended: list[list[JobRecord]] = [[], []]
    threads = [
        threading.Thread(target=lambda n=n: ended.__setitem__(n, books[n].reconcile()))
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert recovered == [job_id]  # cleaned up once
    assert sorted(len(e) for e in ended) == [0, 1]  # and reported by one of the two
    record = books[0].get(job_id)
    assert record.status is JobState.ABANDONED
    assert record.error["message"].count("cleaned by") == 1


def test_reconcile_leaves_running_jobs_of_live_processes_alone(tmp_path: Path) -> None:
    book = JobBook(StateStore(tmp_path / DB_FILE), lambda: NAMESPACE)
    recovered: list[str] = []
    book.on_abandoned("lc_test", lambda r: recovered.append(r.job_id) or "cleaned")
    mine = book.start("lc_test")
    mine.add_resource("image", {"region": "us-east-1", "ami_id": "ami-0123456789abcdef0"})
    dead = job_left_running(tmp_path / DB_FILE)

    assert [r.job_id for r in book.reconcile()] == [dead]
    assert recovered == [dead]
    assert book.get(mine.job_id).status is JobState.RUNNING  # this process is alive
    assert book.get(dead).status is JobState.ABANDONED
    assert book.reconcile() == [] and recovered == [dead]  # nothing left to do
