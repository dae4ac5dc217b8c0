"""Removing what a launch made, when it fails or is undone: the instance (terminated, waited
for) and then its security group (which EC2 frees only once the instance is gone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import aws_errors
from ..aws.waiting import wait_for
from ..errors import CwsError
from .network import delete_group


@dataclass
class Teardown:
    """What was removed and what was left (each said in words)."""

    done: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self, nothing: str) -> str:
        """One line: what is left behind and why, or what was done (``nothing``: none of it)."""
        if self.problems:
            done = f" (done: {', '.join(self.done)})" if self.done else ""
            return "cleanup left: " + "; ".join(self.problems) + done
        return ("; ".join(self.done) + ": nothing is left behind") if self.done else nothing


def tear_down(
    ec2: Any,
    region: str,
    made: dict[str, str],
    *,
    poll_seconds: float,
    timeout_seconds: float,
    what: str = "instance",
    fix: bool = False,
) -> Teardown:
    """Terminate ``made["instance"]`` and delete ``made["security_group"]`` (each if there);
    ``what`` names the instance in messages; ``fix`` adds the command to run when it stays."""
    result = Teardown()
    instance_id = made.get("instance")
    if instance_id:
        try:
            with aws_errors(region, f"terminating {what} {instance_id}"):
                ec2.terminate_instances(InstanceIds=[instance_id])
            wait_for(
                ec2,
                "instance_terminated",
                {"InstanceIds": [instance_id]},
                region=region,
                what=f"{what} {instance_id}",
                poll_seconds=poll_seconds,
                timeout_seconds=timeout_seconds,
            )
            result.done.append(f"{what} {instance_id} terminated")
        except CwsError as exc:
            hint = (
                f": terminate it with `aws ec2 terminate-instances --instance-ids {instance_id} "
                f"--region {region}`"
                if fix
                else ""
            )
            result.problems.append(
                f"{what} {instance_id} could not be terminated ({exc.message}){hint}"
            )
    group = made.get("security_group")
    if group:
        why = delete_group(ec2, region, group, poll_seconds)
        if why:
            result.problems.append(f"security group {group} was kept ({why})")
        else:
            result.done.append(f"security group {group} deleted")
    return result
