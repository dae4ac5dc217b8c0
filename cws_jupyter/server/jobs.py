"""Long requests run as jobs: recorded in the user's shared state store (so `cws ami status`, a
notebook and the REST API all see them), run on the server's job threads, capped in number."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.jobs import JobBook, JobHandle

log = logging.getLogger(__name__)


class TooManyJobs(Exception):
    """More jobs are running in this server than it accepts at once."""


class JobRunner:
    """Runs jobs of the shared job book on an executor; at most ``max_running`` at once here."""

    def __init__(
        self, executor: Executor, book: Callable[[], JobBook], *, max_running: int = 32
    ) -> None:
        """Jobs run on ``executor`` and are recorded in ``book()`` (the service's job book)."""
        self.executor = executor
        self.book = book
        self.max_running = max_running
        self._running = 0
        self._lock = threading.Lock()

    def admit(self) -> None:
        """Take a slot for a new job, or refuse (429) when the server is saturated."""
        with self._lock:
            if self._running >= self.max_running:
                raise TooManyJobs(
                    f"the server is already running its limit of {self.max_running} job(s); "
                    "retry in a few seconds"
                )
            self._running += 1

    def release(self) -> None:
        """Give a slot back."""
        with self._lock:
            self._running -= 1

    def start(
        self, make_job: Callable[[], JobHandle], work: Callable[[JobHandle], Any]
    ) -> JobHandle:
        """Take a slot, make the job (``make_job``: a job-book record, in the caller's thread),
        then run ``work(job)`` on the executor; ``work`` records the job's outcome."""
        self.admit()
        try:
            job = make_job()
        except BaseException:
            self.release()
            raise
        self.run(job, lambda: work(job))
        return job

    def run(self, job: JobHandle, work: Callable[[], Any]) -> None:
        """Run ``work()`` for a job whose slot is already taken; the slot is given back after."""
        self._run(job, work)

    def _run(self, job: JobHandle, work: Callable[[], Any]) -> None:
        def target() -> None:
            try:
                work()
            except Exception:  # noqa: BLE001 - the job records it; the server goes on
                log.debug("cws job %s ended with an error", job.job_id, exc_info=True)
            finally:
                self.release()

        try:
            self.executor.submit(target)
        except BaseException:
            self.release()
            raise
