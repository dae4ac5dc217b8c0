"""A workstation's network: its own security group, opening the template's ports only to the
address ranges the user names (the whole internet only when asked for in so many words)."""

from __future__ import annotations

import ipaddress
import time
import uuid
from typing import Any

from ..aws.errors import aws_code, aws_errors
from ..errors import BadInput, Conflict
from ..images.tags import as_aws

WORLD = ("0.0.0.0/0", "::/0")
DELETE_TRIES = 6


def check_cidrs(cidrs: list[str], allow_world: bool = False) -> list[str]:
    """Address ranges in canonical form; the whole internet is refused unless ``allow_world``."""
    checked = []
    for text in cidrs:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            raise BadInput(
                f"{text!r} is not an address range: use CIDR notation such as 203.0.113.7/32",
                field="cidr",
            ) from None
        if str(network) in WORLD and not allow_world:
            raise BadInput(
                f"{text} opens the workstation's ports to the whole internet; name your own "
                "address (e.g. 203.0.113.7/32), or add --allow-any-ip (REST: allow_any_ip) if "
                "you really mean it",
                field="cidr",
            )
        checked.append(str(network))
    return list(dict.fromkeys(checked))


def default_vpc(ec2: Any, region: str) -> str:
    """The region's default VPC (workstations launch into it)."""
    with aws_errors(region, "finding the default VPC"):
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        raise Conflict(
            f"there is no default VPC in {region}: create one with "
            f"`aws ec2 create-default-vpc --region {region}`, or launch in another region",
            field="region",
        )
    return vpcs[0]["VpcId"]  # type: ignore[no-any-return]


def create_group(
    ec2: Any,
    region: str,
    name: str,
    template: str,
    ports: list[int],
    cidrs: list[str],
    tags: dict[str, str],
) -> str:
    """A security group of the workstation's own, with its ports open to ``cidrs`` only."""
    vpc = default_vpc(ec2, region)
    group_name = f"cws-{name}-{uuid.uuid4().hex[:8]}"
    with aws_errors(region, f"creating security group {group_name}"):
        group_id = ec2.create_security_group(
            GroupName=group_name,
            Description=f"cws-jupyter workstation {name} ({template})",
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": as_aws(tags)}],
        )["GroupId"]
    rules = _ingress(ports, cidrs)
    if rules:
        try:
            with aws_errors(region, f"opening ports {ports} of {group_id}"):
                ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
        except BaseException:
            delete_group(ec2, region, group_id)
            raise
    return group_id  # type: ignore[no-any-return]


def _ingress(ports: list[int], cidrs: list[str]) -> list[dict[str, Any]]:
    v4 = [{"CidrIp": c, "Description": "cws-jupyter"} for c in cidrs if ":" not in c]
    v6 = [{"CidrIpv6": c, "Description": "cws-jupyter"} for c in cidrs if ":" in c]
    if not (v4 or v6):
        return []
    return [
        {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": v4, "Ipv6Ranges": v6}
        for p in ports
    ]


def delete_group(ec2: Any, region: str, group_id: str, pause: float = 0.5) -> str | None:
    """Delete a workstation's group (retried while AWS still sees it in use); None, or why not."""
    for attempt in range(DELETE_TRIES):
        try:
            ec2.delete_security_group(GroupId=group_id)
            return None
        except Exception as exc:
            code = aws_code(exc)
            if code == "InvalidGroup.NotFound":
                return None
            if code != "DependencyViolation" or attempt == DELETE_TRIES - 1:
                return f"{code or type(exc).__name__}: {exc}"
            time.sleep(pause * (attempt + 1))
    return "still in use"
