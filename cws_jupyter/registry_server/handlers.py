"""The HTTP handlers: parse, call ``CommunityRegistry`` off the event loop, answer JSON.

Reads are public; writes need ``Authorization: Bearer <token>`` and count against the token's
write limit. Every failure is the core's ``CwsError`` as ``{"error", "message", "field"}`` with its
HTTP status (401 adds ``WWW-Authenticate: Bearer``, 429 adds ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import Any, TypeVar

import tornado.web
from pydantic import BaseModel

from ..core.errors import BadInput, CwsError, NotFound
from ..core.registry import CommunityRegistry, Principal
from ..core.registry.errors import RateLimited, Unauthorized
from ..core.registry.limits import MAX_BODY_BYTES, MAX_JSON_DEPTH
from ..core.registry.planned import NOTHING, PlannedRead
from .metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("cws_registry")
T = TypeVar("T")


class BodyTooLarge(BadInput):
    """A request body over ``MAX_BODY_BYTES``."""

    code = "body_too_large"
    http_status = 413


@dataclass
class ServerContext:
    """What every handler shares: the registry, the thread pool its calls run in, the metrics."""

    registry: CommunityRegistry
    executor: Executor
    metrics: Metrics = field(default_factory=Metrics)
    openapi: bytes = b""


def api(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Answer a ``CwsError`` raised by a handler verb as its JSON error."""

    @wraps(method)
    async def wrapper(self: RegistryHandler, *args: str) -> None:
        try:
            await method(self, *args)
        except CwsError as exc:
            self.fail(exc)

    return wrapper


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit``."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return False


class RegistryHandler(tornado.web.RequestHandler):
    """The base of every handler: JSON answers and errors, auth, off-loop calls, metrics."""

    #: The route's name in metrics (never the raw path: ids would explode the label set).
    route = "unknown"

    def initialize(self, ctx: ServerContext) -> None:
        """Keep the shared context."""
        self.ctx = ctx
        self._started = time.perf_counter()

    @property
    def registry(self) -> CommunityRegistry:
        """The registry façade."""
        return self.ctx.registry

    def set_default_headers(self) -> None:
        """JSON, not sniffed, not cached by intermediaries."""
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> str | None:
        """No ETag: answers are ``no-store``, and hashing each body cost ~6% of a busy
        server's event loop."""
        return None

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the thread pool (database and AWS calls block)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.ctx.executor, partial(fn, *args, **kwargs))

    # -- input ----------------------------------------------------------------------------
    def arg(self, name: str) -> str | None:
        """A query argument (the last, if repeated); None when absent."""
        return self.get_query_argument(name, None)

    def body(self, optional: bool = False) -> Any:
        """The JSON body, bounded in size and depth; BadInput naming ``body`` otherwise."""
        raw = self.request.body or b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge(
                f"the request body is {len(raw)} bytes; at most {MAX_BODY_BYTES} are accepted",
                field="body",
            )
        if not raw.strip():
            if optional:
                return {}
            raise BadInput("the request body is empty; send a JSON object", field="body")
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            detail = " ".join(str(exc).split())[:200]
            raise BadInput(f"the request body is not valid JSON: {detail}", field="body") from None
        if _depth(data, MAX_JSON_DEPTH):
            raise BadInput(
                f"the request body nests deeper than {MAX_JSON_DEPTH} levels", field="body"
            )
        return data

    def bearer(self) -> str | None:
        """The bearer token of the request (never logged)."""
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    async def planned(self, plan: PlannedRead) -> bytes:
        """A planned read's answer: the cache looked up on the event loop (no thread for a hit),
        then on a miss computed on the spot when that needs nothing but memory (the catalog,
        ~0.1 ms), else in the thread pool."""
        found = await plan.alookup()
        if found is not None:
            return found
        quick = plan.quick_answer()
        if quick is not None:
            return quick
        return await self.call(plan.compute)

    async def writer(self) -> Principal:
        """The authenticated user of a write, counted against their token's write limit."""

        def admit(token: str | None) -> Principal:
            who = self.registry.authenticate(token)
            self.registry.admit_write(who)
            return who

        return await self.call(admit, self.bearer())

    # -- output ---------------------------------------------------------------------------
    def reply(self, answer: BaseModel | dict[str, Any] | bytes, status: int = 200) -> None:
        """Send ``answer`` as JSON."""
        self.set_status(status)
        if isinstance(answer, bytes):
            self.finish(answer)
        elif isinstance(answer, BaseModel):
            self.finish(answer.model_dump_json().encode())
        else:
            self.finish(json.dumps(answer).encode())

    def fail(self, exc: CwsError) -> None:
        """Send a core error as its status and JSON body."""
        if self._finished:
            return
        self.clear()
        if isinstance(exc, Unauthorized):
            self.set_header("WWW-Authenticate", 'Bearer realm="cws-registry"')
        if isinstance(exc, RateLimited):
            self.set_header("Retry-After", str(exc.retry_after))
        self.reply(exc.to_dict(), exc.http_status)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Anything not a core error: a JSON body without internals (those go to the log)."""
        self.set_header("Content-Type", "application/json; charset=utf-8")
        reason = self._reason if status_code < 500 else "internal server error"
        code = "internal" if status_code >= 500 else "http_error"
        if status_code == 405:
            code = "method_not_allowed"
        self.finish(json.dumps({"error": code, "message": reason}).encode())

    def on_finish(self) -> None:
        """Count the request in the metrics."""
        self.ctx.metrics.observe(
            self.route,
            self.request.method or "?",
            self.get_status(),
            time.perf_counter() - self._started,
        )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class AmisHandler(RegistryHandler):
    """``/api/v1/community/amis``: browse (GET) and submit (POST)."""

    route = "amis"

    @api
    async def get(self) -> None:
        """A page of records."""
        plan = self.registry.plan_browse(
            template=self.arg("template"),
            category=self.arg("category"),
            region=self.arg("region"),
            q=self.arg("q"),
            sort=self.arg("sort"),
            page=self.arg("page"),
            per_page=self.arg("per_page"),
        )
        self.reply(await self.planned(plan))

    @api
    async def post(self) -> None:
        """Publish a record (201); its images are verified with AWS off the event loop."""
        who = await self.writer()
        data = self.body()
        record = await self.call(self.registry.submit, who, data)
        self.set_header("Location", f"{self.request.path}/{record.ami_id}")
        self.reply(record, 201)


class AmiHandler(RegistryHandler):
    """``/api/v1/community/amis/{ami_id}``: one record with its reviews."""

    route = "ami"

    @api
    async def get(self, ami_id: str) -> None:
        """Details and a page of reviews."""
        plan = self.registry.plan_details(
            ami_id,
            review_page=self.arg("review_page"),
            reviews_per_page=self.arg("reviews_per_page"),
        )
        self.reply(await self.planned(plan))


class RateHandler(RegistryHandler):
    """``/api/v1/community/amis/{ami_id}/rate``."""

    route = "rate"

    @api
    async def post(self, ami_id: str) -> None:
        """Rate a record (1-5, optional review); rating again replaces the earlier rating."""
        from ..core.registry.validation import ami_ref, rate_request

        who = await self.writer()
        ami_ref(ami_id)
        body = rate_request(self.body())
        result = await self.call(self.registry.rate, who, ami_id, body.rating, body.review)
        self.reply(result)


class UseHandler(RegistryHandler):
    """``/api/v1/community/amis/{ami_id}/use``: count a download."""

    route = "use"

    @api
    async def post(self, ami_id: str) -> None:
        """Count a download; with ``region``, answer the image to launch there."""
        from ..core.registry.validation import ami_ref, use_request

        who = await self.writer()
        ami_ref(ami_id)
        body = use_request(self.body(optional=True))
        result = await self.call(self.registry.use, ami_id, body.region, who)
        self.reply(result)


class BestHandler(RegistryHandler):
    """``/api/v1/community/best?template=&region=``."""

    route = "best"

    @api
    async def get(self) -> None:
        """The best record of a template holding an image in a region (404 when none)."""
        template, region = self.arg("template"), self.arg("region")
        for name, value in (("template", template), ("region", region)):
            if not value:
                raise BadInput(
                    f"{name} is required (e.g. ?template=python-ml&region=us-east-1)", field=name
                )
        assert template is not None and region is not None
        raw = await self.planned(self.registry.plan_best(template, region))
        if raw == NOTHING:
            raise NotFound(
                f"no community image of template {template} is available in {region}",
                field="template",
            )
        self.reply(raw)


class HealthHandler(RegistryHandler):
    """``/health``: the database (and Redis, if configured) answer."""

    route = "health"

    async def get(self) -> None:
        """200 when healthy, 503 otherwise, with what was checked."""
        report = await self.call(self.registry.health)
        self.reply(report, 200 if report["ok"] else 503)


class MetricsHandler(RegistryHandler):
    """``/metrics``: Prometheus text exposition."""

    route = "metrics"

    async def get(self) -> None:
        """The metrics of this process, with the registry's counts."""
        stats = await self.call(self.registry.stats)
        text = self.ctx.metrics.render(self.registry, stats)
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(text)


class OpenApiHandler(RegistryHandler):
    """``/openapi.json``: the API's OpenAPI 3.1 document."""

    route = "openapi"

    async def get(self) -> None:
        """The document built from the route table at start-up."""
        self.reply(self.ctx.openapi)


class MissingHandler(RegistryHandler):
    """Any other path: a JSON 404."""

    route = "unknown"

    def prepare(self) -> None:
        """Every method of an unknown path is a 404."""
        self.fail(NotFound(f"no such path {self.request.path[:200]}; see /openapi.json"))
