"""Resolving through the lock file: a pinned template and region answer their pinned image; a
pin whose image is gone or deprecated says so and answers a fresh resolution (the lock stays);
``pin`` records a fresh answer where none is pinned, ``refresh`` replaces the pin."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BadInput, CwsError

if TYPE_CHECKING:
    from ..resolver.models import Resolution
    from .lockfile import LockFile, Pin


class Pinning:
    """The lock file at ``path``; ``lock_dir`` holds the file locks of read-modify-writes."""

    def __init__(self, path: Path, lock_dir: Path) -> None:
        self.path = path
        self.lock_dir = lock_dir

    def read(self) -> LockFile:
        """The lock file's pins (none when there is no file)."""
        from .lockfile import LockFile

        return LockFile.read(self.path)

    def resolve(
        self,
        template: str,
        region: str,
        fresh: Callable[[], Resolution],
        pinned: Callable[[str], Resolution],
        *,
        pin: bool = False,
        refresh: bool = False,
    ) -> Resolution:
        """The answer for ``template`` in ``region``, through the lock file."""
        if not (pin or refresh or self.path.exists()):
            return fresh()  # no lock file: nothing to read, no model to build
        entry = None if refresh else self.read().get(template, region)
        if entry is not None:
            try:
                answer = pinned(entry.ami_id)
            except CwsError as exc:
                return self._pin_broken(fresh(), template, region, entry, exc)
            return self._as_pinned(answer, entry)
        answer = fresh()
        if pin or refresh:
            self._record(template, region, answer)
        return answer

    # -- answers ---------------------------------------------------------------------------
    def _as_pinned(self, answer: Resolution, entry: Pin) -> Resolution:
        from ..resolver.models import ResolutionMethod, TierAttempt, TierOutcome

        try:
            method = ResolutionMethod(entry.method)
        except ValueError:
            method = ResolutionMethod.DIRECT_MAPPING
        answer.pinned = True
        answer.resolution_method = method
        answer.fallback_chain = [
            TierAttempt(
                tier=method,
                region=answer.region,
                outcome=TierOutcome.HIT,
                reason=f"pinned in {self.path} on {entry.pinned_at[:10]} ({entry.name or 'no name'})",
                ami_id=entry.ami_id,
            )
        ]
        return answer

    def _pin_broken(
        self, answer: Resolution, template: str, region: str, entry: Pin, exc: CwsError
    ) -> Resolution:
        now = answer.ami_id or f"no AMI ({answer.resolution_method.value})"
        warning = (
            f"the pin in {self.path} for {template} in {region} names {entry.ami_id}, which "
            f"{_why(exc)}; this is a fresh resolution ({now}); the lock is unchanged: "
            "resolve with --refresh to pin the new answer"
        )
        answer.warnings.insert(0, warning)
        answer.warning = "; ".join(answer.warnings)
        return answer

    def _record(self, template: str, region: str, answer: Resolution) -> None:
        from filelock import FileLock

        from .lockfile import Pin

        if answer.ami_id is None or answer.ami is None:
            raise BadInput(
                f"nothing to pin: {template} in {region} has no AMI "
                f"({answer.resolution_method.value})",
                field="pin",
            )
        if answer.copy_required:
            raise BadInput(
                f"the answer for {template} in {region} is {answer.ami_id} in "
                f"{answer.source_region}, which needs a copy first: copy it (cws ami copy "
                f"{answer.ami_id} {region} --region {answer.source_region}) and pin again, or "
                f"pin in {answer.source_region}",
                field="pin",
            )
        image = answer.ami
        entry = Pin(
            ami_id=answer.ami_id,
            name=image.name or "",
            owner=image.owner_id or "",
            created=image.creation_date or "",
            method=answer.resolution_method.value,
            pinned_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        with FileLock(str(self.lock_dir / f"pins-{key}.lock"), timeout=30):
            lock = self.read()
            lock.pins.setdefault(template, {})[region] = entry
            lock.write(self.path)
        answer.pinned = True


def _why(exc: CwsError) -> str:
    """'no longer exists (deregistered?)', 'is deprecated since ...': why a pin cannot be used."""
    text = exc.message
    if "does not exist" in text:
        return "no longer exists (deregistered?)"
    reason = text.removeprefix("cannot launch from ")
    return reason.split(" ", 1)[1] if reason.startswith("ami-") and " " in reason else reason
