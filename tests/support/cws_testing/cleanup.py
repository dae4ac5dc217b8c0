"""Removing what a sandbox test made (workstations, images) at its end, even when it fails."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from cws_jupyter.core.errors import CwsError, NotFound

if TYPE_CHECKING:
    from cws_jupyter.core.service import CwsService


class Cleanup:
    """Workstations and images a test made, removed at its end even when it fails (so one
    test's leftovers never change what the next test in the same sandbox resolves)."""

    def __init__(self, svc: CwsService) -> None:
        self.svc = svc
        self.workstations: list[str] = []
        self.images: list[tuple[str, str]] = []

    def workstation(self, name: str) -> str:
        self.workstations.append(name)
        return name

    def image(self, region: str, ami_id: str) -> str:
        self.images.append((region, ami_id))
        return ami_id

    def run(self) -> None:
        """Remove everything registered; what is already gone is fine, other failures warn."""
        steps: list[tuple[str, Callable[[], object]]] = [
            (f"terminate {name}", lambda n=name: self.svc.instances.act(n, "terminate", yes=True))
            for name in self.workstations
        ]
        steps += [
            (f"delete {ami}", lambda a=ami, r=region: self.svc.images.delete(a, r, yes=True))
            for region, ami in reversed(self.images)
        ]
        for what, step in steps:
            try:
                step()
            except NotFound:
                pass  # terminated or deleted by the test itself
            except CwsError as exc:
                warnings.warn(f"cleanup could not {what}: {exc.message}", stacklevel=1)
