"""Launching workstations against the sandbox: hardened (IMDSv2 only, encrypted root), ports open
to the given ranges only, tagged; dry runs make nothing; names are unique; stop, start,
terminate by name; a workstation terminated behind cws's back is seen as terminated."""

from __future__ import annotations

import pytest
from lifecycle_helpers import Cleanup, account_state, counts, launch, tags_of, unique

from cws_jupyter.core.errors import BadInput, Conflict
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
REGION = "eu-west-1"
MY_ADDRESS, MY_LAB = "203.0.113.7/32", "198.51.100.0/24"


def instance(service: CwsService, instance_id: str) -> dict:
    ec2 = service.access.client("ec2", REGION)
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_a_workstation_is_hardened_tagged_and_open_only_to_the_ranges_given(
    service: CwsService, cleanup: Cleanup
) -> None:
    name = cleanup.workstation(unique("lc-launch"))
    result = launch(service, "python-ml", name, REGION, cidrs=[MY_ADDRESS, "198.51.100.9/24"])
    record = result.instance
    assert record.state == "running" and record.region == REGION and record.id
    assert record.cidrs == [MY_ADDRESS, MY_LAB]  # in canonical form
    assert record.open_ports == [22, 8888]

    raw = instance(service, record.id)
    assert raw["State"]["Name"] == "running" and raw["ImageId"] == record.ami_used
    metadata = raw["MetadataOptions"]
    assert metadata["HttpTokens"] == "required" and metadata["HttpEndpoint"] == "enabled"
    tags = tags_of(raw)
    assert tags["cws:template"] == "python-ml" and tags["cws:name"] == name
    assert tags["Name"] == name

    ec2 = service.access.client("ec2", REGION)
    volume_ids = [m["Ebs"]["VolumeId"] for m in raw["BlockDeviceMappings"]]
    root = next(m for m in raw["BlockDeviceMappings"] if m["DeviceName"] == raw["RootDeviceName"])
    volumes = ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"]
    assert all(v["Encrypted"] for v in volumes)
    root_volume = next(v for v in volumes if v["VolumeId"] == root["Ebs"]["VolumeId"])
    assert root_volume["Size"] == result.plan.root_volume_gb == 100  # the template's size

    assert [g["GroupId"] for g in raw["SecurityGroups"]] == [record.security_group_id]
    group = ec2.describe_security_groups(GroupIds=[record.security_group_id])["SecurityGroups"][0]
    assert tags_of(group)["cws:name"] == name
    rules = group["IpPermissions"]
    assert sorted(r["FromPort"] for r in rules) == [22, 8888]
    for rule in rules:
        assert rule["IpProtocol"] == "tcp" and rule["FromPort"] == rule["ToPort"]
        assert sorted(r["CidrIp"] for r in rule["IpRanges"]) == sorted([MY_ADDRESS, MY_LAB])
        assert rule.get("Ipv6Ranges", []) == [] and rule.get("UserIdGroupPairs", []) == []


def test_no_cidr_opens_no_port(service: CwsService, cleanup: Cleanup) -> None:
    """Without --cidr the group has no inbound rule, and the plan says how to get in."""
    name = cleanup.workstation(unique("lc-closed"))
    result = launch(service, "ubuntu-24-server", name, REGION)
    assert result.instance.open_ports == [] and result.instance.cidrs == []
    assert any("no port is opened" in w for w in result.plan.warnings)
    ec2 = service.access.client("ec2", REGION)
    group = ec2.describe_security_groups(GroupIds=[result.instance.security_group_id])
    assert group["SecurityGroups"][0]["IpPermissions"] == []


@pytest.mark.parametrize("world", ["0.0.0.0/0", "::/0", "0.0.0.0/0 "])
def test_the_whole_internet_is_refused_unless_allowed(service: CwsService, world: str) -> None:
    template = service.get_template("python-ml")
    with pytest.raises(BadInput) as caught:
        service.instances.plan(template, unique("lc-world"), region=REGION, cidrs=[world])
    assert caught.value.field == "cidr" and "--allow-any-ip" in caught.value.message
    plan = service.instances.plan(
        template, unique("lc-world"), region=REGION, cidrs=[world], allow_any_ip=True
    )
    assert plan.cidrs == [world.strip()] and plan.open_ports == [22, 8888]


def test_a_bad_cidr_is_named(service: CwsService) -> None:
    with pytest.raises(BadInput) as caught:
        service.instances.plan(
            service.get_template("python-ml"), unique("lc-cidr"), region=REGION, cidrs=["1.2.3"]
        )
    assert caught.value.field == "cidr" and "'1.2.3'" in caught.value.message


def test_dry_run_reports_aws_verdicts_and_creates_nothing(service: CwsService) -> None:
    before = account_state(service, [REGION, "eu-central-1"])
    name = unique("lc-dry")
    plan = service.instances.plan(
        service.get_template("python-ml"), name, region=REGION, cidrs=[MY_ADDRESS]
    )
    checked = service.instances.dry_run(plan)
    assert checked.dry_run and checked.ami_id == plan.ami_id
    assert checked.checks == ["CreateSecurityGroup: would succeed", "RunInstances: would succeed"]

    # an image that would have to be copied in first: CopyImage is asked too
    copying = service.instances.plan(service.get_template("teaching-lab"), name, region=REGION)
    assert copying.copy_required and copying.source_region == "eu-central-1"
    checks = service.instances.dry_run(copying).checks
    assert checks[:2] == ["CopyImage: would succeed", "CreateSecurityGroup: would succeed"]
    assert checks[2].startswith("RunInstances: checked once the copy exists")

    assert counts(account_state(service, [REGION, "eu-central-1"])) == counts(before)
    assert account_state(service, [REGION, "eu-central-1"]) == before
    assert name not in {r.name for r in service.instances.list(include_terminated=True).instances}


def test_a_name_in_use_is_a_conflict_not_a_second_instance(
    service: CwsService, cleanup: Cleanup
) -> None:
    """Checked when planning, and again (atomically, in the shared store) when launching: two
    launches planned at once under one name make one workstation."""
    name = cleanup.workstation(unique("lc-dup"))
    template = service.get_template("ubuntu-24-server")
    first = service.instances.plan(template, name, region=REGION)
    second = service.instances.plan(template, name, region=REGION)  # planned before either ran
    before = account_state(service, [REGION])[REGION]
    made = service.instances.run(first).instance

    with pytest.raises(Conflict) as caught:
        service.instances.plan(template, name, region=REGION)
    assert caught.value.field == "name" and repr(name) in caught.value.message
    with pytest.raises(Conflict) as caught:
        service.instances.run(second)
    assert caught.value.field == "name" and repr(name) in caught.value.message

    after = account_state(service, [REGION])[REGION]
    assert set(after["instances"]) - set(before["instances"]) == {made.id}
    assert set(after["security_groups"]) - set(before["security_groups"]) == {
        made.security_group_id
    }
    live = [r for r in service.instances.list().instances if r.name == name]
    assert [r.id for r in live] == [made.id]


def test_stop_start_terminate_by_name(service: CwsService, cleanup: Cleanup) -> None:
    name = cleanup.workstation(unique("lc-act"))
    made = launch(service, "ubuntu-24-server", name, REGION, cidrs=[MY_ADDRESS]).instance
    ec2 = service.access.client("ec2", REGION)

    stopped = service.instances.act(name, "stop")
    assert stopped.instance.state == "stopped" and stopped.instance.public_ip is None
    assert instance(service, made.id)["State"]["Name"] == "stopped"
    again = service.instances.act(name, "stop")
    assert again.notes == [f"{name} is already stopped"]

    started = service.instances.act(name, "start")
    assert started.instance.state == "running" and started.instance.private_ip
    assert instance(service, made.id)["State"]["Name"] == "running"

    with pytest.raises(BadInput) as caught:
        service.instances.act(name, "terminate")
    assert caught.value.field == "yes" and "--yes" in caught.value.message
    assert instance(service, made.id)["State"]["Name"] == "running"

    ended = service.instances.act(name, "terminate", yes=True)
    assert ended.instance.state == "terminated"
    assert ended.notes == [f"security group {made.security_group_id} deleted"]
    assert instance(service, made.id)["State"]["Name"] == "terminated"
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-id", "Values": [made.security_group_id]}]
    )["SecurityGroups"]
    assert groups == []

    listed = service.instances.list()
    assert name not in {r.name for r in listed.instances}
    everything = {r.name: r for r in service.instances.list(include_terminated=True).instances}
    assert everything[name].state == "terminated"
    with pytest.raises(BadInput) as caught:
        service.instances.act(name, "reboot")
    assert caught.value.field == "action"


def test_a_workstation_terminated_behind_cws_back_shows_as_terminated(
    service: CwsService, fresh, cleanup: Cleanup
) -> None:
    """Terminated with boto3 directly: the next list() (in any process) sees it terminated, and
    its name can be used again."""
    name = cleanup.workstation(unique("lc-gone"))
    made = launch(service, "ubuntu-24-server", name, REGION).instance
    ec2 = service.access.client("ec2", REGION)
    ec2.terminate_instances(InstanceIds=[made.id])

    other = fresh()
    assert name not in {r.name for r in other.instances.list().instances}
    record = next(
        r for r in other.instances.list(include_terminated=True).instances if r.name == name
    )
    assert record.state == "terminated" and record.id == made.id
    assert name not in {r.name for r in service.instances.list().instances}

    reused = launch(service, "ubuntu-24-server", name, REGION).instance
    assert reused.id != made.id and reused.state == "running"
