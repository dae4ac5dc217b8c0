"""Prometheus metrics of one registry process: requests by route, method and status, their
latency, the cache's hits, and the registry's size (read from the database at each scrape)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    exposition,
    generate_latest,
)

if TYPE_CHECKING:
    from ..core.registry import CommunityRegistry, RegistryStats

CONTENT_TYPE = exposition.CONTENT_TYPE_LATEST
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """This process's counters, kept in a registry of their own (not the global one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "cws_registry_requests",
            "HTTP requests answered",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "cws_registry_request_duration_seconds",
            "Time to answer an HTTP request",
            ["route", "method", "status"],
            buckets=BUCKETS,
            registry=r,
        )
        self.cache = Gauge(
            "cws_registry_cache_lookups", "Cache look-ups since start", ["outcome"], registry=r
        )
        self.size = Gauge(
            "cws_registry_objects", "Rows in the registry, by kind", ["kind"], registry=r
        )
        self.records = Gauge("cws_registry_records", "Community records", registry=r)
        self.ratings = Gauge("cws_registry_ratings", "Ratings of all records", registry=r)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        labels = (route, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def render(self, registry: CommunityRegistry, stats: RegistryStats) -> bytes:
        """The text exposition, with the registry's counts as of ``stats``."""
        self.records.set(stats.records)
        self.ratings.set(stats.ratings)
        for kind, value in stats.model_dump().items():
            self.size.labels(kind).set(value)
        self.cache.labels("hit").set(registry.cache_hits)
        self.cache.labels("miss").set(registry.cache_misses)
        return generate_latest(self.registry)
