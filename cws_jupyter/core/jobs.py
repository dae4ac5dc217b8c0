"""Long operations as jobs in the shared store, so every front door can follow any of them.

A job is started by the process that does the work (a CLI run, a kernel, the Jupyter server);
it records its progress, the AWS resources it has made so far, and its outcome. A job whose
process died while running is found by ``reconcile`` and handed to the domain that knows how to
clean up after it (an image half-made is deregistered, its snapshots deleted).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from .errors import CwsError, NotFound
from .progress import Progress
from .store import StateStore

log = logging.getLogger(__name__)
WRITE_EVERY_S = 0.25
#: Ended jobs kept per account view (the newest); older ones are forgotten.
KEEP_JOBS = 500
INTERNAL_ERROR = {
    "error": "internal_error",
    "message": "the job failed unexpectedly; the log of the process that ran it has the details",
}


class JobState(str, Enum):
    """Where a job is: running, or how it ended."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # stopped by the user (Ctrl-C); cleaned up by its own process
    ABANDONED = "abandoned"  # its process died; cleaned up by the next reconcile


class JobProgress(BaseModel):
    """How far a job has got."""

    done: int = 0
    total: int = 0
    step: str | None = None
    message: str = ""


class JobRecord(BaseModel):
    """A job as every front door shows it."""

    job_id: str
    kind: str = Field(description="What the job does: ami_test, ami_create, ami_copy, launch, ...")
    status: JobState
    progress: JobProgress = Field(default_factory=JobProgress)
    params: dict[str, Any] = Field(default_factory=dict, description="What was asked")
    resources: dict[str, Any] = Field(
        default_factory=dict, description="AWS resources made so far (for cleanup)"
    )
    result: Any = Field(None, description="The outcome, once succeeded")
    error: dict[str, Any] | None = Field(None, description="Why it failed, once failed")
    created: float = Field(description="Unix time the job started")
    updated: float
    finished: float | None = None
    owner: str = Field("", description="host:pid:start of the process running it")

    @property
    def running(self) -> bool:
        """True until the job ends."""
        return self.status is JobState.RUNNING


class JobList(BaseModel):
    """Recent jobs (``cws ami status``), and what was cleaned up after abandoned ones."""

    jobs: list[JobRecord] = Field(default_factory=list)
    recovered: list[str] = Field(
        default_factory=list, description="Jobs found abandoned just now, and what was done"
    )


# -- which process runs a job --------------------------------------------------------------------
@lru_cache(maxsize=1)
def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks (Linux), so a reused pid is not mistaken for it."""
    return _ticks_of(pid) or "0"


def _ticks_of(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def process_token() -> str:
    """This process, as ``host:pid:start``."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"


def token_alive(token: str) -> bool:
    """Is the process named by ``token`` still running? (Another host's process: assumed so.)"""
    from .sandbox.runtime import pid_alive

    host, _, rest = token.partition(":")
    pid_text, _, ticks = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if not pid_alive(pid):
        return False
    current = _ticks_of(pid)
    return current is None or ticks in ("0", current)


# -- the book of jobs ----------------------------------------------------------------------------
class JobBook:
    """Jobs of one account view (the sandbox, or one AWS account) in the shared store."""

    def __init__(self, store: StateStore, namespace: Callable[[], str]) -> None:
        """Jobs in ``store``; ``namespace()`` names the account view (asked lazily)."""
        self.store = store
        self._namespace = namespace
        self._recoverers: dict[str, Callable[[JobRecord], str | None]] = {}
        self._enders: list[Callable[[JobRecord], None]] = []

    @property
    def namespace(self) -> str:
        """The account view these jobs belong to."""
        return self._namespace()

    def on_abandoned(self, kind: str, recover: Callable[[JobRecord], str | None]) -> None:
        """Register how to clean up after an abandoned job of ``kind`` (returns a note, or None)."""
        self._recoverers[kind] = recover

    def on_ended(self, told: Callable[[JobRecord], None]) -> None:
        """Tell ``told`` of every job of this process that ends (succeeded, failed or
        interrupted), with its final record; what ``told`` raises is logged, never the job's."""
        self._enders.append(told)

    def ended(self, record: JobRecord) -> None:
        """``record`` has ended: tell those who asked (``on_ended``)."""
        for told in self._enders:
            try:
                told(record)
            except Exception:  # noqa: BLE001 - a listener never fails the job it hears of
                log.exception("cws: a listener of job %s failed", record.job_id)

    def start(
        self, kind: str, *, total: int = 0, params: dict[str, Any] | None = None
    ) -> JobHandle:
        """Record a new running job owned by this process (the oldest ended ones past
        ``KEEP_JOBS`` are forgotten)."""
        namespace = self.namespace  # may ask STS: never inside the write transaction
        stamp = time.time()
        record = JobRecord(
            job_id=uuid.uuid4().hex,
            kind=kind,
            status=JobState.RUNNING,
            progress=JobProgress(total=total),
            params=params or {},
            created=stamp,
            updated=stamp,
            owner=process_token(),
        )
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO jobs (job_id, kind, namespace, status, owner, created, updated, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.job_id,
                    kind,
                    namespace,
                    record.status.value,
                    record.owner,
                    stamp,
                    stamp,
                    record.model_dump_json(),
                ),
            )
            conn.execute(
                "DELETE FROM jobs WHERE namespace = ? AND status != ? AND job_id NOT IN "
                "(SELECT job_id FROM jobs WHERE namespace = ? ORDER BY created DESC LIMIT ?)",
                (namespace, JobState.RUNNING.value, namespace, KEEP_JOBS),
            )
        return JobHandle(self, record)

    def get(self, job_id: str) -> JobRecord | None:
        """One job by id (any account view), or None."""
        rows = self.store.query("SELECT body FROM jobs WHERE job_id = ?", (job_id,))
        return JobRecord.model_validate_json(rows[0]["body"]) if rows else None

    def list(self, limit: int = 20, kinds: tuple[str, ...] = ()) -> list[JobRecord]:
        """This account view's most recent jobs, newest first."""
        sql = "SELECT body FROM jobs WHERE namespace = ?"
        params: list[Any] = [self.namespace]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        sql += " ORDER BY created DESC LIMIT ?"
        rows = self.store.query(sql, (*params, limit))
        return [JobRecord.model_validate_json(r["body"]) for r in rows]

    def overview(self, limit: int = 20, kinds: tuple[str, ...] = ()) -> JobList:
        """Abandoned jobs cleaned up, then this account view's most recent jobs."""
        recovered = [
            f"{r.kind} {r.job_id}: {r.error['message'] if r.error else 'abandoned'}"
            for r in self.reconcile()
        ]
        return JobList(jobs=self.list(limit, kinds), recovered=recovered)

    def require(self, job_id: str) -> JobRecord:
        """One job by id; NotFound says how to list them."""
        self.reconcile()
        record = self.get(job_id)
        if record is None:
            raise NotFound(
                f"no job with id {job_id!r} (`cws ami status` lists recent jobs)", field="job_id"
            )
        return record

    def update(self, job_id: str, change: Callable[[JobRecord], None]) -> JobRecord:
        """Read, change and write one job in one transaction."""
        with self.store.write() as conn:
            row = conn.execute("SELECT body FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
            record = JobRecord.model_validate_json(row["body"])
            change(record)
            record.updated = time.time()
            conn.execute(
                "UPDATE jobs SET status = ?, updated = ?, finished = ?, body = ? WHERE job_id = ?",
                (
                    record.status.value,
                    record.updated,
                    record.finished,
                    record.model_dump_json(),
                    job_id,
                ),
            )
        return record

    def reconcile(self) -> list[JobRecord]:
        """Mark running jobs whose process died as abandoned, clean up after them; return them."""
        rows = self.store.query(
            "SELECT job_id, owner FROM jobs WHERE status = ? AND namespace = ?",
            (JobState.RUNNING.value, self.namespace),
        )
        ended = []
        for row in rows:
            if token_alive(row["owner"]):
                continue
            mine: list[bool] = []  # did this call mark it (not another front door, just before)?
            record = self.update(row["job_id"], lambda r, m=mine: m.append(_abandon(r)))
            if not mine[0]:
                continue
            note = self._recover(record)
            if note:
                record = self.update(record.job_id, lambda r, n=note: _note(r, n))
            ended.append(record)
        return ended

    def _recover(self, record: JobRecord) -> str | None:
        recover = self._recoverers.get(record.kind)
        if recover is None or not record.resources:
            return None
        try:
            return recover(record)
        except CwsError as exc:
            return f"cleanup failed: {exc.message}"


def _abandon(record: JobRecord) -> bool:
    """Mark a running job abandoned; False when it had already ended (or been marked)."""
    if record.status is not JobState.RUNNING:
        return False
    record.status = JobState.ABANDONED
    record.finished = time.time()
    record.error = {
        "error": "abandoned",
        "message": "the process running this job stopped before it ended",
    }
    return True


def _note(record: JobRecord, note: str) -> None:
    if record.error is not None:
        record.error["message"] = f"{record.error['message']}; {note}"


class JobHandle:
    """The running job, held by the process doing the work: progress, resources, outcome."""

    def __init__(self, book: JobBook, record: JobRecord) -> None:
        """A handle on ``record`` in ``book``."""
        self.book = book
        self.record = record
        self._last_write = 0.0
        self._last_step: str | None = None
        self._lock = threading.Lock()

    @property
    def job_id(self) -> str:
        """The job's id."""
        return self.record.job_id

    def __call__(self, event: Progress) -> None:
        """A progress ``Reporter``: recorded (at most every 0.25 s, and at every new step)."""
        with self._lock:  # reporters run in worker threads; within a step, done never goes back
            last = self.record.progress
            done = max(last.done, event.done) if last.step == event.step else event.done
            progress = JobProgress(
                done=done, total=event.total, step=event.step, message=event.message
            )
            self.record.progress = progress
        stamp = time.monotonic()
        if (
            event.step != self._last_step
            or stamp - self._last_write >= WRITE_EVERY_S
            or (event.total and event.done >= event.total)
        ):
            self._last_step, self._last_write = event.step, stamp
            self.book.update(self.job_id, lambda r: setattr(r, "progress", progress))

    def add_resource(self, key: str, value: Any) -> None:
        """Record an AWS resource the job has made (written at once: a crash may follow)."""
        self.record.resources[key] = value
        self.book.update(self.job_id, lambda r: r.resources.__setitem__(key, value))

    def succeed(self, result: Any) -> None:
        """The job ended well with ``result`` (a pydantic model or JSON data)."""
        data = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
        json.dumps(data)  # refuse, here, what the store could not hold

        def done(r: JobRecord) -> None:
            r.status, r.result, r.finished = JobState.SUCCEEDED, data, time.time()
            r.progress.done = max(r.progress.done, r.progress.total)

        self.record = self.book.update(self.job_id, done)
        self.book.ended(self.record)

    def fail(self, error: dict[str, Any], state: JobState = JobState.FAILED) -> None:
        """The job ended badly: ``error`` is the JSON error body."""

        def failed(r: JobRecord) -> None:
            r.status, r.error, r.finished = state, error, time.time()

        self.record = self.book.update(self.job_id, failed)
        self.book.ended(self.record)

    @contextmanager
    def failing(self) -> Iterator[None]:
        """A step of the job: if it raises, the job is recorded as failed (or interrupted)."""
        try:
            yield
        except CwsError as exc:
            self.fail(exc.to_dict())
            raise
        except KeyboardInterrupt as exc:
            message = str(exc) or "stopped by the user"
            self.fail({"error": "interrupted", "message": message}, JobState.INTERRUPTED)
            raise
        except BaseException:
            log.exception("cws job %s (%s) failed", self.job_id, self.record.kind)
            self.fail(dict(INTERNAL_ERROR))
            raise

    def run(self, work: Callable[[], Any]) -> Any:
        """Run ``work()``, record its outcome, and return its result (errors are re-raised)."""
        with self.failing():
            result = work()
        self.succeed(result)
        return result
