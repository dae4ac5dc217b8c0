"""What the usage analytics hear of: each resolution, and each launch, build and copy job as it
ends (from whichever front door started it: they all go through the service and its jobs).

Only the fields ``core/analytics/events.py`` names are passed on; nothing here waits for disk:
``Analytics.record`` appends to an in-memory spool written off the caller's thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .jobs import JobRecord
    from .resolver.models import Resolution

Event = tuple[str, dict[str, Any]]


def resolution_event(res: Resolution) -> Event:
    """One resolution: how it was answered, how long it took, and whether AWS was asked."""
    return (
        "resolution",
        {
            "template": res.template,
            "region": res.region,
            "method": res.resolution_method.value,
            "duration_ms": res.duration_ms,
            "aws_calls": res.aws_calls,
            "cached": res.aws_calls == 0,
            "pinned": res.pinned,
            "ami_id": res.ami_id,
            "architecture": res.architecture,
        },
    )


def job_events(record: JobRecord) -> list[Event]:
    """The events an ended job stands for (none for kinds the analytics do not count)."""
    ok = record.status.value == "succeeded"
    result = record.result if ok and isinstance(record.result, dict) else {}
    made = _EVENTS_OF.get(record.kind)
    return list(made(record.params, result, ok)) if made else []


def _launch(params: dict[str, Any], result: dict[str, Any], ok: bool) -> Iterator[Event]:
    instance, plan = result.get("instance") or {}, result.get("plan") or {}
    template = instance.get("template") or params.get("template")
    yield (
        "launch",
        {
            "template": template,
            "region": instance.get("region") or params.get("region"),
            "ami_id": instance.get("ami_used") or params.get("ami_id"),
            "result": "ok" if ok else "failed",
            "seconds_to_ready": instance.get("launch_time_seconds"),
            "instance_type": instance.get("instance_type") or params.get("instance_type"),
            "hourly_usd": instance.get("hourly_price"),
            "method": instance.get("resolution_method"),
        },
    )
    saved_usd = instance.get("cost_savings") or 0.0
    costs = plan.get("cost_comparison") or {}
    if ok and instance.get("provisioning") == "none" and saved_usd > 0:
        minutes = round((costs.get("script_setup_seconds") or 0) / 60, 2)
        yield ("saving", {"template": template, "usd": saved_usd, "minutes": minutes})


def _build(params: dict[str, Any], result: dict[str, Any], ok: bool) -> Iterator[Event]:
    yield (
        "build",
        {
            "template": result.get("template") or params.get("template"),
            "region": result.get("region") or params.get("region"),
            "ami_id": result.get("ami_id"),
            "result": "ok" if ok else "failed",
            "seconds": result.get("seconds"),
        },
    )


def _copy(params: dict[str, Any], result: dict[str, Any], ok: bool) -> Iterator[Event]:
    source = result.get("source_region") or params.get("source_region")
    rows = result.get("rows") or [
        {"region": r, "status": "failed"} for r in params.get("regions") or []
    ]
    for row in rows:
        if row.get("status") == "skipped":
            continue
        yield (
            "copy",
            {
                "ami_id": row.get("ami_id") or params.get("ami_id"),
                "from_region": source,
                "to_region": row.get("region"),
                "result": "ok" if ok and row.get("status") == "copied" else "failed",
                "seconds": row.get("seconds"),
            },
        )


#: The job kinds the analytics count, and what each stands for (a rebuild is a build).
_EVENTS_OF = {"launch": _launch, "ami_create": _build, "ami_rebuild": _build, "ami_copy": _copy}
