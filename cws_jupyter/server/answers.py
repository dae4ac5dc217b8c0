"""Resolutions served again on the event loop, without a thread hop, while nothing behind them
changed.

A resolution made in the request pool is kept (as its JSON text) with what it was built from:
the template library's documents, the service's resolver and catalog, the images generation,
and the memory-cache entries of every lookup it read (``LookupTrace``). The next request for the
same template and arguments checks all of these on the event loop (a folder scan, one small
read of the state store, dictionary lookups) and answers from the kept text; anything changed,
expired, or not held in memory sends the request to the pool as before. The answer may also not
outlive the next deprecation time of an image it ranked, nor the day the chosen image's age
in days changes (the age warning).
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.aws.images import LookupTrace
    from ..core.resolver.models import Resolution
    from ..core.service import CwsService

#: Paths with their stat stamps (None: absent).
Files = tuple[tuple[str, tuple[int, ...] | None], ...]
#: The Resolution field the kept text ends with, written afresh for each answer.
TAIL = '"duration_ms":'
#: At most this many kept answers (templates x arguments); the oldest go first.
MAX_KEPT = 256
DAY = 86400.0


@dataclass
class Kept:
    """One kept answer and what it depends on."""

    head: str
    docs: Any
    files: Files
    resolver: Any
    catalog: Any
    generation: int
    trace: LookupTrace
    valid_until: float


class ResolveAnswers:
    """Kept resolutions of one server, by template and query arguments."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, tuple[tuple[str, Any], ...]], Kept] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(template: str, args: dict[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """The key of a request."""
        return template, tuple(sorted(args.items()))

    def answer(self, service: CwsService | None, template: str, args: dict[str, Any]) -> str | None:
        """The kept answer as JSON text, if it is still the answer; None otherwise (then resolve
        in the pool). Runs on the event loop: never an AWS call."""
        kept = self._kept.get(self.key(template, args))
        if kept is None or service is None:
            return None
        started = time.perf_counter()
        if time.time() >= kept.valid_until or not kept.trace.still_valid():
            return None
        try:
            if service.library._docs is not kept.docs or _stats(kept.files) != kept.files:
                return None
            parts = service.__dict__
            if (
                parts.get("resolver") is not kept.resolver
                or parts.get("catalog") is not kept.catalog
            ):
                return None
            if kept.catalog.generation() != kept.generation:
                return None
        except Exception:  # noqa: BLE001 - any doubt: resolve in the pool, which reports it
            return None
        ms = round((time.perf_counter() - started) * 1000, 3)
        return f"{kept.head}{TAIL}{ms}}}"

    def resolve(self, service: CwsService, template: str, args: dict[str, Any]) -> Resolution | Any:
        """``service.resolve`` (in the pool), keeping the answer when it can be served again."""
        from ..core.aws.images import ImageCatalog

        library = service.library
        docs = library._docs
        files = _files(service)  # before resolving: a change from now on is seen
        catalog = service.__dict__.get("catalog")
        generation = None
        if catalog is not None:
            try:
                generation = catalog.generation()
            except Exception:  # noqa: BLE001 - not kept then
                generation = None
        token = catalog.tracing() if catalog is not None else None
        try:
            resolution = service.resolve(template, **args)
        finally:
            trace = ImageCatalog.untrace(token) if token is not None else None
        if trace is not None and generation is not None:
            self._keep(service, template, args, resolution, docs, files, catalog, generation, trace)
        return resolution

    def _keep(
        self,
        service: CwsService,
        template: str,
        args: dict[str, Any],
        resolution: Any,
        docs: Any,
        files: Files,
        catalog: Any,
        generation: int,
        trace: LookupTrace,
    ) -> None:
        from ..core.resolver.models import Resolution, ResolutionMethod

        library = service.library
        parts = service.__dict__
        if (
            not isinstance(resolution, Resolution)
            or not trace.complete
            or docs is None
            or library._docs is not docs
            or parts.get("catalog") is not catalog
            or any(a.tier is ResolutionMethod.CROSS_REGION for a in resolution.fallback_chain)
        ):
            return
        text = resolution.model_copy(update={"aws_calls": 0, "duration_ms": 0.0}).model_dump_json()
        if not text.endswith(f"{TAIL}0.0}}"):
            return
        now = time.time()
        until = min(trace.expires(), trace.stable_until)
        for image in (resolution.ami, resolution.fallback_ami):
            until = min(until, _age_changes(image, now))
        kept = Kept(
            head=text[: -len(f"{TAIL}0.0}}")],
            docs=docs,
            files=files,
            resolver=parts.get("resolver"),
            catalog=catalog,
            generation=generation,
            trace=trace,
            valid_until=until,
        )
        with self._lock:
            if len(self._kept) >= MAX_KEPT:
                self._kept.pop(next(iter(self._kept)))
            self._kept[self.key(template, args)] = kept


def _files(service: CwsService) -> Files:
    """The template folders (every sub-folder) and files, the sandbox's runtime file and the lock
    file of AMI pins, with their stat stamps: while none changed, the library reads nothing new,
    the service keeps its connection and the pins are the same (what ``TemplateLibrary``,
    ``CwsService._follow_sandbox`` and the pins would check)."""
    paths: list[str] = []
    for folder in service.library.folders:
        paths.append(str(folder))
        for here, folders, names in os.walk(folder):
            paths += [os.path.join(here, name) for name in (*folders, *names)]
    if service.settings.sandbox:
        paths.append(str(service.settings.state_dir / "sandbox.json"))
    paths.append(str(service.settings.lock_file))  # a pin changes the answer
    return _stats(tuple((path, None) for path in paths))


def _stats(files: Files) -> Files:
    """``files`` with their stamps as they are now (None for a path that is gone)."""
    stamped = []
    for path, _ in files:
        try:
            st = os.stat(path)
        except OSError:
            stamped.append((path, None))
            continue
        stamped.append((path, (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)))
    return tuple(stamped)


def _age_changes(image: Any, now: float) -> float:
    """When the age in whole days of ``image`` next changes (its age warning may then change)."""
    from ..core.aws.images import parse_time

    created = parse_time(image.creation_date) if image is not None else None
    if created is None:
        return math.inf
    born = created.timestamp()
    return born + (math.floor((now - born) / DAY) + 1) * DAY
