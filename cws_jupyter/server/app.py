"""The jupyter-server extension: configuration, the one shared CwsService, and the thread pools."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int

from ..traits import CwsTraits
from .jobs import JobRunner

if TYPE_CHECKING:
    from ..core.service import CwsService
    from .answers import ResolveAnswers

T = TypeVar("T")
#: Key of the shared service in the tornado web application's settings.
SERVICE_KEY = "cws_service"
AWS_MODE_TTL = 60.0


class CwsExtensionApp(ExtensionApp, CwsTraits):
    """cws-jupyter's server half: the REST API under ``{base_url}cws/api/v1/``.

    Configure it like any Jupyter extension, e.g. in ``jupyter_server_config.py``:
    ``c.CwsExtensionApp.region = "eu-west-1"`` or ``c.CwsExtensionApp.sandbox = True``.
    """

    name = "cws_jupyter"
    description = "cws-jupyter: find, test and compare AMIs for workstation templates (REST API)."
    load_other_extensions = True

    max_workers = Int(
        8,
        min=1,
        help="Threads running blocking AWS calls for REST requests (the event loop never waits).",
    ).tag(config=True)
    job_workers = Int(
        4,
        min=1,
        help="Threads running long jobs (availability checks, builds, copies, launches) at once.",
    ).tag(config=True)
    max_running_jobs = Int(
        32,
        min=1,
        help="Jobs accepted at once (running or queued); beyond it, job requests answer 429.",
    ).tag(config=True)

    def __init__(self, **kwargs: object) -> None:
        """An extension app with a lock guarding the one-time build of the service."""
        super().__init__(**kwargs)
        self._service_lock = threading.Lock()
        self._aws_mode: tuple[float, str, str | None] | None = None

    # -- jupyter-server hooks ------------------------------------------------------------------
    def initialize_handlers(self) -> None:
        """Register the route table (jupyter-server prefixes each pattern with base_url)."""
        from .routes import handler_rules

        self.handlers.extend(handler_rules())

    async def stop_extension(self) -> None:
        """Stop the thread pools (work in flight is abandoned with the server)."""
        for pool in ("executor", "job_executor"):
            if pool in self.__dict__:
                self.__dict__[pool].shutdown(wait=False, cancel_futures=True)

    # -- shared objects, built on first use ----------------------------------------------------
    @property
    def service(self) -> CwsService:
        """The server's one CwsService, built on first use and kept in the web app's settings."""
        settings = self._web_settings()
        service = settings.get(SERVICE_KEY)
        if service is None:
            with self._service_lock:
                service = settings.get(SERVICE_KEY)
                if service is None:
                    from ..core.service import CwsService

                    service = settings[SERVICE_KEY] = CwsService(self.to_settings())
        return service  # type: ignore[no-any-return]

    @property
    def service_if_built(self) -> CwsService | None:
        """The server's CwsService if a request already built it (never builds it)."""
        return self._web_settings().get(SERVICE_KEY)  # type: ignore[no-any-return]

    @cached_property
    def answers(self) -> ResolveAnswers:
        """Resolutions served again on the event loop while nothing behind them changed."""
        from .answers import ResolveAnswers

        return ResolveAnswers()

    def _web_settings(self) -> dict[str, Any]:
        """The tornado application's settings (shared by every handler)."""
        assert self.serverapp is not None, "the extension is not linked to a server"
        return self.serverapp.web_app.settings  # type: ignore[no-any-return]

    @cached_property
    def executor(self) -> ThreadPoolExecutor:
        """Where request handlers run blocking service calls."""
        return ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="cws-rest")

    @cached_property
    def job_executor(self) -> ThreadPoolExecutor:
        """Where long jobs run."""
        return ThreadPoolExecutor(max_workers=self.job_workers, thread_name_prefix="cws-job")

    @cached_property
    def jobs(self) -> JobRunner:
        """Runs long requests as jobs of the user's shared job book."""
        return JobRunner(
            self.job_executor, lambda: self.service.jobs, max_running=self.max_running_jobs
        )

    async def run_blocking(self, work: Callable[[], T]) -> T:
        """Run ``work()`` in the request pool and await it without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    def openapi_document(self, base_url: str) -> str:
        """This API's OpenAPI document for a server at ``base_url`` (built from the route table)."""
        from .openapi import render_document

        return render_document(base_url)

    def aws_mode(self) -> str:
        """'sandbox', 'aws' or 'unconfigured', with no AWS API call (blocks: reads credentials)."""
        return self._readiness()[0]

    def health(self) -> dict[str, Any]:
        """Liveness, the AWS mode, and each problem that keeps routes from working, with its fix
        (no AWS API call; blocks: reads the AWS configuration and checks the folders)."""
        from ..core.errors import CwsError
        from ..core.folders import folder_report

        try:
            settings = self.to_settings()
        except CwsError as exc:  # a setting with a bad value: every route will say so too
            return _health(self.sandbox, "unconfigured", [exc.message], None)
        mode, problem = self._readiness(settings)
        problems = ([problem] if problem else []) + self._recent_failure() + folder_report(settings)
        return _health(self.sandbox, mode, problems, settings.region)

    def _recent_failure(self) -> list[str]:
        """The last AWS call's failure to reach AWS, if it was recent and nothing answered since."""
        service = self._web_settings().get(SERVICE_KEY)
        access = service.__dict__.get("access") if service is not None else None
        failure = getattr(access, "last_unreachable", None)
        if failure is None or time.monotonic() - failure[0] > AWS_MODE_TTL:
            return []
        ago = time.monotonic() - failure[0]
        return [f"the last AWS call, {ago:.0f} s ago, failed: {failure[1]}"]

    def _readiness(self, settings: Any = None) -> tuple[str, str | None]:
        """The AWS mode and what is wrong with it, worked out at most once a minute."""
        if self.sandbox:
            return "sandbox", None
        service = self._web_settings().get(SERVICE_KEY)
        if service is not None and "access" in service.__dict__:
            return str(service.access.label), None
        cached = self._aws_mode
        if cached and time.monotonic() - cached[0] < AWS_MODE_TTL:
            return cached[1], cached[2]
        from ..core.aws.readiness import aws_readiness
        from ..core.errors import CwsError

        try:
            mode, problem = aws_readiness(settings or self.to_settings())
        except CwsError as exc:
            mode, problem = "unconfigured", exc.message
        self._aws_mode = (time.monotonic(), mode, problem)
        return mode, problem


def _health(sandbox: bool, mode: str, problems: list[str], region: str | None) -> dict[str, Any]:
    """The health answer: degraded when anything keeps routes from working."""
    return {
        "status": "degraded" if problems else "ok",
        "sandbox": sandbox,
        "aws": mode,
        "region": region,
        "problems": problems,
    }
