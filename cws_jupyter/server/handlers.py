"""The REST handlers: each parses its inputs, calls the service off the event loop, answers JSON.

Every verb is ``@web.authenticated`` (jupyter-server refuses unauthenticated requests, and checks
the decorator is there) and async. What each route takes and answers is declared in ``routes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tornado import web

from .. import __version__
from ..core.errors import BadInput, NotFound
from ..core.progress import Progress
from .base import CwsHandler

if TYPE_CHECKING:
    from ..core.jobs import JobHandle
    from ..core.service import CwsService
    from ..core.templates.loader import LoadedTemplate
    from .schemas import AmiTestRequest


class ResolveHandler(CwsHandler):
    """``GET ami/resolve/{template}``: the best AMI for a template in a region."""

    @web.authenticated
    async def get(self, template: str) -> None:
        """Resolve; 404 unknown template, 400 bad input, 409 nothing found under ami_required."""
        args = self.args()
        answers = self.cws.answers
        kept = answers.answer(self.cws.service_if_built, template, args)
        if kept is not None:  # the same answer as last time, checked on the loop: no thread hop
            self.set_status(200)
            self.finish(kept)
            return
        self.reply(await self.call(lambda svc: answers.resolve(svc, template, args)))


class CostsHandler(CwsHandler):
    """``GET ami/costs/{template}``: AMI launch versus script provisioning."""

    @web.authenticated
    async def get(self, template: str) -> None:
        """Compare costs (no AWS calls); ``stored=true`` adds the template's stored images."""
        args = self.args()
        args.pop("stored", None)
        stored = self.flag("stored")
        self.reply(await self.call(lambda svc: svc.costs(template, **args, stored=stored)))


class FallbacksHandler(CwsHandler):
    """``GET regions/fallbacks``: the region fallback map as rows."""

    @web.authenticated
    async def get(self) -> None:
        """Every region with its neighbours, nearest first."""
        from .schemas import RegionFallbackList

        self.reply(await self.call(lambda svc: RegionFallbackList(svc.region_fallbacks())))


class TemplatesHandler(CwsHandler):
    """``GET templates``: the template catalogue."""

    @web.authenticated
    async def get(self) -> None:
        """List templates, optionally one category."""
        args = self.args()
        self.reply(await self.call(lambda svc: svc.list_templates(**args)))


class TemplateHandler(CwsHandler):
    """``GET templates/{slug}``: one template with inheritance applied."""

    @web.authenticated
    async def get(self, slug: str) -> None:
        """The loaded template: its fields, path and warnings."""
        self.reply(await self.call(lambda svc: svc.get_template(slug)))


class AmiTestHandler(CwsHandler):
    """``POST ami/test``: validate at once, then check availability as a job (202 + Location)."""

    @web.authenticated
    async def post(self) -> None:
        """Start an availability job; 400/404 before anything runs."""
        from .schemas import parse_test_request

        request = parse_test_request(self.json_body())
        loaded, regions = await self.call(lambda svc: _plan_test(svc, request))
        arch = request.architecture
        params = {"template": loaded.template.slug, "regions": regions, "architecture": arch}

        def work(svc: CwsService, job: JobHandle) -> Any:
            def progress(done: int, total: int) -> None:
                job(Progress(step="check", message="regions checked", done=done, total=total))

            return job.run(
                lambda: svc.test_availability(loaded, regions, architecture=arch, progress=progress)
            )

        job = await self.start_job(
            lambda svc: svc.jobs.start("ami_test", total=len(regions), params=params), work
        )
        self.accepted(job.job_id)


def _plan_test(svc: CwsService, request: AmiTestRequest) -> tuple[LoadedTemplate, list[str]]:
    """The template and the regions an availability check will cover (raises on bad input)."""
    loaded = svc.get_template(request.template)
    if request.all_regions:
        return loaded, svc.regions.regions()
    if request.regions:
        for region in request.regions:
            try:
                svc.regions.fallbacks(region)
            except BadInput as exc:
                exc.field = "regions"
                raise
        return loaded, list(dict.fromkeys(request.regions))
    home = svc.settings.region
    return loaded, [home, *svc.regions.fallbacks(home)]


class JobHandler(CwsHandler):
    """``GET jobs/{job_id}``: a job's status, progress and outcome (from any front door)."""

    @web.authenticated
    async def get(self, job_id: str) -> None:
        """The job, or 404 when the id is unknown (or long forgotten)."""
        self.reply(await self.call(lambda svc: svc.jobs.require(job_id)))


class JobsHandler(CwsHandler):
    """``GET jobs``: recent jobs started from any front door (CLI, notebook, this server)."""

    @web.authenticated
    async def get(self) -> None:
        """Newest first; jobs whose process died are cleaned up first."""
        limit = self.number("limit", 20, 1, 500)
        self.reply(await self.call(lambda svc: svc.jobs.overview(limit)))


class TemplateValidateHandler(CwsHandler):
    """``POST templates/validate``: check a template's YAML; errors are in the answer, not raised."""

    @web.authenticated
    async def post(self) -> None:
        """Validate the body's template text against the library (for its parents)."""
        from .schemas import ValidateRequest, parse_body

        request = parse_body(ValidateRequest, self.json_body(), '{"template": "name: My Lab"}')
        self.reply(
            await self.call(lambda svc: svc.validate_inline(request.template, request.origin))
        )


class TemplateSchemaHandler(CwsHandler):
    """``GET templates/schema``: the JSON Schema of the template format."""

    @web.authenticated
    async def get(self) -> None:
        """The schema (for editors)."""
        from ..core.service import CwsService

        self.reply(await self.cws.run_blocking(CwsService.template_schema))


class SandboxHandler(CwsHandler):
    """``GET sandbox``: the user's sandbox, if it runs."""

    @web.authenticated
    async def get(self) -> None:
        """Running or not, and where."""
        info = await self.call(lambda svc: svc.sandbox_status())
        self.reply(
            {"running": info is not None, "sandbox": info.model_dump(mode="json") if info else None}
        )


class SandboxActionHandler(CwsHandler):
    """``POST sandbox/{action}``: start, stop or reset the user's sandbox."""

    @web.authenticated
    async def post(self, action: str) -> None:
        """Start (or find), stop, or reset to the seeded world."""
        actions = {
            "start": lambda svc: svc.sandbox_start(),
            "stop": lambda svc: svc.sandbox_stop() and None,
            "reset": lambda svc: svc.sandbox_reset(),
        }
        if action not in actions:
            raise NotFound(
                f"no sandbox action '{action}' (use start, stop or reset)", field="action"
            )
        info = await self.call(actions[action])
        self.reply(
            {"running": info is not None, "sandbox": info.model_dump(mode="json") if info else None}
        )


class PricesRefreshHandler(CwsHandler):
    """``POST prices/refresh``: fetch current prices from the AWS Pricing API."""

    @web.authenticated
    async def post(self) -> None:
        """Refresh the server's price cache; 503 when the Pricing API cannot be reached."""
        from .schemas import PricesRefreshRequest, parse_body

        raw = self.json_body() if (self.request.body or b"").strip() else {}
        request = parse_body(PricesRefreshRequest, raw, '{"regions": ["eu-west-1"]}')
        if request.all_regions and request.regions:
            raise BadInput(
                "give either `regions` or `all_regions: true`, not both", field="all_regions"
            )
        self.reply(
            await self.call(lambda svc: svc.refresh_prices(request.regions, request.all_regions))
        )


class VersionHandler(CwsHandler):
    """``GET version``: the server half's version, for the frontend handshake."""

    @web.authenticated
    async def get(self) -> None:
        """The package version and the API version."""
        self.reply({"version": __version__, "api": "v1"})


class HealthHandler(CwsHandler):
    """``GET health``: up, and which AWS it talks to, without AWS calls."""

    @web.authenticated
    async def get(self) -> None:
        """Status (ok, or degraded with the problems and their fixes), sandbox flag, AWS mode."""
        app = self.cws
        self.reply(await app.run_blocking(app.health))


class OpenApiHandler(CwsHandler):
    """``GET openapi.json``: this API's OpenAPI document, for this server's base_url."""

    @web.authenticated
    async def get(self) -> None:
        """The document built from the route table."""
        app = self.cws
        self.finish(await app.run_blocking(lambda: app.openapi_document(self.base_url)))


class NotFoundHandler(CwsHandler):
    """Anything else under the API root: a JSON 404 (after authentication, like every route)."""

    @web.authenticated
    async def get(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)

    @web.authenticated
    async def post(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)

    @web.authenticated
    async def put(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)

    @web.authenticated
    async def patch(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)

    @web.authenticated
    async def delete(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)

    @web.authenticated
    async def head(self, rest: str | None = None) -> None:
        """404."""
        raise web.HTTPError(404)
