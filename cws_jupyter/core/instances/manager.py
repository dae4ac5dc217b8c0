"""``InstanceManager``: launch workstations from templates, list them, stop, start, terminate."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..errors import CwsError
from ..progress import Reporter, fan_out, silent
from . import control, launch
from .models import InstanceAction, InstanceList, InstanceRecord, LaunchPlan, LaunchResult

if TYPE_CHECKING:
    from ..jobs import JobHandle, JobRecord
    from ..templates.loader import LoadedTemplate
    from .context import InstanceContext


class InstanceManager:
    """Workstations launched from templates, and their state shared by every front door."""

    def __init__(self, ctx: InstanceContext) -> None:
        """Operations over ``ctx``."""
        self.ctx = ctx

    # -- launch --------------------------------------------------------------------------------
    def plan(self, template: LoadedTemplate, name: str, **options: object) -> LaunchPlan:
        """Resolve and check a launch (nothing is made)."""
        return launch.plan_launch(self.ctx, template, name, **options)  # type: ignore[arg-type]

    def dry_run(self, plan: LaunchPlan) -> LaunchPlan:
        """AWS's DryRun verdict on every call the launch would make."""
        return launch.dry_run(self.ctx, plan)

    def start_launch(self, plan: LaunchPlan) -> JobHandle:
        """Record a launch job (to be run by ``run``)."""
        return self.ctx.jobs.start("launch", total=100, params=plan.params())

    def run(
        self,
        plan: LaunchPlan,
        job: JobHandle | None = None,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> LaunchResult:
        """Launch as planned, as a job (a new one unless given)."""
        job = job or self.start_launch(plan)
        return job.run(  # type: ignore[no-any-return]
            lambda: launch.run_launch(
                self.ctx, plan, job, progress=fan_out(job, progress), cancel=cancel
            )
        )

    # -- state ---------------------------------------------------------------------------------
    def list(self, include_terminated: bool = False, refresh: bool = True) -> InstanceList:
        """This account view's workstations, brought up to date with EC2 (unless told not to)."""
        self.ctx.jobs.reconcile()
        records = self.ctx.book.list(include_terminated)
        notes: list[str] = []
        if refresh and records:
            try:
                control.refresh(self.ctx, records)
            except CwsError as exc:
                notes.append(f"not refreshed from AWS: {exc.message}")
            records = self.ctx.book.list(include_terminated)
        return InstanceList(instances=records, notes=notes)

    def act(
        self,
        name: str,
        action: str,
        *,
        yes: bool = False,
        progress: Reporter = silent,
        cancel: threading.Event | None = None,
    ) -> InstanceAction:
        """Stop, start or terminate a workstation by name."""
        return control.act(self.ctx, name, action, yes=yes, progress=progress, cancel=cancel)

    def recover(self, record: JobRecord) -> str | None:
        """Clean up after (or adopt the instance of) an abandoned launch (``jobs.reconcile``)."""
        return launch.recover_launch(self.ctx, record)

    def get(self, name: str) -> InstanceRecord:
        """The live workstation with this name (NotFound otherwise)."""
        return self.ctx.book.get(name)

    def provisioning(self, ref: str) -> str | None:
        """How a workstation (by name or instance id) was provisioned at launch: none (a complete
        image), ami_plus_script or script; None when cws did not launch it."""
        for record in self.ctx.book.list():
            if ref in (record.name, record.id):
                return record.provisioning
        return None

    def lookup(self, name: str) -> tuple[str, str] | None:
        """(instance id, region) of a live workstation with this name, or None."""
        record = self.ctx.book.find(name)
        return (record.id, record.region) if record and record.id else None
