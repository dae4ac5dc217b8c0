"""The region fallback map: shipped neighbours per region, optionally overridden by the user."""

from __future__ import annotations

import pathlib
from functools import lru_cache
from importlib import resources

from ..errors import BadInput
from ..yamlio import load_yaml
from .models import FallbackData, RegionEntry, RegionFallback
from .overrides import read_overrides
from .validate import validate_region

DATA_FILE = "fallbacks.yaml"


@lru_cache(maxsize=1)
def shipped_data() -> FallbackData:
    """Parse and validate the packaged ``fallbacks.yaml`` (once per process)."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return FallbackData.model_validate(load_yaml(text))


class RegionMap:
    """Ordered fallback neighbours for each region, with display names and continents."""

    def __init__(self, entries: dict[str, RegionEntry], overrides: dict[str, list[str]]) -> None:
        """Combine shipped entries with user overrides (overrides win)."""
        self._entries = dict(entries)
        self._fallbacks = {region: list(e.fallbacks) for region, e in entries.items()}
        self._fallbacks.update({region: list(n) for region, n in overrides.items()})
        self.overridden: frozenset[str] = frozenset(overrides)

    @classmethod
    def load(cls, override_file: pathlib.Path | None = None) -> RegionMap:
        """The shipped map, with entries replaced by ``override_file`` if given."""
        overrides = read_overrides(pathlib.Path(override_file)) if override_file else {}
        return cls(shipped_data().regions, overrides)

    def _require(self, region: str) -> str:
        """Validate ``region`` and insist the map has an entry for it."""
        region = validate_region(region)
        if region not in self._fallbacks:
            raise BadInput(
                f"No fallback regions are recorded for {region}: the shipped map covers the "
                "commercial AWS regions only. Add an entry for it in a region fallbacks file "
                "(CWS_REGION_FALLBACKS).",
                field="region",
            )
        return region

    def fallbacks(self, region: str) -> list[str]:
        """The region's neighbours, nearest first."""
        return list(self._fallbacks[self._require(region)])

    def regions(self) -> list[str]:
        """Every region with an entry (commercial ones, plus any an override adds), sorted."""
        return sorted(self._fallbacks)

    def display_name(self, region: str) -> str:
        """The region's human name, e.g. ``Europe (Ireland)`` (the code itself if unknown)."""
        region = validate_region(region)
        entry = self._entries.get(region)
        return entry.display_name if entry else region

    def continent(self, region: str) -> str | None:
        """The region's AWS geographic group, or None for a region outside the shipped map."""
        entry = self._entries.get(validate_region(region))
        return entry.continent if entry else None

    def as_table(self) -> list[RegionFallback]:
        """One row per region, sorted by region code."""
        return [
            RegionFallback(
                region=region,
                display_name=self.display_name(region),
                continent=self.continent(region),
                fallbacks=list(self._fallbacks[region]),
            )
            for region in self.regions()
        ]
