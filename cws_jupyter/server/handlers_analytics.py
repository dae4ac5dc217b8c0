"""REST handlers of the usage analytics: Prometheus metrics and the usage report, read (and the
spool ingested) off the event loop, as every handler does its blocking work."""

from __future__ import annotations

from tornado import web

from .base import CwsHandler


class MetricsHandler(CwsHandler):
    """``GET metrics``: Prometheus text (exposition format 0.0.4) of the usage events."""

    @web.authenticated
    async def get(self) -> None:
        """Counters and histograms of every event kept (for a Prometheus scrape)."""
        from ..core.analytics.metrics import CONTENT_TYPE

        text = await self.call(lambda svc: svc.analytics.metrics_text())
        self.finish(text, set_content_type=CONTENT_TYPE)


class AnalyticsReportHandler(CwsHandler):
    """``GET analytics/report?since=7d``: the usage report, as ``cws analytics report --json``."""

    @web.authenticated
    async def get(self) -> None:
        """Resolutions by method, launches by template, savings, regions, builds and copies."""
        from ..core.analytics.window import parse_since

        since = parse_since(self.args().get("since"))
        self.reply(await self.call(lambda svc: svc.analytics.report(since)))
