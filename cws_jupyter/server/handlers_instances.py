"""REST handlers of workstations: list, launch (a job; a dry run answers at once), and
stop / start / terminate (jobs: AWS takes a minute or so)."""

from __future__ import annotations

from tornado import web

from ..core.errors import NotFound
from ..core.progress import Reporter
from .base import CwsHandler

ACTIONS = ("stop", "start", "terminate")


class InstancesHandler(CwsHandler):
    """``GET instances`` (the workstations) and ``POST instances`` (launch one)."""

    @web.authenticated
    async def get(self) -> None:
        """Workstations of this account view, brought up to date with EC2."""
        include_terminated = self.flag("all")
        self.reply(await self.call(lambda svc: svc.instances.list(include_terminated)))

    @web.authenticated
    async def post(self) -> None:
        """Check the launch at once (400/404/409), then launch as a job (202)."""
        from .schemas import LaunchRequest, parse_body

        request = parse_body(
            LaunchRequest, self.json_body(), '{"template": "python-ml", "name": "lab-1"}'
        )

        def plan_it(svc):  # type: ignore[no-untyped-def]
            return svc.instances.plan(
                svc.get_template(request.template),
                request.name,
                region=request.region,
                instance_type=request.instance_type,
                strategy=request.strategy,
                ami=request.ami,
                cidrs=request.cidrs,
                allow_any_ip=request.allow_any_ip,
                copy=request.copy_image,
                key_name=request.key_name,
            )

        plan = await self.call(plan_it)
        if request.dry_run:
            self.reply(await self.call(lambda svc: svc.instances.dry_run(plan)))
            return
        job = await self.start_job(
            lambda svc: svc.instances.start_launch(plan),
            lambda svc, job: svc.instances.run(plan, job),
        )
        self.accepted(job.job_id, name=plan.name, region=plan.region)


class InstanceActionHandler(CwsHandler):
    """``POST instances/{name}/{action}``: stop, start or terminate, as a job."""

    @web.authenticated
    async def post(self, name: str, action: str) -> None:
        """404 for an unknown workstation or action; else 202 and the job."""
        if action not in ACTIONS:
            raise NotFound(f"no action {action!r} (use stop, start or terminate)", field="action")
        await self.call(lambda svc: svc.instances.get(name))  # 404 before any job

        def work(svc, job):  # type: ignore[no-untyped-def]
            report: Reporter = job
            return job.run(lambda: svc.instances.act(name, action, yes=True, progress=report))

        job = await self.start_job(
            lambda svc: svc.jobs.start(f"instance_{action}", total=100, params={"name": name}),
            work,
        )
        self.accepted(job.job_id, name=name, action=action)
