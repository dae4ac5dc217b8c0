"""REST handler of the security scanner: the same scan as ``cws ami scan``, off the event loop."""

from __future__ import annotations

from tornado import web

from .base import CwsHandler


class AmiScanHandler(CwsHandler):
    """``GET ami/{ami_id}/scan``: the image's security report (score, findings with fixes)."""

    @web.authenticated
    async def get(self, ami_id: str) -> None:
        """Scan the image in ``region`` (default: the server's configured region)."""
        from ..core.security.wiring import scanner_for

        region = self.args().get("region")
        self.reply(await self.call(lambda svc: scanner_for(svc).scan(ami_id, region)))
