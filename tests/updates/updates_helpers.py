"""Helpers for the updater's tests (a module of its own: conftest files are not importable).

A ``Lab`` is what the updater exists for: a template whose base image a lab publishes itself,
in its own SSM parameter (or finds by a search of its own images), in one region of the
sandbox. The test makes base images as it goes (``new_base``), builds the template from a
workstation as a user would (``build``), and everything it made is removed at the end.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from cws_testing.cleanup import Cleanup as Cleanup  # shared by the sandbox test folders

from cws_jupyter.core.images.models import ImageBuild
from cws_jupyter.core.service import CwsService

#: The sandbox's own account, and Canonical's (whose seeded images the bases start from).
ACCOUNT = "123456789012"
CANONICAL = "099720109477"
LIVE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]


def unique(prefix: str) -> str:
    """A name (template slug, workstation) no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def template_text(
    slug: str, *, ssm: str | None = None, search: str | None = None, **extra: Any
) -> str:
    """A small apt template; its base comes from the SSM parameter ``ssm`` or a search of this
    account's images named ``search``; ``extra`` adds top-level or ami_config lines."""
    packages = extra.get("packages", ["git"])
    lines = [
        f'name: "Updater test {slug}"',
        f"slug: {slug}",
        'description: "A lab template whose base image the lab publishes itself"',
        "base: ubuntu-24.04",
        f"package_manager: {extra.get('package_manager', 'apt')}",
        "packages:",
        f"  system: [{', '.join(packages)}]",
        "instance_defaults:",
        "  type: t3.medium",
        "ami_config:",
        "  strategy: ami_preferred",
        "  fallback_strategy: script_provisioning",
    ]
    if ssm:
        lines.append(f"  ssm_parameter: {ssm}")
    if search:
        lines += ["  ami_search:", "    owner: self", f'    name_pattern: "{search}"']
    for region, ami in extra.get("mappings", {}).items():
        if "  ami_mappings:" not in lines:
            lines.append("  ami_mappings:")
        lines.append(f"    {region}: {ami}")
    return "\n".join(lines) + "\n"


class Lab:
    """A template of the test's own, its base images and its builds, in one region."""

    def __init__(
        self,
        svc: CwsService,
        folder: Path,
        region: str,
        cleanup: Cleanup,
        *,
        search: bool = False,
        search_matches_builds: bool = False,
        **extra: Any,
    ) -> None:
        self.svc = svc
        self.region = region
        self.cleanup = cleanup
        self.slug = unique("upd")
        self.parameter = f"/cws-updates-tests/{self.slug}/base"
        # a search for "cws-<slug>-*" matches the builds' own names (cws-<slug>-<date>-<time>)
        self.base_prefix = f"cws-{self.slug}-base" if search_matches_builds else f"{self.slug}-base"
        self.pattern = f"cws-{self.slug}-*" if search_matches_builds else f"{self.slug}-base-*"
        self.path = folder / f"{self.slug}.yml"
        self.searching = search or search_matches_builds
        self.bases: list[str] = []
        self.write(**extra)

    def write(self, **extra: Any) -> None:
        """(Re)write the template file (a changed package list changes its hash)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = template_text(
            self.slug,
            ssm=None if self.searching else self.parameter,
            search=self.pattern if self.searching else None,
            **extra,
        )
        self.path.write_text(text, encoding="utf-8")

    def ec2(self, region: str | None = None) -> Any:
        return self.svc.access.client("ec2", region or self.region)

    def new_base(self) -> str:
        """A new base image (x86_64, this account's), published in the lab's SSM parameter (or
        found by its search); every process's cached lookups are then refreshed, as they would
        be once the cache's lifetime has passed."""
        if self.bases:  # CreationDate has whole seconds: a newer base is made in a later one
            time.sleep(1.01 - time.time() % 1)
        ami_id = make_image(self.svc, self.region, f"{self.base_prefix}-{len(self.bases) + 1}")
        self.cleanup.image(self.region, ami_id)
        if not self.searching:
            self.svc.access.client("ssm", self.region).put_parameter(
                Name=self.parameter,
                Value=ami_id,
                Type="String",
                DataType="aws:ec2:image",
                Overwrite=True,
            )
        self.bases.append(ami_id)
        self.svc.images.ctx.changed()
        return ami_id

    def build(self) -> ImageBuild:
        """Launch a workstation of the template and build an image of it, as a user would."""
        name = self.cleanup.workstation(unique("upd-ws"))
        plan = self.svc.instances.plan(self.svc.get_template(self.slug), name, region=self.region)
        self.svc.instances.run(plan)
        build = self.svc.images.create(self.slug, name)
        self.cleanup.image(self.region, build.ami_id)
        return build


def make_image(svc: CwsService, region: str, name: str) -> str:
    """An image of this account, made from an instance of Canonical's seeded Ubuntu (so that it
    has an architecture, which the sandbox's RegisterImage leaves out)."""
    ec2 = svc.access.client("ec2", region)
    world = ec2.describe_images(
        Owners=[CANONICAL], Filters=[{"Name": "architecture", "Values": ["x86_64"]}]
    )["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=world, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    instance_id = instance["Instances"][0]["InstanceId"]
    try:
        return ec2.create_image(InstanceId=instance_id, Name=name)["ImageId"]  # type: ignore[no-any-return]
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    """An EC2 item's tags as a dict."""
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def raw_image(svc: CwsService, region: str, ami_id: str) -> dict[str, Any]:
    """One image as EC2 describes it (not through cws)."""
    return svc.access.client("ec2", region).describe_images(ImageIds=[ami_id])["Images"][0]


def account_state(svc: CwsService, regions: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """Per region: this account's images, snapshots, instances not terminated, and security
    groups but "default" (ids, sorted)."""
    state: dict[str, dict[str, list[str]]] = {}
    for region in regions:
        ec2 = svc.access.client("ec2", region)
        reservations = ec2.describe_instances(
            Filters=[{"Name": "instance-state-name", "Values": LIVE_STATES}]
        )["Reservations"]
        state[region] = {
            "images": sorted(i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]),
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


# -- answers injected into real requests to the sandbox (botocore ``before-send`` hooks) --------
class _Body:
    """The raw body of a canned HTTP response (what botocore reads from urllib3)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self._data


def ec2_answer(request: Any, xml: str, status: int = 200) -> Any:
    """An HTTP response to ``request`` carrying ``xml``, as if EC2 had sent it."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Body(xml.encode()))


def deprecation_done(request: Any) -> Any:
    """EC2's answer to EnableImageDeprecation (which the sandbox does not simulate)."""
    return ec2_answer(
        request,
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<EnableImageDeprecationResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>cws-updates-test</requestId><return>true</return>"
        "</EnableImageDeprecationResponse>",
    )


def console_output(request: Any, instance_id: str, text: str) -> Any:
    """EC2's answer to GetConsoleOutput, the console saying ``text``."""
    import base64

    encoded = base64.b64encode(text.encode()).decode()
    return ec2_answer(
        request,
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<GetConsoleOutputResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>cws-updates-test</requestId><instanceId>{escape(instance_id)}</instanceId>"
        f"<timestamp>2026-01-01T00:00:00.000Z</timestamp><output>{encoded}</output>"
        "</GetConsoleOutputResponse>",
    )


def failed_image(request: Any, ami_id: str, reason: str) -> Any:
    """A DescribeImages answer saying the image failed."""
    return ec2_answer(
        request,
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>cws-updates-test</requestId><imagesSet><item>"
        f"<imageId>{ami_id}</imageId><imageState>failed</imageState>"
        f"<imageOwnerId>{ACCOUNT}</imageOwnerId>"
        f"<stateReason><code>Client.InternalError</code><message>{escape(reason)}</message>"
        "</stateReason></item></imagesSet></DescribeImagesResponse>",
    )


def form(request: Any) -> dict[str, str]:
    """The parameters of an EC2 query-protocol request (its form body)."""
    body = request.body or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return {k: v[0] for k, v in parse_qs(str(body)).items()}


def on_send(
    svc: CwsService, region: str, operation: str, handler: Callable[[Any, dict[str, str]], Any]
) -> list[dict[str, str]]:
    """Run ``handler(request, params)`` before every ``operation`` sent to EC2 in ``region`` by
    ``svc`` (its answer, if not None, replaces AWS's); returns the requests seen."""
    seen: list[dict[str, str]] = []

    def hook(request: Any, **_: Any) -> Any:
        params = form(request)
        seen.append(params)
        return handler(request, params)

    svc.access.client("ec2", region).meta.events.register(f"before-send.ec2.{operation}", hook)
    return seen
