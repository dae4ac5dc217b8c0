"""The base of every cws handler: the shared service, work off the event loop, JSON in and out."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.client import responses
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..core.errors import BadInput, CwsError
from . import NAMESPACE

if TYPE_CHECKING:
    from ..core.jobs import JobHandle
    from ..core.service import CwsService
    from .answers import ResolveAnswers
    from .jobs import JobRunner
    from .spec import Route


class CwsApp(Protocol):
    """What handlers use of the extension app (``app.CwsExtensionApp``)."""

    sandbox: bool

    @property
    def service(self) -> CwsService:
        """The server's one service."""

    @property
    def service_if_built(self) -> CwsService | None:
        """The service if a request already built it."""

    @property
    def answers(self) -> ResolveAnswers:
        """Resolutions served again on the event loop (``answers``)."""

    @property
    def jobs(self) -> JobRunner:
        """Runs long requests as jobs."""

    async def run_blocking(self, work: Callable[[], T]) -> T:
        """Run blocking work off the event loop."""

    def aws_mode(self) -> str:
        """'sandbox', 'aws' or 'unconfigured', with no AWS call."""

    def health(self) -> dict[str, Any]:
        """Liveness, AWS mode and the problems keeping routes from working (no AWS call)."""

    def openapi_document(self, base_url: str) -> str:
        """The OpenAPI document for a base_url."""


T = TypeVar("T")
#: Byte limit of a body for a route whose body has no model (each model's own limit is computed
#: from its field limits, see ``bodysize``).
MAX_BODY_BYTES = 64 * 1024
#: Error codes for tornado's own HTTP errors (anything else is ``http_<status>``).
HTTP_CODES = {
    400: "bad_input",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
HINTS = {
    403: "authentication required: send the Jupyter server token as 'Authorization: token <token>' "
    "(or log in; browser requests must also send the _xsrf cookie and an X-XSRFToken header)",
    404: "no such endpoint: {path} (the routes are listed in {api}openapi.json)",
    405: "{method} is not supported by {path} (the routes are listed in {api}openapi.json)",
    500: "unexpected server error; the Jupyter server log has the details",
}
CROSS_ORIGIN = (
    "cross-origin request refused: this API answers pages of its own origin ({host}) only, and "
    "the request came from {origin}. Call it from a page this Jupyter server serves, or allow "
    "that origin with the server's ServerApp.allow_origin (or allow_origin_pat) setting"
)


class CwsHandler(APIHandler):
    """Reaches the shared service, runs blocking work in a pool, answers every error as JSON."""

    route: Route | None = None
    #: The Origin jupyter-server refused for this request (it then answers 404 or 403).
    refused_origin: str | None = None

    def initialize(self, route: Route | None = None) -> None:
        """Remember the route-table entry this handler serves (parameters are checked from it)."""
        self.route = route

    def check_origin(self, origin_to_satisfy_tornado: str = "") -> bool:
        """jupyter-server's cross-origin check, remembering a refusal so the error can say so."""
        allowed = super().check_origin(origin_to_satisfy_tornado)
        if not allowed:
            self.refused_origin = self.request.headers.get("Origin") or "another origin"
        return bool(allowed)

    @property
    def cws(self) -> CwsApp:
        """The extension app (jupyter-server stores it in the settings under its name)."""
        return self.settings["cws_jupyter"]  # type: ignore[no-any-return]

    @property
    def api_url(self) -> str:
        """The API's root path, base_url included."""
        return url_path_join(self.base_url, NAMESPACE) + "/"

    async def call(self, work: Callable[[CwsService], T]) -> T:
        """Run ``work(service)`` in the extension's pool: boto3 blocks, the event loop must not."""
        app = self.cws
        return await app.run_blocking(lambda: work(app.service))

    # -- jobs ----------------------------------------------------------------------------------
    def admit(self) -> None:
        """Take a job slot, or answer 429 (with Retry-After) when the server is saturated."""
        from .jobs import TooManyJobs

        try:
            self.cws.jobs.admit()
        except TooManyJobs as exc:
            raise web.HTTPError(429, str(exc)) from None

    async def start_job(
        self,
        make_job: Callable[[CwsService], JobHandle],
        work: Callable[[CwsService, JobHandle], Any],
    ) -> JobHandle:
        """Take a slot, record the job (off the loop), run ``work`` on the job threads.

        ``work`` records the job's outcome (the core's managers do, through ``job.run``).
        """
        self.admit()
        try:
            job = await self.call(make_job)
        except BaseException:
            self.cws.jobs.release()
            raise
        service = self.cws.service
        self.cws.jobs.run(job, lambda: work(service, job))
        return job

    def accepted(self, job_id: str, **extra: Any) -> None:
        """202 with the job's id, status and URL (also in ``Location``), plus ``extra`` fields."""
        url = url_path_join(self.api_url, "jobs", job_id)
        self.set_header("Location", url)
        self.reply({"job_id": job_id, "status": "running", "url": url, **extra}, status=202)

    def number(self, name: str, default: int, low: int, high: int) -> int:
        """An integer query argument within [low, high]; 400 naming it otherwise."""
        value = self.query(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise BadInput(f"{name} must be a whole number from {low} to {high}", field=name)
        return number

    def flag(self, name: str) -> bool:
        """A boolean query argument (true/1/yes; false/0/no); 400 naming it otherwise."""
        value = self.query(name)
        if value is None:
            return False
        lowered = value.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise BadInput(f"{name} must be true or false, not {value!r}", field=name)

    def reply(self, body: Any, status: int = 200) -> None:
        """Finish with a JSON body: a pydantic model, or plain JSON data."""
        self.set_status(status)
        if hasattr(body, "model_dump_json"):
            self.finish(body.model_dump_json())
        else:
            self.finish(json.dumps(body))

    def args(self) -> dict[str, str | None]:
        """This verb's query parameters, per the route table: checked; None when absent."""
        operation = self.route.operations.get(self.request.method.lower()) if self.route else None
        values: dict[str, str | None] = {}
        for param in operation.params if operation else ():
            if param.location != "query":
                continue
            value = self.query(param.name)
            if value is not None and param.enum and value not in param.enum:
                allowed = ", ".join(param.enum)
                raise BadInput(
                    f"unknown {param.name} '{value}' (use one of: {allowed})", field=param.name
                )
            values[param.name] = value
        return values

    def query(self, name: str) -> str | None:
        """A query argument, or None when absent or empty."""
        value = self.get_query_argument(name, None)
        if value is None:
            return None
        return value.strip() or None

    def body_limit(self) -> int:
        """The most bytes this operation's body may have: computed from its model's limits (the
        same the OpenAPI document states), or MAX_BODY_BYTES for a body without a model."""
        from .bodysize import max_body_bytes
        from .schemas import MODELS

        operation = self.route.operations.get(self.request.method.lower()) if self.route else None
        if operation is None or operation.body is None:
            return MAX_BODY_BYTES
        return max_body_bytes(MODELS[operation.body])

    def json_body(self) -> Any:
        """The request body parsed as JSON (400 with field='body' when it is not, when it is too
        large for the operation, or when it nests too deep)."""
        from .jsonbody import parse_json

        raw = self.request.body or b""
        limit = self.body_limit()
        if len(raw) > limit:
            raise BadInput(
                f"the request body is larger than {limit} bytes (this operation's limit)",
                field="body",
            )
        if not raw.strip():
            raise BadInput("the request needs a JSON body", field="body")
        return parse_json(raw)

    # -- errors --------------------------------------------------------------------------------
    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Expected errors (CwsError) get one log line; unexpected ones keep their traceback."""
        if isinstance(value, CwsError):
            self.log.info(
                "cws %s %s -> %s: %s",
                self.request.method,
                self.request.path,
                value.http_status,
                value.message,
            )
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error as ``{"error", "message", "field"?}``; unexpected ones as a generic 500."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, CwsError):
            status_code = exc.http_status
            body = exc.to_dict()
        elif self.refused_origin is not None and status_code in (403, 404):
            status_code = 403
            body = {
                "error": "cross_origin",
                "message": CROSS_ORIGIN.format(
                    host=self.request.headers.get("Host", "this server"),
                    origin=self.refused_origin[:200],
                ),
            }
        else:
            body = {
                "error": HTTP_CODES.get(status_code, f"http_{status_code}"),
                "message": self._message(status_code, exc),
            }
        self.set_status(status_code)
        if status_code == 429:  # tornado clears headers before write_error: say when to retry here
            self.set_header("Retry-After", str(getattr(exc, "retry_after", None) or 5))
        self.finish(json.dumps(body))

    def _message(self, status: int, exc: BaseException | None) -> str:
        """What to tell the caller about a non-CwsError: never an internal detail of a 5xx."""
        if status >= 500 or (exc is not None and not isinstance(exc, web.HTTPError)):
            return HINTS[500]
        hint = HINTS.get(status, "").format(
            path=self.request.path, method=self.request.method, api=self.api_url
        )
        detail = exc.log_message if isinstance(exc, web.HTTPError) and exc.log_message else ""
        if status in (404, 405) or not detail:
            return hint or responses.get(status, "error")
        return f"{detail}; {hint}" if hint else detail
