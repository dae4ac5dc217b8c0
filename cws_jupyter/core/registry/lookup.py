"""The resolver's view of the community registry: its best image per (template, region), cached.

A cached answer (an image, or "none") serves for a few minutes, so a resolve answered from the
lookup cache asks the registry nothing either; what this process publishes or rates drops the
registry's cached answers at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cache import LookupCache
    from .client import CommunityRegistryClient
    from .models import BestAMI

#: How long a registry answer is reused (seconds); ratings move slowly, new images should show.
COMMUNITY_TTL_S = 300.0
PREFIX = "community:"


class CommunityLookup:
    """``best(template, region)`` through the lookup cache (None as cache: ask every time)."""

    def __init__(
        self, client: CommunityRegistryClient, cache: LookupCache | None, ttl: float
    ) -> None:
        self.client = client
        self.url = client.url
        self.cache = cache
        self.ttl = min(ttl, COMMUNITY_TTL_S)

    def best(self, template: str, region: str) -> BestAMI | None:
        """The registry's best image of ``template`` in ``region`` (RegistryUnavailable when the
        registry does not answer; that is not cached)."""
        from .models import BestAMI

        key = f"{PREFIX}{self.url}|{template}|{region}"
        cached: Any = self.cache.get(key) if self.cache is not None and self.ttl > 0 else None
        if isinstance(cached, dict):
            if cached.get("none"):
                return None
            try:
                return BestAMI.model_validate(cached)
            except ValueError:
                pass  # an entry of another shape: ask again
        answer = self.client.best(template, region)
        if self.cache is not None and self.ttl > 0:
            value = {"none": True} if answer is None else answer.model_dump(mode="json")
            self.cache.set(key, value, self.ttl)
        return answer

    def forget(self) -> None:
        """Drop this registry's cached answers (after a submit or a rating)."""
        if self.cache is not None:
            self.cache.clear(f"{PREFIX}{self.url}|")
