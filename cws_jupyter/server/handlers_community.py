"""REST handlers of the community registry, served by this Jupyter server (one origin for the lab
panel and the widgets): each calls the same community façade as ``cws ami browse|rate|submit``,
which talks to the configured registry (CWS_REGISTRY_URL, or the sandbox's own)."""

from __future__ import annotations

from tornado import web

from .base import CwsHandler


class CommunityAmisHandler(CwsHandler):
    """``GET community/amis`` (browse) and ``POST community/amis`` (publish one of your images)."""

    @web.authenticated
    async def get(self) -> None:
        """One page of community images (filters and order from the query)."""
        args = self.args()
        page = self.number("page", 0, 0, 10_000) or None
        per_page = self.number("per_page", 0, 0, 100) or None
        self.reply(
            await self.call(
                lambda svc: svc.community.browse(
                    template=args.get("template"),
                    category=args.get("category"),
                    region=args.get("region"),
                    q=args.get("q"),
                    sort=args.get("sort"),
                    page=page,
                    per_page=per_page,
                )
            )
        )

    @web.authenticated
    async def post(self) -> None:
        """Publish an image of yours (every region holding a copy is listed): 201."""
        from .schemas import CommunitySubmitRequest, parse_body

        request = parse_body(
            CommunitySubmitRequest,
            self.json_body(),
            '{"ami_id": "ami-0123456789abcdef0", "template": "python-ml"}',
        )
        result = await self.call(
            lambda svc: svc.community.submit(
                request.ami_id,
                request.template,
                region=request.region,
                name=request.name,
                description=request.description,
                version=request.version,
                category=request.category,
            )
        )
        self.reply(result, status=201)


class CommunityAmiHandler(CwsHandler):
    """``GET community/amis/{community_id}``: one record with its reviews."""

    @web.authenticated
    async def get(self, community_id: str) -> None:
        """A registry id (cami-...) or an EC2 image id the record holds."""
        self.reply(await self.call(lambda svc: svc.community.info(community_id)))


class CommunityRateHandler(CwsHandler):
    """``POST community/amis/{community_id}/rate``: rate 1-5 (again: replaces your rating)."""

    @web.authenticated
    async def post(self, community_id: str) -> None:
        """The rating stored and the image's new average."""
        from .schemas import CommunityRateRequest, parse_body

        request = parse_body(CommunityRateRequest, self.json_body(), '{"rating": 5}')
        self.reply(
            await self.call(
                lambda svc: svc.community.rate(community_id, request.rating, request.review)
            )
        )


class CommunityUseHandler(CwsHandler):
    """``POST community/amis/{community_id}/use``: count a launch of a community image."""

    @web.authenticated
    async def post(self, community_id: str) -> None:
        """The new launch count (and the image to launch, when a region is named)."""
        from .schemas import CommunityUseRequest, parse_body

        raw = self.request.body or b""
        request = (
            parse_body(CommunityUseRequest, self.json_body(), '{"region": "eu-west-1"}')
            if raw.strip()
            else CommunityUseRequest()
        )
        self.reply(await self.call(lambda svc: svc.community.use(community_id, request.region)))
