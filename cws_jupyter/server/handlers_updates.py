"""REST handlers of the updater: which images are behind their base image (``GET ami/outdated``)
and a fresh build of a template from its current base (``POST ami/rebuild``, a job). Each parses,
calls the image manager off the event loop, answers JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from ..core.errors import BadInput
from .base import CwsHandler


class AmiOutdatedHandler(CwsHandler):
    """``GET ami/outdated``: each build, copy and direct mapping against its base image now."""

    @web.authenticated
    async def get(self) -> None:
        """Templates from ``template`` (repeatable; default: every template with images), one
        region (default: the server's) or every region."""
        args = self.args()
        templates = [t.strip() for t in self.get_query_arguments("template") if t.strip()]
        all_regions = self.flag("all_regions")
        if all_regions and args.get("region"):
            raise BadInput("give either region or all_regions=true, not both", field="all_regions")
        self.reply(
            await self.call(
                lambda svc: svc.images.outdated(
                    templates or None, args.get("region"), all_regions=all_regions
                )
            )
        )


class AmiRebuildHandler(CwsHandler):
    """``POST ami/rebuild``: checked at once (base image, builds to supersede), built as a job."""

    @web.authenticated
    async def post(self) -> None:
        """Plan the rebuild, start its job, answer 202 with what it starts from."""
        from .schemas import RebuildRequest, parse_body

        request = parse_body(RebuildRequest, self.json_body(), '{"template": "python-ml"}')
        options: dict[str, Any] = {"instance_type": request.instance_type}
        if request.grace_days is not None:
            options["grace_days"] = request.grace_days
        plan = await self.call(
            lambda svc: svc.images.plan_rebuild(request.template, request.region, **options)
        )
        job = await self.start_job(
            lambda svc: svc.images.start_rebuild(plan),
            lambda svc, job: svc.images.run_rebuild(plan, job),
        )
        self.accepted(
            job.job_id,
            template=plan.template,
            region=plan.region,
            base_ami=plan.base.ami_id,
            supersedes=plan.supersedes,
            grace_days=plan.grace_days,
        )
