"""``cws ami outdated``: for each template's builds, their copies and its direct mappings, the
base image each came from against the template's base image now (``bases.current_base``), and
whether the template itself changed since the build.

Everything is read through the image catalog, so a survey costs what a resolve costs: cached
lookups of this account's builds per region, of the SSM parameters and searches, and of images
by id. Regions are surveyed at once; a region that cannot be read is a note, not a failure.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from ..errors import CwsError
from ..resolver.selection import parse_time
from . import tags as T
from .bases import BaseAnswer, current_base
from .lineage import Lineage, built_from
from .updates import STATUSES, OutdatedImage, OutdatedReport, Status

if TYPE_CHECKING:
    from ..aws.images import AMIInfo
    from ..templates.loader import LoadedTemplate
    from ..templates.models import Template
    from .context import ImageContext

Loader = Callable[[str], "LoadedTemplate"]
Kind = Literal["build", "copy", "mapping"]
KIND_ORDER = {"build": 0, "copy": 1, "mapping": 2}


def find_outdated(
    ctx: ImageContext,
    load: Loader,
    every: Callable[[], list[LoadedTemplate]],
    templates: Sequence[str] | None = None,
    region: str | None = None,
    all_regions: bool = False,
) -> OutdatedReport:
    """Survey the images of ``templates`` (default: every template with builds or direct
    mappings) in ``region`` (default: the configured one) or in every region."""
    regions = ctx.regions.regions() if all_regions else [ctx.region(region)]
    named: dict[str, LoadedTemplate] | None
    if templates:
        chosen = [load(ref) for ref in dict.fromkeys(templates)]  # unknown names fail here
        named = {loaded.template.slug: loaded for loaded in chosen}
        known = dict(named)
    else:
        named = None
        known = {loaded.template.slug: loaded for loaded in every()}
    survey = _Survey(ctx, load, known)
    mapped = [loaded for loaded in (named or known).values() if loaded.template.ami_config]
    found = ctx.for_regions(regions, lambda where: survey.region(where, named, mapped))
    rows: list[OutdatedImage] = []
    notes: list[str] = []
    for where, outcome in found.items():
        if isinstance(outcome, CwsError):
            notes.append(f"{where} not searched: {outcome.message}")
        else:
            rows += outcome
    rows.sort(key=_order)
    counts = {s: n for s in STATUSES if (n := sum(1 for r in rows if r.status == s))}
    return OutdatedReport(
        images=rows,
        templates=sorted({r.template for r in rows}),
        regions=regions,
        counts=counts,
        notes=notes + survey.notes,
    )


class _Survey:
    """One survey's lookups: templates loaded once, each current base looked up once."""

    def __init__(self, ctx: ImageContext, load: Loader, known: dict[str, LoadedTemplate]) -> None:
        self.ctx = ctx
        self.catalog = ctx.catalog
        self.now = dt.datetime.now(dt.timezone.utc)
        self.notes: list[str] = []
        self._load = load
        self._templates: dict[str, LoadedTemplate | None] = dict(known)
        self._bases: dict[tuple[str, str, str], BaseAnswer] = {}
        self._lock = threading.Lock()

    # -- one region ----------------------------------------------------------------------------
    def region(
        self, region: str, named: dict[str, LoadedTemplate] | None, mapped: list[LoadedTemplate]
    ) -> list[OutdatedImage]:
        """The rows of one region: its builds and copies, then the mappings naming it."""
        rows = []
        for image in self.catalog.own_builds(region):
            built = T.build_of(image.tags, image.description)
            if built is None or (named is not None and built[0] not in named):
                continue
            if self._retired(image):
                continue  # deprecated already: the resolver no longer offers it
            slug, digest = built
            kind: Kind = "copy" if image.tags.get(T.SOURCE_REGION) else "build"
            lineage = built_from(self.catalog, image, slug)
            rows.append(self._judge(image, region, kind, slug, digest, lineage))
        for loaded in mapped:
            rows += self._mappings(loaded, region)
        return rows

    def _mappings(self, loaded: LoadedTemplate, region: str) -> list[OutdatedImage]:
        """The template's direct mappings in ``region`` (``ami_mappings`` and legacy ``amis``)."""
        config = loaded.template.ami_config
        assert config is not None
        slug = loaded.template.slug
        ids = [config.ami_mappings[region]] if region in config.ami_mappings else []
        ids += list(config.amis.get(region, {}).values())
        rows = []
        for ami_id in dict.fromkeys(ids):
            found = self.catalog.by_ids(region, [ami_id])
            if not found:
                rows.append(
                    OutdatedImage(
                        template=slug,
                        region=region,
                        ami_id=ami_id,
                        kind="mapping",
                        status="unknown",
                        reason=f"the mapped image no longer exists in {region} (deregistered?): "
                        f"point ami_mappings[{region}] of '{slug}' at a current image",
                    )
                )
                continue
            image = found[0]
            built = T.build_of(image.tags, image.description)
            if built is not None and built[0] == slug:
                lineage, digest = built_from(self.catalog, image, slug), built[1]
                rows.append(self._judge(image, region, "mapping", slug, digest, lineage))
            else:  # a publisher's image named directly is its own base
                itself = Lineage(image.ami_id, region)
                rows.append(self._judge(image, region, "mapping", slug, None, itself, itself=True))
        return rows

    # -- the verdict ---------------------------------------------------------------------------
    def _judge(
        self,
        image: AMIInfo,
        region: str,
        kind: Kind,
        slug: str,
        digest: str | None,
        lineage: Lineage,
        *,
        itself: bool = False,
    ) -> OutdatedImage:
        """One image's row: its base against the template's base now, and its template hash."""
        row = OutdatedImage(
            template=slug,
            region=region,
            ami_id=image.ami_id,
            name=image.name,
            kind=kind,
            created=image.creation_date,
            deprecation_time=image.deprecation_time,
            status="unknown",
            reason="",
        )
        loaded = self._template(slug)
        if loaded is None:
            row.reason = f"template '{slug}' is not on the template path: its base cannot be told"
            return row
        template = loaded.template
        where = lineage.region or region
        current = self._base(template, where, image.architecture)
        if itself and current.image is not None and current.image.owner_id != image.owner_id:
            lineage = Lineage(
                None,
                None,
                f"{image.ami_id} is neither a cws build nor an image of the base's publisher "
                f"({current.image.owner_id}), so what it was built from is not recorded",
            )
        row.built_from, row.built_from_region = lineage.ami_id, lineage.region
        if current.image is not None:
            row.current_base, row.current_base_source = current.image.ami_id, current.source
        status, said = self._compare(lineage, current, where, "names" if itself else "built from")
        if digest and digest != T.template_hash(template):
            status = "template_changed"
            said = (
                f"built from an earlier version of template '{slug}' (it installs something "
                f"else now), so the resolver skips it; {said}"
            )
        row.status, row.reason = status, said + _hint(status, kind, slug, region)
        return row

    def _compare(
        self, lineage: Lineage, current: BaseAnswer, where: str, verb: str
    ) -> tuple[Status, str]:
        """(status, reason) from the base built from (or named: ``verb``) and the base now."""
        if lineage.ami_id is None:
            return "unknown", f"base unknown: {lineage.note}"
        base = lineage.ami_id
        if current.image is None:
            return "unknown", f"{verb} {base}; no current base in {where}: {current.note}"
        now = current.image
        if base == now.ami_id:
            return "current", f"{verb} {base}, still the current base ({current.source})"
        old = self.catalog.by_ids(where, [base])
        fresh = f"{now.ami_id} ({_day(now.creation_date)}, {current.source})"
        if not old:
            return (
                "outdated",
                f"{verb} {base}, gone from {where} since; the base now is {fresh}",
            )
        then, latest = parse_time(old[0].creation_date), parse_time(now.creation_date)
        if then is not None and latest is not None and latest < then:
            return "current", (
                f"{verb} {base} ({_day(old[0].creation_date)}), newer than the base the "
                f"template names now, {fresh}"
            )
        return "outdated", (
            f"{verb} {base} ({_day(old[0].creation_date)}); a newer base exists: {fresh}"
        )

    # -- lookups shared by the survey's threads ------------------------------------------------
    def _template(self, slug: str) -> LoadedTemplate | None:
        with self._lock:
            if slug in self._templates:
                return self._templates[slug]
        try:
            loaded: LoadedTemplate | None = self._load(slug)
        except CwsError:
            loaded = None
        with self._lock:
            self._templates[slug] = loaded
        return loaded

    def _base(self, template: Template, region: str, arch: str) -> BaseAnswer:
        key = (template.slug, region, arch)
        with self._lock:
            if key in self._bases:
                return self._bases[key]
        try:
            answer = current_base(self.catalog, template, region, arch, self.now)
        except CwsError as exc:
            answer = BaseAnswer(None, note=f"it could not be looked up ({exc.message})")
        with self._lock:
            self._bases[key] = answer
        return answer

    def _retired(self, image: AMIInfo) -> bool:
        deprecated = parse_time(image.deprecation_time)
        return deprecated is not None and deprecated <= self.now


def _hint(status: Status, kind: Kind, slug: str, region: str) -> str:
    """What to do about a row that needs it."""
    if status not in ("outdated", "template_changed"):
        return ""
    if kind == "mapping":
        return (
            f"; rebuild with `cws ami rebuild {slug} --region {region}`, then point "
            f"ami_mappings[{region}] at the new image"
        )
    return f"; rebuild with `cws ami rebuild {slug} --region {region}`"


def _day(created: str) -> str:
    return created[:10] if created else "date unknown"


def _order(row: OutdatedImage) -> tuple[str, str, int, float, str]:
    stamp = parse_time(row.created)
    return (
        row.template,
        row.region,
        KIND_ORDER[row.kind],
        -stamp.timestamp() if stamp else 0.0,
        row.ami_id,
    )
