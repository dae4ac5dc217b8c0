"""Helpers for the AMI lifecycle tests (a module of its own: conftest files are not importable).

Also imported by the helper scripts the tests run as separate processes (``crash_during.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from cws_jupyter.core.config import Settings
from cws_jupyter.core.instances.models import LaunchResult
from cws_jupyter.core.service import CwsService

#: The sandbox's own account (world.yaml) and a community account whose images it can see.
ACCOUNT = "123456789012"
COMMUNITY = "210987654321"
COMMUNITY_IMAGE = "ami-33cedc2a28a2ca1ec"  # cws-bioinformatics, us-east-1
LIVE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]


def make_settings(home: Path, **extra: Any) -> Settings:
    """Settings for the sandbox under ``home`` (the layout CWS_HOME=home gives the CLI)."""
    return Settings(
        region="us-east-1",
        sandbox=True,
        state_dir=home / "state",
        cache_dir=home / "cache",
        user_template_dir=home / "templates",
        **extra,
    )


def unique(prefix: str) -> str:
    """A workstation (or parameter) name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def launch(svc: CwsService, template: str, name: str, region: str, **options: Any) -> LaunchResult:
    """Plan and run a launch as the front doors do."""
    plan = svc.instances.plan(svc.get_template(template), name, region=region, **options)
    return svc.instances.run(plan)


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    """An EC2 item's tags as a dict."""
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def image(svc: CwsService, region: str, ami_id: str) -> dict[str, Any]:
    """One image as EC2 describes it (straight from EC2, not through cws)."""
    return svc.access.client("ec2", region).describe_images(ImageIds=[ami_id])["Images"][0]


def snapshot_ids(raw_image: dict[str, Any]) -> list[str]:
    """The snapshots behind an image (its block device mappings)."""
    return [
        m["Ebs"]["SnapshotId"]
        for m in raw_image.get("BlockDeviceMappings", [])
        if m.get("Ebs", {}).get("SnapshotId")
    ]


def snapshots(svc: CwsService, region: str, ids: list[str]) -> list[dict[str, Any]]:
    """Snapshots as EC2 describes them."""
    return svc.access.client("ec2", region).describe_snapshots(SnapshotIds=ids)["Snapshots"]


def own_image_ids(svc: CwsService, region: str) -> set[str]:
    """Every image this account owns in a region (available or not)."""
    images = svc.access.client("ec2", region).describe_images(Owners=["self"])["Images"]
    return {i["ImageId"] for i in images}


def account_state(svc: CwsService, regions: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """What the account holds per region: images (Owners=self), snapshots (OwnerIds=self),
    instances not terminated, security groups but "default" (ids, sorted: a leak and an
    unexpected deletion of the same count cannot cancel out)."""
    state: dict[str, dict[str, list[str]]] = {}
    for region in regions:
        ec2 = svc.access.client("ec2", region)
        reservations = ec2.describe_instances(
            Filters=[{"Name": "instance-state-name", "Values": LIVE_STATES}]
        )["Reservations"]
        state[region] = {
            "images": sorted(own_image_ids(svc, region)),
            "snapshots": sorted(
                s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
            ),
            "instances": sorted(i["InstanceId"] for r in reservations for i in r["Instances"]),
            "security_groups": sorted(
                g["GroupId"]
                for g in ec2.describe_security_groups()["SecurityGroups"]
                if g["GroupName"] != "default"
            ),
        }
    return state


def counts(state: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, int]]:
    """``account_state`` as counts (for readable assertion messages)."""
    return {region: {k: len(v) for k, v in kinds.items()} for region, kinds in state.items()}


# -- fault injection: botocore ``before-send`` handlers answering with AWS-shaped errors -------
class _Body:
    """The raw body of a canned HTTP response (what botocore reads from urllib3)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self._data


def ec2_response(request: Any, status: int, xml: str) -> Any:
    """An HTTP response to ``request`` carrying ``xml``, as if EC2 had sent it."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Body(xml.encode()))


def ec2_error(request: Any, code: str, message: str, status: int = 400) -> Any:
    """EC2's error document (query protocol), e.g. RequestLimitExceeded with status 503."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "</Error></Errors><RequestID>cws-lifecycle-test</RequestID></Response>"
    )
    return ec2_response(request, status, xml)


def failed_image(request: Any, ami_id: str, reason: str) -> Any:
    """A DescribeImages answer saying the image failed (what a copy that broke looks like)."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>cws-lifecycle-test</requestId><imagesSet><item>"
        f"<imageId>{ami_id}</imageId><imageState>failed</imageState>"
        f"<imageOwnerId>{ACCOUNT}</imageOwnerId>"
        f"<stateReason><code>Client.InternalError</code><message>{escape(reason)}</message>"
        "</stateReason></item></imagesSet></DescribeImagesResponse>"
    )
    return ec2_response(request, 200, xml)


def form(request: Any) -> dict[str, str]:
    """The parameters of an EC2 query-protocol request (its form body)."""
    body = request.body or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return {k: v[0] for k, v in parse_qs(str(body)).items()}


def on_send(
    svc: CwsService, region: str, operation: str, handler: Callable[..., Any]
) -> list[dict[str, str]]:
    """Run ``handler(request, params)`` before every ``operation`` sent to EC2 in ``region`` by
    ``svc`` (its answer, if not None, replaces AWS's); returns the list of requests seen."""
    seen: list[dict[str, str]] = []

    def hook(request: Any, **_: Any) -> Any:
        params = form(request)
        seen.append(params)
        return handler(request, params)

    svc.access.client("ec2", region).meta.events.register(f"before-send.ec2.{operation}", hook)
    return seen


def __getattr__(name: str) -> Any:
    """``Cleanup`` (shared with tests/updates) lives in ``cws_testing``, which the scripts run
    as processes (crash_during.py, cli_with_faults.py) do not have on their path."""
    if name == "Cleanup":
        from cws_testing.cleanup import Cleanup

        return Cleanup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
