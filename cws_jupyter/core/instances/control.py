"""Stop, start and terminate workstations by name (the region comes from their record), and
refresh the records from what EC2 says."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..aws.errors import aws_errors
from ..aws.waiting import wait_for
from ..errors import BadInput, Conflict, CwsError
from ..progress import Progress, Reporter, silent
from .models import InstanceAction, InstanceRecord
from .network import delete_group

if TYPE_CHECKING:
    from .context import InstanceContext

#: action -> (EC2 call, waiter, the state reached, states it may start from)
ACTIONS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "stop": ("stop_instances", "instance_stopped", "stopped", ("running", "pending")),
    "start": ("start_instances", "instance_running", "running", ("stopped",)),
    "terminate": (
        "terminate_instances",
        "instance_terminated",
        "terminated",
        ("running", "pending", "stopped", "stopping"),
    ),
}
WAIT_S = 30 * 60
ESTIMATE_S = {"stop": 60, "start": 45, "terminate": 60}


def act(
    ctx: InstanceContext,
    name: str,
    action: str,
    *,
    yes: bool = False,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> InstanceAction:
    """Stop, start or terminate the workstation ``name`` and wait until it gets there."""
    if action not in ACTIONS:
        raise BadInput(f"unknown action {action!r} (use stop, start or terminate)", field="action")
    if action == "terminate" and not yes:
        raise BadInput(
            f"terminating {name!r} destroys the workstation and its disk; add --yes to confirm",
            field="yes",
        )
    call, waiter, target, allowed = ACTIONS[action]
    record = ctx.book.get(name)
    if record.id is None:
        raise Conflict(f"{name!r} is still being launched; wait for it first", field="name")
    record = refresh_one(ctx, record)
    notes: list[str] = []
    if record.state == target:
        return InstanceAction(action=action, instance=record, notes=[f"{name} is already {target}"])
    if record.state not in allowed:
        raise Conflict(f"{name!r} is {record.state}: it cannot be {target} now", field="name")
    ec2 = ctx.ec2(record.region)
    progress(Progress(step=action, message=f"{action} {name} ({record.id})", region=record.region))
    with aws_errors(record.region, f"{action} {name} ({record.id})"):
        getattr(ec2, call)(InstanceIds=[record.id])
    wait_for(
        ec2,
        waiter,
        {"InstanceIds": [record.id]},
        region=record.region,
        what=f"{name} to be {target}",
        poll_seconds=ctx.access.poll_seconds,
        timeout_seconds=WAIT_S,
        estimate_seconds=ESTIMATE_S[action],
        progress=progress,
        step=action,
        cancel=cancel,
    )
    if action == "terminate" and record.security_group_id:
        why = delete_group(ec2, record.region, record.security_group_id, ctx.access.poll_seconds)
        notes.append(
            f"security group {record.security_group_id} " + (f"kept ({why})" if why else "deleted")
        )
    addresses = _addresses(ec2, record.region, record.id) if target == "running" else {}
    record = ctx.book.update(record.key, lambda r: _moved(r, target, addresses))
    return InstanceAction(action=action, instance=record, notes=notes)


def _moved(record: InstanceRecord, state: str, addresses: dict[str, Any]) -> None:
    record.state = state
    if state == "running":
        record.public_ip, record.private_ip = addresses.get("public"), addresses.get("private")
    elif state in ("stopped", "terminated"):
        record.public_ip = None


def _addresses(ec2: Any, region: str, instance_id: str) -> dict[str, Any]:
    with aws_errors(region, f"reading {instance_id}"):
        instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0][
            "Instances"
        ][0]
    return {"public": instance.get("PublicIpAddress"), "private": instance.get("PrivateIpAddress")}


def refresh_one(ctx: InstanceContext, record: InstanceRecord) -> InstanceRecord:
    """One record brought up to date with EC2."""
    return refresh(ctx, [record]).get(record.key, record)


def refresh(ctx: InstanceContext, records: list[InstanceRecord]) -> dict[str, InstanceRecord]:
    """Records brought up to date with EC2 (one DescribeInstances per region, at once).

    An instance EC2 no longer knows (terminated elsewhere, a sandbox reset) is marked terminated.
    """
    by_region: dict[str, list[InstanceRecord]] = defaultdict(list)
    for record in records:
        if record.id and record.state != "terminated":
            by_region[record.region].append(record)
    updated: dict[str, InstanceRecord] = {}
    for region, outcome in _describe_all(ctx, by_region).items():
        if isinstance(outcome, CwsError):
            continue  # keep what we knew; the caller notes nothing was refreshed there
        for record in by_region[region]:
            found = outcome.get(record.id or "", {})
            state = found.get("State", {}).get("Name", "terminated")
            if state != record.state:
                ips = _ips(found)
                updated[record.key] = ctx.book.update(
                    record.key, lambda r, s=state, a=ips: _moved(r, s, a)
                )
    return updated


def _describe_all(
    ctx: InstanceContext, by_region: dict[str, list[InstanceRecord]]
) -> dict[str, dict[str, dict[str, Any]] | CwsError]:
    """Each region's instances (by id), asked at once; a region that fails is its error."""
    from concurrent.futures import ThreadPoolExecutor

    def describe(region: str) -> dict[str, dict[str, Any]]:
        ids = [r.id for r in by_region[region] if r.id]
        with aws_errors(region, "reading workstations"):
            pages = (
                ctx.ec2(region)
                .get_paginator("describe_instances")
                .paginate(Filters=[{"Name": "instance-id", "Values": ids}])
            )
            return {
                i["InstanceId"]: i
                for page in pages
                for reservation in page.get("Reservations", [])
                for i in reservation.get("Instances", [])
            }

    results: dict[str, dict[str, dict[str, Any]] | CwsError] = {}
    if not by_region:
        return results
    with ThreadPoolExecutor(max_workers=min(16, len(by_region))) as pool:
        futures = {region: pool.submit(describe, region) for region in by_region}
        for region, future in futures.items():
            try:
                results[region] = future.result()
            except CwsError as exc:
                results[region] = exc
    return results


def _ips(instance: dict[str, Any]) -> dict[str, Any]:
    return {"public": instance.get("PublicIpAddress"), "private": instance.get("PrivateIpAddress")}
