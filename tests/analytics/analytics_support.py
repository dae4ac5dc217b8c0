"""Test support for the usage analytics: stand-in sources, answers built with real models, and
events written straight into the DuckDB file (fast, at any time in the past)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cws_jupyter.core.aws.images import AMIInfo
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import CwsError
from cws_jupyter.core.images.models import ImageList, StoredImage
from cws_jupyter.core.pricing import PriceBook
from cws_jupyter.core.regions import RegionMap
from cws_jupyter.core.registry.models import BrowsePage, CommunityAMI
from cws_jupyter.core.resolver.availability import AvailabilityMatrix, RegionAvailability
from cws_jupyter.core.resolver.models import Provisioning, Resolution, ResolutionMethod
from cws_jupyter.core.templates.loader import LoadedTemplate, TemplateLibrary

NOW = dt.datetime.now(dt.timezone.utc)


def iso(days_ago: float) -> str:
    """An EC2-style creation time ``days_ago`` days back."""
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def resolution(
    ami_id: str | None,
    *,
    method: str = "ssm_parameter",
    region: str = "eu-west-1",
    source_region: str | None = None,
    days_old: float = 10,
    template: str = "python-ml",
    fallback: str | None = None,
) -> Resolution:
    """A resolver answer, as the resolver builds it (its image is in ``source_region``)."""
    where = source_region or region

    def image(ami: str) -> AMIInfo:
        return AMIInfo(ami_id=ami, name=f"image {ami}", region=where, creation_date=iso(days_old))

    return Resolution(
        template=template,
        region=region,
        strategy="ami_fallback" if fallback else "ami_preferred",
        architecture="x86_64",
        ami_id=ami_id,
        ami=image(ami_id) if ami_id else None,
        resolution_method=ResolutionMethod(method),
        source_region=source_region,
        copy_required=source_region is not None,
        instance_type="t3.large",
        estimated_cost=0.0944,
        estimated_launch_time=60,
        provisioning=Provisioning.NONE if ami_id else Provisioning.SCRIPT,
        fallback_ami=image(fallback) if fallback else None,
    )


def build(ami_id: str, *, days_old: float = 3, current: bool | None = True) -> StoredImage:
    """One of the template's own builds in eu-west-1."""
    return StoredImage(
        ami_id=ami_id,
        region="eu-west-1",
        name=f"cws-python-ml-{ami_id}",
        template="python-ml",
        current=current,
        state="available",
        created=iso(days_old),
        owner_id="123456789012",
        owned=True,
    )


def record(
    ami_id: str, *, rating: float | None = 4.5, count: int = 12, days_old: float = 20
) -> CommunityAMI:
    """A community record holding ``ami_id`` in eu-west-1."""
    moment = NOW - dt.timedelta(days=days_old)
    return CommunityAMI(
        ami_id=f"cami-{ami_id[4:20]}",
        name=f"community {ami_id}",
        template="python-ml",
        creator="someone",
        rating=rating,
        rating_count=count if rating is not None else 0,
        regions=["eu-west-1"],
        images={"eu-west-1": ami_id},
        verified=True,
        created_at=moment,
        last_updated=moment,
    )


class FakeSources:
    """``Sources`` made up in memory; each answer (or an exception to raise) is settable."""

    def __init__(self, library: TemplateLibrary | None = None) -> None:
        self.default_region = "eu-west-1"
        self.prices = PriceBook.load(None)
        self.regions = RegionMap.load()
        self.library = library
        self.answer: Resolution | Exception = resolution("ami-0aaaaaaaaaaaaaaa1")
        self.builds: list[StoredImage] | Exception = []
        self.records: list[CommunityAMI] | Exception = []
        #: region -> the image found there (every other region weighed: none).
        self.available: dict[str, str] = {}
        self.asked: list[tuple[str, Any]] = []

    def template(self, ref: str) -> LoadedTemplate:
        library = self.library or TemplateLibrary.from_settings(Settings())
        return library.get(ref)

    def resolve(self, loaded: LoadedTemplate, region: str) -> Resolution:
        self.asked.append(("resolve", region))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def own_builds(self, slug: str, region: str) -> ImageList:
        self.asked.append(("builds", region))
        if isinstance(self.builds, Exception):
            raise self.builds
        return ImageList(images=self.builds, regions=[region], template=slug)

    def community(self, slug: str, region: str) -> BrowsePage:
        self.asked.append(("community", region))
        if isinstance(self.records, Exception):
            raise self.records
        return BrowsePage(items=self.records, page=1, per_page=10, total=len(self.records))

    def availability(self, loaded: LoadedTemplate, regions: list[str]) -> AvailabilityMatrix:
        self.asked.append(("availability", tuple(regions)))
        rows = [
            RegionAvailability(
                region=r,
                available=r in self.available,
                resolution_method="ssm_parameter" if r in self.available else None,
                ami_id=self.available.get(r),
                architecture="x86_64" if r in self.available else None,
                reason="found" if r in self.available else "no image",
            )
            for r in regions
        ]
        return AvailabilityMatrix(template=loaded.template.slug, regions=rows)


def insert_events(analytics: Any, rows: Iterable[dict[str, Any]], *, days_ago: float = 0.0) -> None:
    """Write events straight into the DuckDB file, ``days_ago`` days in the past."""
    from cws_jupyter.core.analytics.events import COLUMNS

    names = ["ts", "kind", *COLUMNS]
    moment = (NOW - dt.timedelta(days=days_ago)).replace(tzinfo=None)
    values = [[moment, row["kind"], *(row.get(c) for c in COLUMNS)] for row in rows]
    with analytics.store.session() as conn:
        conn.executemany(
            f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            values,
        )


def launches(
    ami_id: str, count: int, result: str, ready: float | None = 50.0
) -> list[dict[str, Any]]:
    """``count`` launch events of ``ami_id`` in eu-west-1 with the same result."""
    return [
        {
            "kind": "launch",
            "template": "python-ml",
            "region": "eu-west-1",
            "ami_id": ami_id,
            "result": result,
            "seconds_to_ready": ready if result == "ok" else None,
            "instance_type": "t3.large",
            "hourly_usd": 0.0944,
        }
        for _ in range(count)
    ]


def spool_files(folder: Path) -> list[Path]:
    """Every file in the spool folder."""
    spool = folder / "spool"
    return sorted(spool.iterdir()) if spool.is_dir() else []


class Boom(CwsError):
    """A source that cannot answer."""

    code = "aws_unavailable"
