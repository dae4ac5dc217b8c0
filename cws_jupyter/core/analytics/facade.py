"""``Analytics``: record usage events on the hot path; report, export, recommend and advise.

Recording (``record``) never touches DuckDB: events go to this process's spool (``spool``).
Every reading method opens the database briefly (``store.EventStore.session``), ingests what
every process has spooled since, answers, and closes it again, so CLI runs, kernels and the
Jupyter server take turns with the file without ever blocking a recorder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .events import KINDS, unknown_fields
from .spool import existing_writer, warn_once, writer_for

if TYPE_CHECKING:
    from ..config import Settings
    from .models import AnalyticsReport, ExportResult, Recommendations, RegionAdvice
    from .recommend import LaunchHistory
    from .sources import Sources
    from .spool import SpoolWriter
    from .store import EventStore

FOLDER = "analytics"
MAX_LIMIT = 50
OFF_NOTE = "recording is off (CWS_ANALYTICS=0): only events recorded earlier are counted"


class Analytics:
    """Usage analytics of this machine (under ``<state folder>/analytics``)."""

    def __init__(self, settings: Settings, sources: Sources | None = None) -> None:
        self.settings = settings
        self.enabled = bool(settings.analytics)
        self.folder = Path(settings.state_dir).absolute() / FOLDER
        self._sources = sources
        self._writer: SpoolWriter | None = None
        self._store: EventStore | None = None

    # -- the hot path ------------------------------------------------------------------------
    def record(self, kind: str, **fields: Any) -> None:
        """Record one event (kinds and fields: ``events.FIELDS``). Costs a few microseconds,
        never raises, does nothing with ``CWS_ANALYTICS=0``."""
        if not self.enabled:
            return
        try:
            if kind not in KINDS:
                warn_once(f"kind:{kind}", f"unknown usage event kind {kind!r} is not recorded")
                return
            writer = self._writer
            if writer is None:
                writer = self._writer = writer_for(self.folder / "spool")
            writer.add(kind, fields)
        except Exception as exc:  # noqa: BLE001 - recording must never break what it records
            warn_once(f"record:{type(exc).__name__}", f"a usage event was not recorded ({exc})")

    def flush(self) -> None:
        """Write this process's queued events to its spool now (readers do it first)."""
        writer = self._writer or existing_writer(self.folder / "spool")
        if writer is not None:
            writer.flush()

    @staticmethod
    def check(kind: str, fields: dict[str, Any]) -> list[str]:
        """Problems with an event (for tests and callers wiring new events; not on the hot path)."""
        if kind not in KINDS:
            return [f"unknown kind {kind!r} (known: {', '.join(sorted(KINDS))})"]
        return [f"{kind} events have no field {name!r}" for name in unknown_fields(kind, fields)]

    # -- reading -----------------------------------------------------------------------------
    @property
    def store(self) -> EventStore:
        """The events database and spool of this machine."""
        if self._store is None:
            from .store import EventStore

            self._store = EventStore(self.folder, self.settings.analytics_retention_days)
        return self._store

    def _has_data(self) -> bool:
        return self.enabled or self.store.exists()

    def report(self, since: dt.timedelta | None = None) -> AnalyticsReport:
        """Usage over the last ``since`` (None: every event kept)."""
        from .models import AnalyticsReport
        from .report import build_report
        from .store import utc_cutoff

        cutoff = utc_cutoff(since.total_seconds() if since else None)
        if not self._has_data():
            report = AnalyticsReport(
                since=cutoff,
                generated_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                recording=False,
            )
        else:
            self.flush()
            with self.store.session() as conn:
                report = build_report(conn, cutoff, recording=self.enabled)
        if not self.enabled:
            report.notes.append(OFF_NOTE)
        if report.events == 0:
            report.notes.append("no usage events in this period yet")
        return report

    def export(
        self, path: str | Path, format: str = "parquet", since: dt.timedelta | None = None
    ) -> ExportResult:
        """Write the events of the last ``since`` to ``path`` as parquet, csv or json."""
        from .export import check_format, check_target, export_events
        from .models import ExportResult
        from .store import utc_cutoff

        check_format(format)
        target = check_target(Path(path))
        cutoff = utc_cutoff(since.total_seconds() if since else None)
        self.flush()
        with self.store.session() as conn:
            rows = export_events(conn, target, format, cutoff)
        return ExportResult(path=str(target), format=format, rows=rows, since=cutoff)  # type: ignore[arg-type]

    def metrics_text(self) -> str:
        """Prometheus text (exposition format 0.0.4) of every event kept."""
        from .metrics import metrics_text

        if not self._has_data():
            return "# no usage events recorded (CWS_ANALYTICS=0)\n"
        self.flush()
        with self.store.session() as conn:
            return metrics_text(conn)

    def prune(self) -> int:
        """Delete events older than the retention setting now; how many were deleted."""
        if not self.store.db_path.exists():
            return 0
        with self.store.session(ingest_spool=False) as conn:
            return self.store.prune(conn)

    # -- advice ------------------------------------------------------------------------------
    @property
    def sources(self) -> Sources:
        """Where candidates, availability and prices come from."""
        if self._sources is None:
            from ..errors import Unsupported

            raise Unsupported("this Analytics was built without sources: use build_analytics")
        return self._sources

    def recommend(
        self, template: str, region: str | None = None, limit: int = 5
    ) -> Recommendations:
        """The template's candidate images in ``region``, best first, each with its reasons."""
        from .candidates import gather
        from .models import Recommendations
        from .recommend import launch_history, rank

        limit = _limit(limit)
        loaded = self.sources.template(template)
        where = region or self.sources.default_region
        self.sources.regions.fallbacks(where)  # a bad region fails before any AWS work
        notes: list[str] = []
        candidates = gather(self.sources, loaded, where, notes)
        history: dict[str, LaunchHistory] = {}
        if candidates and self._has_data():
            self.flush()
            with self.store.session() as conn:
                history = launch_history(conn, [c.ami_id for c in candidates])
        ordered, basis = rank(candidates, history, limit)
        if basis == "resolver_order" and ordered:
            notes.insert(
                0,
                "no launch of these images is recorded yet: they are in the "
                "resolver's order (recommendations improve as you launch)",
            )
        if not ordered:
            notes.insert(0, f"no image to recommend for {loaded.template.slug} in {where}")
        return Recommendations(
            template=loaded.template.slug,
            region=where,
            basis=basis,  # type: ignore[arg-type]
            candidates=ordered,
            launches_seen=sum(h.launches for h in history.values()),
            notes=notes,
        )

    def best_regions(
        self, template: str, from_region: str | None = None, limit: int = 5
    ) -> RegionAdvice:
        """Where to launch ``template`` from ``from_region``, best first, with reasons."""
        from .regions import HISTORY, advise

        limit = _limit(limit)
        loaded = self.sources.template(template)
        home = from_region or self.sources.default_region
        self.sources.regions.fallbacks(home)  # validates the region (field "region")
        history: dict[str, tuple[int, int]] = {}
        if self._has_data():
            self.flush()
            with self.store.session() as conn:
                rows = conn.execute(HISTORY, [loaded.template.slug]).fetchall()
                history = {region: (n, ok) for region, n, ok in rows}
        return advise(self.sources, loaded, home, limit, history)


def _limit(limit: int) -> int:
    from ..errors import BadInput

    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit")
    return limit
