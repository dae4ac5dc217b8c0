"""Long requests as jobs: a thread-safe record of progress and outcome, and the store of them."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from ..core.errors import CwsError

log = logging.getLogger(__name__)
#: What a job runs: called with a ``progress(done, total)`` callback, returns the result.
Work = Callable[[Callable[[int, int], None]], Any]

INTERNAL_ERROR = {
    "error": "internal_error",
    "message": "the job failed unexpectedly; the Jupyter server log has the details",
}


class TooManyJobs(Exception):
    """More jobs are running than the server accepts at once."""


class Job:
    """One long-running request; updated from worker threads, read from the event loop."""

    def __init__(self, kind: str, total: int) -> None:
        """A running job of ``kind`` expecting ``total`` steps."""
        self.job_id = uuid.uuid4().hex
        self.kind = kind
        self.created = time.time()
        self._lock = threading.Lock()
        self._status = "running"
        self._done, self._total = 0, total
        self._result: dict[str, Any] | None = None
        self._error: dict[str, Any] | None = None
        self._finished: float | None = None

    @property
    def running(self) -> bool:
        """True until the job succeeds or fails."""
        with self._lock:
            return self._status == "running"

    def progress(self, done: int, total: int) -> None:
        """Record progress (called from worker threads)."""
        with self._lock:
            self._done, self._total = max(self._done, done), total

    def run(self, work: Work) -> None:
        """Run ``work(progress)`` to completion, recording its result or its error."""
        try:
            outcome = work(self.progress)
            result = outcome.model_dump(mode="json") if hasattr(outcome, "model_dump") else outcome
        except CwsError as exc:
            self._end("failed", error=exc.to_dict())
        except Exception:
            log.exception("cws job %s (%s) failed", self.job_id, self.kind)
            self._end("failed", error=dict(INTERNAL_ERROR))
        else:
            self._end("succeeded", result=result)

    def _end(self, status: str, *, result: Any = None, error: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._status, self._result, self._error = status, result, error
            self._finished = time.time()
            if status == "succeeded":
                self._done = self._total

    def snapshot(self) -> dict[str, Any]:
        """The job as the API shows it."""
        with self._lock:
            return {
                "job_id": self.job_id,
                "kind": self.kind,
                "status": self._status,
                "progress": {"done": self._done, "total": self._total},
                "result": self._result,
                "error": self._error,
                "created": self.created,
                "finished": self._finished,
            }


class JobStore:
    """Running and recent jobs; the oldest finished ones are forgotten past ``keep``."""

    def __init__(self, executor: Executor, *, max_running: int = 32, keep: int = 200) -> None:
        """Jobs run on ``executor``; at most ``max_running`` at once."""
        self.executor = executor
        self.max_running = max_running
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, kind: str, total: int, work: Work) -> Job:
        """Start ``work`` as a new job; raises TooManyJobs when the server is saturated."""
        job = Job(kind, total)
        with self._lock:
            if sum(j.running for j in self._jobs.values()) >= self.max_running:
                raise TooManyJobs(
                    f"the server is already running its limit of {self.max_running} job(s); "
                    "retry in a few seconds"
                )
            self._jobs[job.job_id] = job
            self._forget_old()
        self.executor.submit(job.run, work)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if the store still has it."""
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        excess = len(self._jobs) - self.keep
        for job_id in [j.job_id for j in self._jobs.values() if not j.running][: max(0, excess)]:
            del self._jobs[job_id]
