"""REST handlers of the migration tools: analyze templates, write a template's ami_config copy,
migrate a workstation (a job), resolve every template in every region (a job)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tornado import web

from .base import CwsHandler

if TYPE_CHECKING:
    from ..core.jobs import JobHandle
    from ..core.service import CwsService


class MigrateAnalyzeHandler(CwsHandler):
    """``GET migrate/analyze``: is an AMI worth it for each template (no AWS calls)."""

    @web.authenticated
    async def get(self) -> None:
        """One row per template (``template`` repeated, or all), for a region and launch rate."""
        args = self.args()
        templates = [t.strip() for t in self.get_query_arguments("template") if t.strip()] or None
        launches = self.number("launches", 20, 0, 100_000)
        self.reply(
            await self.call(
                lambda svc: svc.migration.analyze(templates, args.get("region"), launches)
            )
        )


class MigrateTemplateHandler(CwsHandler):
    """``POST migrate/template/{template}``: write the template's copy with an ami_config."""

    @web.authenticated
    async def post(self, template: str) -> None:
        """The copy written (409 when the template already has an ami_config, unless force)."""
        from .schemas import MigrateRequest, parse_body

        raw = self.json_body() if (self.request.body or b"").strip() else {}
        request = parse_body(MigrateRequest, raw, '{"force": true}')
        self.reply(await self.call(lambda svc: svc.migration.template(template, request.force)))


class MigrateInstanceHandler(CwsHandler):
    """``POST migrate/instance/{name}``: image a workstation and map the AMI (a job)."""

    @web.authenticated
    async def post(self, name: str) -> None:
        """404 for an unknown workstation; else 202 and the job."""
        from .schemas import MigrateRequest, parse_body

        raw = self.json_body() if (self.request.body or b"").strip() else {}
        request = parse_body(MigrateRequest, raw, '{"force": true}')
        await self.call(lambda svc: svc.instances.get(name))  # 404 before any job

        def work(svc: CwsService, job: JobHandle) -> Any:
            return job.run(lambda: svc.migration.instance(name, force=request.force, progress=job))

        job = await self.start_job(
            lambda svc: svc.jobs.start("migrate_instance", total=100, params={"name": name}),
            work,
        )
        self.accepted(job.job_id, name=name)


class MigrateTestAllHandler(CwsHandler):
    """``POST migrate/test-all``: resolve every template in every region given (a job)."""

    @web.authenticated
    async def post(self) -> None:
        """Regions and templates checked at once; the matrix comes as the job's result."""
        from .schemas import MigrateTestAllRequest, parse_body

        raw = self.json_body() if (self.request.body or b"").strip() else {}
        request = parse_body(MigrateTestAllRequest, raw, '{"regions": ["eu-west-1"]}')

        def check(svc: CwsService) -> None:
            for region in request.regions or []:
                svc.regions.fallbacks(region)
            for template in request.templates or []:
                svc.get_template(template)

        await self.call(check)
        params = {"templates": request.templates, "regions": request.regions}

        def work(svc: CwsService, job: JobHandle) -> Any:
            return job.run(
                lambda: svc.migration.test_all(request.templates, request.regions, progress=job)
            )

        job = await self.start_job(
            lambda svc: svc.jobs.start("migrate_test_all", params=params), work
        )
        self.accepted(job.job_id)
