"""HTML for workstations: the list, launch plans (dry runs), launches, stop/start/terminate.

Every value is escaped (``display.html``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import (
    BAD,
    GOOD,
    INFO,
    MUTED,
    WARN,
    Raw,
    badge,
    box,
    bullet_list,
    code,
    colour,
    details,
    duration,
    heading,
    join,
    money,
    notes_block,
    pairs,
    pre,
    table,
    tag,
    warnings_block,
)
from .resolution import PROVISIONING, costs_body, method_badge

#: Colours of workstation states (EC2's, and ``launching`` while cws reserves the name).
STATE_COLOURS = {
    "running": GOOD,
    "pending": INFO,
    "launching": INFO,
    "stopping": WARN,
    "stopped": WARN,
    "shutting-down": BAD,
    "terminated": MUTED,
}
#: The columns of the workstation table.
COLUMNS = [
    "name",
    "state",
    "template",
    "region",
    "type",
    "image",
    "public IP",
    "instance",
    "price/h",
]


def state_badge(state: Any) -> Raw:
    """A workstation state in its colour."""
    name = str(getattr(state, "value", state))
    return badge(name, STATE_COLOURS.get(name, MUTED))


def _price(value: float | None) -> str:
    return "price unknown" if value is None else f"{money(value)}/h"


def _ports(ports: Sequence[int], cidrs: Sequence[str]) -> Raw:
    """``22, 8888 open to 203.0.113.5/32`` or ``none open``."""
    if not ports or not cidrs:
        listed = ", ".join(map(str, ports))
        why = f" (ports {listed} closed: no address range given)" if ports else ""
        return join([colour("none open", MUTED), why])
    return join([", ".join(map(str, ports)), " open to ", ", ".join(cidrs)])


def instance_row(r: Any, selected: bool = False) -> list[Any]:
    """One workstation as a table row (the selected one marked)."""
    name = tag("b", f"\u25b6 {r.name}") if selected else r.name
    return [
        name,
        state_badge(r.state),
        r.template,
        r.region,
        r.instance_type,
        code(r.ami_used) if r.ami_used else "",
        code(r.public_ip) if r.public_ip else "",
        code(r.id) if r.id else "",
        money(r.hourly_price) if r.hourly_price is not None else "",
    ]


def instances_table(records: Sequence[Any], selected: str | None = None) -> Raw:
    """The workstation table (``selected``: the name to mark)."""
    rows = [instance_row(r, r.name == selected) for r in records]
    return table(COLUMNS, rows, cls="cws-instances")


def no_instances() -> Raw:
    """What an empty list says."""
    return tag(
        "div",
        join(
            [
                "No workstations yet: ",
                code("%cws launch TEMPLATE NAME"),
                " or the Launch panel (",
                code("%cws panel launch"),
                ") starts one.",
            ]
        ),
        f"color: {MUTED}",
    )


def instances_html(listing: Any) -> str:
    """The workstations (``list``)."""
    records = list(listing.instances)
    body = instances_table(records) if records else no_instances()
    return str(box(body, notes_block(listing.notes), title=f"{len(records)} workstation(s)"))


def _image_line(ami_id: str | None, method: str, source_region: str | None, copy: bool) -> Raw:
    """``ami-... (copied in from eu-central-1 first) via cross_region``."""
    image = code(ami_id) if ami_id else "a base image"
    source = f" (copied in from {source_region} first)" if copy and source_region else ""
    return join([image, source, " via ", method_badge(method)])


def plan_html(plan: Any) -> str:
    """What a launch will do (``launch --dry-run``): image, type, cost, network, AWS's verdicts."""
    head = "Dry run: " if plan.dry_run else "Plan: "
    title = join([head, plan.name, " from ", plan.template, " in ", plan.region])
    facts = pairs(
        [
            (
                "image",
                _image_line(
                    plan.ami_id, plan.resolution_method, plan.source_region, plan.copy_required
                ),
            ),
            ("strategy", plan.strategy),
            (
                "instance",
                f"{plan.instance_type} ({plan.architecture}) at {_price(plan.hourly_price)}",
            ),
            ("root volume", f"{plan.root_volume_gb} GB gp3, encrypted ({plan.root_device})"),
            ("metadata", "IMDSv2 only"),
            ("ready in", f"~{duration(plan.estimated_launch_time)}"),
            ("first boot", PROVISIONING.get(plan.provisioning, plan.provisioning)),
            ("saves per launch", money(plan.cost_savings)),
            ("ports", _ports(plan.open_ports, plan.cidrs)),
            ("key pair", plan.key_name),
        ]
    )
    parts: list[Any] = [facts]
    if plan.checks:
        checks = [colour(c, GOOD if c.endswith("would succeed") else WARN) for c in plan.checks]
        parts += [heading("AWS's verdict (DryRun)"), bullet_list(checks)]
    parts.append(warnings_block(plan.warnings))
    if plan.cost_comparison is not None:
        parts += [
            heading("A template AMI vs script provisioning"),
            costs_body(plan.cost_comparison),
        ]
    if plan.user_data:
        parts.append(details("first-boot script (user data)", pre(plan.user_data)))
    return str(box(*parts, title=title))


def launch_html(result: Any) -> str:
    """A launched workstation: where it runs, how its image was found, what it costs."""
    r = result.instance
    plan = result.plan
    title = join(
        [r.name, " is ", state_badge(r.state), " in ", r.region, " (", code(r.id or "?"), ")"]
    )
    took = r.launch_time_seconds
    facts = pairs(
        [
            ("template", r.template),
            ("instance", f"{r.instance_type} at {_price(r.hourly_price)}"),
            ("image", _image_line(r.ami_used, r.resolution_method, r.copied_from, True)),
            ("launched in", f"{took:.1f} s" if took is not None else None),
            ("saves per launch", money(r.cost_savings) if r.cost_savings else None),
            ("public IP", code(r.public_ip) if r.public_ip else "none"),
            ("private IP", code(r.private_ip) if r.private_ip else None),
            ("ports", _ports(r.open_ports, r.cidrs)),
            ("security group", code(r.security_group_id) if r.security_group_id else None),
            ("job", code(r.job_id) if r.job_id else None),
        ]
    )
    hint = tag(
        "div",
        join(
            [
                "Stop it when you are done: ",
                code(f"%cws stop {r.name}"),
                " (or the Instances panel, ",
                code("%cws panel instances"),
                ").",
            ]
        ),
        f"color: {MUTED}; margin-top: 4px",
    )
    parts: list[Any] = [
        facts,
        notes_block(result.notes),
        warnings_block(plan.warnings),
        hint,
        details("the launch plan", Raw(plan_html(plan))),
    ]
    return str(box(*parts, title=title))


def action_html(result: Any) -> str:
    """A workstation after stop, start or terminate."""
    r = result.instance
    title = join([r.name, " (", code(r.id or "?"), ") is ", state_badge(r.state)])
    facts = pairs(
        [
            ("asked", result.action),
            ("region", r.region),
            ("public IP", code(r.public_ip) if r.public_ip else None),
        ]
    )
    return str(box(facts, notes_block(result.notes), title=title))
