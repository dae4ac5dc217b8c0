"""Workstations: the state record of each (the spec's instance state), launch plans and results."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..resolver.models import CostComparison

#: States EC2 reports, plus ``launching`` (a name reserved while cws launches it).
LIVE_STATES = ("launching", "pending", "running", "stopping", "stopped", "shutting-down")


class InstanceRecord(BaseModel):
    """One workstation cws launched: the spec's state fields, and what cleanup needs."""

    name: str
    id: str | None = Field(None, description="EC2 instance id (None while launching)")
    template: str
    region: str
    state: str = Field(description="launching, pending, running, stopping, stopped, terminated")
    ami_used: str | None = None
    resolution_method: str
    provisioning: str = Field(description="none, ami_plus_script or script")
    instance_type: str
    hourly_price: float | None = None
    launch_time_seconds: float | None = Field(None, description="From the request to running")
    cost_savings: float = Field(
        0.0, description="Setup cost saved by launching from an AMI rather than by script (USD)"
    )
    copied_from: str | None = Field(None, description="Source region, when the AMI was copied in")
    security_group_id: str | None = None
    open_ports: list[int] = Field(default_factory=list)
    cidrs: list[str] = Field(default_factory=list)
    public_ip: str | None = None
    private_ip: str | None = None
    launched_at: str | None = None
    updated_at: str | None = None
    job_id: str | None = None
    key: str = Field("", description="This record's own id in the state store")


class InstanceList(BaseModel):
    """``cws list``: the workstations of this account view."""

    instances: list[InstanceRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class LaunchPlan(BaseModel):
    """What a launch will do (``--dry-run`` shows it, with AWS's DryRun verdicts)."""

    name: str
    template: str
    region: str
    strategy: str
    resolution_method: str
    ami_id: str | None = Field(description="The image launched (after a copy, the copy)")
    source_region: str | None = Field(None, description="Where the image is copied from")
    copy_required: bool = False
    provisioning: str
    instance_type: str
    architecture: str
    root_volume_gb: int
    root_device: str = "/dev/sda1"
    open_ports: list[int] = Field(default_factory=list)
    cidrs: list[str] = Field(default_factory=list)
    hourly_price: float | None = None
    estimated_launch_time: int = Field(description="Seconds to a ready workstation (estimate)")
    cost_comparison: CostComparison | None = None
    cost_savings: float = 0.0
    user_data: str | None = None
    key_name: str | None = None
    warnings: list[str] = Field(default_factory=list)
    community_id: str | None = Field(
        None, description="The community registry's record of the image (a launch counts a use)"
    )
    dry_run: bool = False
    checks: list[str] = Field(
        default_factory=list, description="AWS's DryRun verdict on each call (dry runs only)"
    )

    def params(self) -> dict[str, Any]:
        """The plan as a job's parameters."""
        return {
            "name": self.name,
            "template": self.template,
            "region": self.region,
            "instance_type": self.instance_type,
            "ami_id": self.ami_id,
        }


class LaunchResult(BaseModel):
    """A launched workstation: its record, how its image was found, and any copy made for it."""

    instance: InstanceRecord
    plan: LaunchPlan
    copied_ami: str | None = None
    notes: list[str] = Field(default_factory=list)


class InstanceAction(BaseModel):
    """``cws stop|start|terminate``: the workstation after the action."""

    action: str
    instance: InstanceRecord
    notes: list[str] = Field(default_factory=list)
