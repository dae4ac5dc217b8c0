"""Helpers of the community tests: a fresh service, an image of the sandbox account that no
other test has published."""

from __future__ import annotations

import uuid

from cws_jupyter.core.sandbox.world import load_world
from cws_jupyter.core.service import CwsService


def fresh(service: CwsService, **changes: object) -> CwsService:
    """A new service on the same sandbox (nothing cached in memory), settings changed."""
    return CwsService(service.settings.model_copy(update=changes))


def own_image(service: CwsService, region: str = "us-east-1") -> str:
    """A new image of the sandbox account in ``region`` (a copy of its teaching-lab build), so
    that each test publishes an image no other test has published."""
    source = next(
        image
        for image in load_world().family("cws-teaching-lab").expand("123456789012")
        if image.region == "us-east-1"
    )
    ec2 = service.access.client("ec2", region)
    copy = ec2.copy_image(
        SourceImageId=source.image_id,
        SourceRegion="us-east-1",
        Name=f"cws-teaching-lab-test-{uuid.uuid4().hex[:8]}",
    )
    image_id: str = copy["ImageId"]
    ec2.create_tags(Resources=[image_id], Tags=[{"Key": "Template", "Value": "teaching-lab"}])
    return image_id
