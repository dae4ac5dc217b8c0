"""Every template resolved in every region, concurrently; a failed resolution is a row, not a crash."""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from ..errors import CwsError
from ..progress import Progress, Reporter, silent
from .models import MatrixRow, MigrationMatrix
from .selection import chosen_templates

if TYPE_CHECKING:
    from ..templates.loader import LoadedTemplate
    from .context import Services

#: How often a wait for resolutions looks at the cancel event (seconds).
POLL_SECONDS = 0.2


def chosen_regions(service: Services, regions: list[str] | None) -> list[str]:
    """The regions asked for (each checked), or the configured region and its fallbacks."""
    if not regions:
        home = service.settings.region
        return [home, *service.regions.fallbacks(home)]
    for region in regions:
        service.regions.fallbacks(region)  # BadInput naming a malformed region
    return list(dict.fromkeys(regions))


def test_all(
    service: Services,
    templates: list[str] | None = None,
    regions: list[str] | None = None,
    progress: Reporter | None = None,
    cancel: threading.Event | None = None,
) -> MigrationMatrix:
    """Resolve each template in each region at once; one row per (template, region)."""
    started = time.perf_counter()
    loaded, notes = chosen_templates(service, templates)
    wanted = chosen_regions(service, regions)
    report = progress or silent
    pairs = [(item, region) for item in loaded for region in wanted]
    report(
        Progress(
            step="resolve",
            message=f"resolving {len(loaded)} template(s) in {len(wanted)} region(s)",
            done=0,
            total=len(pairs),
        )
    )
    rows = _resolve_all(service, pairs, report, cancel) if pairs else {}
    ordered = [rows[(item.template.slug, region)] for item, region in pairs]
    return MigrationMatrix(
        templates=[item.template.slug for item in loaded],
        regions=wanted,
        rows=ordered,
        resolved=sum(row.ok for row in ordered),
        failed=sum(not row.ok for row in ordered),
        notes=notes,
        seconds=round(time.perf_counter() - started, 3),
    )


def _resolve_all(
    service: Services,
    pairs: list[tuple[LoadedTemplate, str]],
    report: Reporter,
    cancel: threading.Event | None,
) -> dict[tuple[str, str], MatrixRow]:
    """Run the resolutions on a thread pool, reporting each as it finishes (from this thread)."""
    workers = min(service.settings.cross_region_workers, len(pairs))
    rows: dict[tuple[str, str], MatrixRow] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cws-migrate")
    try:
        pending: set[Future[MatrixRow]] = {
            pool.submit(resolve_row, service, item, region) for item, region in pairs
        }
        while pending:
            if cancel is not None and cancel.is_set():
                raise InterruptedError(f"stopped after {len(rows)} of {len(pairs)} resolution(s)")
            finished, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in finished:
                row = future.result()
                rows[(row.template, row.region)] = row
                outcome = row.method if row.ok else "failed"
                report(
                    Progress(
                        step="resolve",
                        message=f"{row.template} in {row.region}: {outcome}",
                        done=len(rows),
                        total=len(pairs),
                        region=row.region,
                    )
                )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return rows


def resolve_row(service: Services, loaded: LoadedTemplate, region: str) -> MatrixRow:
    """One resolution as a row: what was found, or the failure's message."""
    template = loaded.template
    strategy = template.ami_config.strategy.value if template.ami_config else None
    started = time.perf_counter()
    try:
        res = service.resolve(loaded, region)
    except CwsError as exc:
        return _failed(template.slug, region, strategy, exc.message, exc.code, started)
    except Exception as exc:  # noqa: BLE001 - one broken resolution must not hide the others
        problem = f"unexpected {type(exc).__name__}: {exc}"
        return _failed(template.slug, region, strategy, problem, "unexpected", started)
    return MatrixRow(
        template=template.slug,
        region=region,
        ok=True,
        method=res.resolution_method.value,
        ami_id=res.ami_id,
        source_region=res.source_region,
        copy_required=res.copy_required,
        provisioning=res.provisioning.value,
        instance_type=res.instance_type,
        strategy=res.strategy,
        duration_ms=res.duration_ms,
    )


def _failed(
    slug: str, region: str, strategy: str | None, message: str, code: str, started: float
) -> MatrixRow:
    """The row of a resolution that failed."""
    return MatrixRow(
        template=slug,
        region=region,
        ok=False,
        strategy=strategy,
        error=message,
        error_code=code,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
    )
