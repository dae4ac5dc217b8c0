"""REST handlers of the AMI lifecycle: build (a job), list, inspect, share, copy (a job), delete,
deprecate, publish. Each parses, calls the image manager off the event loop, answers JSON."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tornado import web

from ..core.errors import BadInput
from .base import CwsHandler

if TYPE_CHECKING:
    from ..core.jobs import JobHandle
    from ..core.service import CwsService

AMI_ID_RE = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")


def checked_ami(ami_id: str) -> str:
    """A well-formed image id from the path, else 400 naming it."""
    if not AMI_ID_RE.match(ami_id):
        raise BadInput(f"{ami_id!r} is not an AMI id (ami-0123456789abcdef0)", field="ami_id")
    return ami_id


class AmiListHandler(CwsHandler):
    """``GET ami``: images built by cws (and copies) this account owns or may launch."""

    @web.authenticated
    async def get(self) -> None:
        """List, optionally one template, one region, or every region."""
        args = self.args()
        all_regions = self.flag("all_regions")
        regions = [args["region"]] if args.get("region") else None
        self.reply(
            await self.call(lambda svc: svc.images.list(args.get("template"), regions, all_regions))
        )


class AmiCreateHandler(CwsHandler):
    """``POST ami/create``: CreateImage at once (202 with the pending image), the rest as a job."""

    @web.authenticated
    async def post(self) -> None:
        """Check, start the build, answer the spec's ami_id / creation_status / completion."""
        from .schemas import AmiCreateRequest, parse_body

        request = parse_body(
            AmiCreateRequest,
            self.json_body(),
            '{"template": "python-ml", "instance_id": "i-0123456789abcdef0"}',
        )
        if request.public:
            raise BadInput(
                "images are built private: make one public afterwards with "
                "POST ami/{ami_id}/share and targets ['all'], public and yes",
                field="public",
            )
        plan = await self.call(
            lambda svc: svc.images.plan_create(
                request.template,
                request.instance_id,
                region=request.region,
                name=request.name,
                description=request.description,
                no_reboot=request.no_reboot,
                tags=request.tags,
                copy_to=request.multi_region,
            )
        )
        started: dict[str, Any] = {}

        def start(svc: CwsService) -> JobHandle:
            started["build"], job = svc.images.start_create(plan)
            return job

        job = await self.start_job(  # a saturated server refuses before CreateImage, not after
            start, lambda svc, job: svc.images.finish_create(plan, started["build"], job)
        )
        build = started["build"]
        self.accepted(
            job.job_id,
            ami_id=build.ami_id,
            creation_status="pending",
            estimated_completion=build.estimated_completion,
            region=build.region,
        )


class AmiHandler(CwsHandler):
    """``GET ami/{ami_id}`` (everything about it) and ``DELETE ami/{ami_id}``."""

    @web.authenticated
    async def get(self, ami_id: str) -> None:
        """Owner, age, tags, shares, snapshots, copies, monthly storage cost."""
        checked_ami(ami_id)
        region = self.args().get("region")
        self.reply(await self.call(lambda svc: svc.images.info(ami_id, region)))

    @web.authenticated
    async def delete(self, ami_id: str) -> None:
        """Deregister the image (yours only) and delete its snapshots; DELETE is the confirmation."""
        checked_ami(ami_id)
        region = self.args().get("region")
        self.reply(await self.call(lambda svc: svc.images.delete(ami_id, region, yes=True)))


class AmiShareHandler(CwsHandler):
    """``POST ami/{ami_id}/share``: share with (or unshare from) accounts, orgs, OUs, everyone."""

    @web.authenticated
    async def post(self, ami_id: str) -> None:
        """Add or remove launch permissions."""
        from .schemas import AmiShareRequest, parse_body

        checked_ami(ami_id)
        request = parse_body(AmiShareRequest, self.json_body(), '{"targets": ["123456789012"]}')
        self.reply(
            await self.call(
                lambda svc: svc.images.share(
                    ami_id,
                    request.targets,
                    request.region,
                    remove=request.remove,
                    public=request.public,
                    yes=request.yes,
                )
            )
        )


class AmiCopyHandler(CwsHandler):
    """``POST ami/{ami_id}/copy``: checked at once, copied to every region as a job."""

    @web.authenticated
    async def post(self, ami_id: str) -> None:
        """Start a copy job (202)."""
        from .schemas import AmiCopyRequest, parse_body

        checked_ami(ami_id)
        request = parse_body(AmiCopyRequest, self.json_body(), '{"regions": ["eu-central-1"]}')
        plan = await self.call(
            lambda svc: svc.images.plan_copy(
                ami_id,
                request.regions,
                source_region=request.source_region,
                kms_keys=request.kms_keys,
                encrypt=request.encrypt,
            )
        )
        job = await self.start_job(
            lambda svc: svc.images.start_copy(plan),
            lambda svc, job: svc.images.run_copy(plan, job),
        )
        self.accepted(job.job_id)


class AmiDeprecateHandler(CwsHandler):
    """``POST ami/{ami_id}/deprecate``: deprecate from a date."""

    @web.authenticated
    async def post(self, ami_id: str) -> None:
        """Set the image's deprecation time."""
        from .schemas import AmiDeprecateRequest, parse_body

        checked_ami(ami_id)
        request = parse_body(AmiDeprecateRequest, self.json_body(), '{"at": "2027-06-30"}')
        self.reply(
            await self.call(lambda svc: svc.images.deprecate(ami_id, request.at, request.region))
        )


class AmiPublishHandler(CwsHandler):
    """``POST ami/{ami_id}/publish``: name the image in an SSM parameter."""

    @web.authenticated
    async def post(self, ami_id: str) -> None:
        """Write the parameter."""
        from .schemas import AmiPublishRequest, parse_body

        checked_ami(ami_id)
        request = parse_body(
            AmiPublishRequest, self.json_body(), '{"parameter": "/my-lab/ami/python-ml"}'
        )
        self.reply(
            await self.call(
                lambda svc: svc.images.publish(ami_id, request.parameter, request.region)
            )
        )
