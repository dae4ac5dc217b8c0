"""Seed moto's backends directly with the world; runs only inside the sandbox server process.

This is the one module that leans on moto internals (written against moto 5.2.x). Going
through moto's public API is not enough: ``put_parameter`` refuses names under ``/aws/``,
``register_image`` ignores ``Architecture``, and registered images belong to the mock account.
The internals used here: ``ec2_backends``, ``Ami`` and its ``amis`` dict, ``ssm_backends``,
``ParameterDict`` and ``Parameter``, ``AmiBackend.describe_images`` and ``moto_api_backend.reset``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from moto.ec2.exceptions import InvalidAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami, AmiBackend
from moto.moto_api._internal import moto_api_backend
from moto.ssm.models import Parameter, ParameterDict, ssm_backends

from .world import World, WorldImage

#: moto's built-in SSM trees that name moto's own default AMIs (absent from the sandbox).
_DEFAULT_AMI_TREES = ("optimized_amis",)


class WorldAmi(Ami):
    """A world image: like moto's Ami, plus real root volume size and product-code structures."""

    class Meta:
        """Tell moto's serializer where ``ProductCodes`` come from (moto keeps bare codes)."""

        serialization_aliases = {"ProductCodes": "product_code_structures"}

    def __init__(self, ec2_backend: Any, image: WorldImage) -> None:
        """Build the moto image for ``image`` in the region ``ec2_backend`` serves."""
        self.root_volume_gb = image.root_volume_gb
        zones = ec2_backend.describe_availability_zones()
        super().__init__(
            ec2_backend,
            image.image_id,
            name=image.name,
            description=image.description,
            owner_id=image.owner_id,
            owner_alias=image.owner_alias,
            public=image.public,
            virtualization_type="hvm",
            architecture=image.architecture,
            state="available",
            creation_date=image.creation_date,
            platform=None,
            image_location=f"{image.owner_alias or image.owner_id}/{image.name}",
            hypervisor="xen",
            root_device_type="ebs",
            root_device_name="/dev/sda1",
            region_name=zones[0].name if zones else f"{image.region}a",
            product_codes=set(image.product_codes),
            boot_mode="uefi" if image.architecture == "arm64" else "uefi-preferred",
            tags=dict(image.tags) or None,
        )
        # The root snapshot moto made reports the world's volume size too.
        self.ebs_snapshot.volume.size = image.root_volume_gb
        self.ena_support = True
        self.platform_details = "Linux/UNIX"
        self.usage_operation = "RunInstances"

    @property
    def block_device_mappings(self) -> list[dict[str, Any]]:
        """The root EBS mapping with the world's volume size (moto hard-codes 15 GiB)."""
        return [
            {
                "DeviceName": self.root_device_name,
                "Ebs": {
                    "SnapshotId": self.ebs_snapshot.id,
                    "VolumeSize": self.root_volume_gb,
                    "DeleteOnTermination": True,
                    "VolumeType": "gp3",
                    "Encrypted": False,
                },
            }
        ]

    @property
    def product_code_structures(self) -> list[dict[str, str]]:
        """ProductCodes as DescribeImages returns them on AWS."""
        return [
            {"ProductCodeId": code, "ProductCodeType": "marketplace"}
            for code in sorted(self.product_codes)
        ]


def _no_default_amis(self: ParameterDict) -> None:
    """Replacement for moto's loader of ``/aws/service/ami-amazon-linux-latest`` defaults."""


def _skip_default_ami_trees(
    original: Callable[[ParameterDict, str], None],
) -> Callable[[ParameterDict, str], None]:
    """Wrap moto's tree loader so default trees naming moto's AMIs (ECS optimized) stay empty."""

    def load(self: ParameterDict, path: str) -> None:
        """Load moto's default tree unless it names AMIs the sandbox does not have."""
        if any(tree in path for tree in _DEFAULT_AMI_TREES):
            return
        original(self, path)

    load.cws_sandbox_patched = True  # type: ignore[attr-defined]
    return load


def disable_moto_defaults() -> None:
    """Keep moto's default AMIs, and SSM parameters pointing at them, out of the sandbox."""
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    ParameterDict._load_latest_amis = _no_default_amis  # type: ignore[method-assign]
    loader = ParameterDict._load_tree_parameters
    if not getattr(loader, "cws_sandbox_patched", False):
        ParameterDict._load_tree_parameters = _skip_default_ami_trees(loader)  # type: ignore[method-assign,assignment]


def describe_images_like_aws() -> None:
    """Make DescribeImages with ImageIds behave as on AWS (moto 5.2 differs on two points).

    moto ignores Owners and Filters when ImageIds is given, and answers with the known ids
    when only some are unknown. AWS applies Owners/Filters to the listed images, and fails with
    InvalidAMIID.NotFound if any listed id does not exist.
    """
    original = AmiBackend.describe_images
    if getattr(original, "cws_sandbox_patched", False):
        return

    def describe_images(
        self: AmiBackend,
        ami_ids: list[str] | None = None,
        filters: dict[str, Any] | None = None,
        exec_users: list[str] | None = None,
        owners: list[str] | None = None,
    ) -> list[Ami]:
        """moto's DescribeImages, with ImageIds combined with Owners/Filters as on AWS."""
        if not ami_ids:
            return original(self, None, filters, exec_users, owners)
        found = original(self, ami_ids=ami_ids)
        known = {ami.id for ami in found} | set(self.deleted_amis)
        missing = [ami_id for ami_id in ami_ids if ami_id not in known]
        if missing:
            raise InvalidAMIIdError(missing)
        if filters or exec_users or owners:
            kept = {ami.id for ami in original(self, None, filters, exec_users, owners)}
            found = [ami for ami in found if ami.id in kept]
        return found

    describe_images.cws_sandbox_patched = True  # type: ignore[attr-defined]
    AmiBackend.describe_images = describe_images  # type: ignore[method-assign]


def put_public_parameter(account_id: str, region: str, image: WorldImage) -> None:
    """Create the image's SSM public parameter (a name under /aws/) with the image id as value."""
    assert image.ssm_parameter
    parameters = ssm_backends[account_id][region]._parameters
    versions = parameters[image.ssm_parameter]
    versions.clear()
    versions.append(
        Parameter(  # type: ignore[abstract]
            account_id=account_id,
            name=image.ssm_parameter,
            value=image.image_id,
            parameter_type="String",
            description=None,
            allowed_pattern=None,
            keyid=None,
            last_modified_date=image.creation_date,
            version=1,
            data_type="text",
        )
    )


def seed_world(world: World) -> int:
    """Create every world image (and its SSM parameter) in moto; returns the image count."""
    disable_moto_defaults()
    describe_images_like_aws()
    images = world.images()
    for image in images:
        backend = ec2_backends[world.account_id][image.region]
        backend.amis[image.image_id] = WorldAmi(backend, image)
        if image.ssm_parameter:
            put_public_parameter(world.account_id, image.region, image)
    return len(images)


def reset_and_seed(world: World) -> int:
    """Wipe all of moto's state (instances, user images, ...) and seed the world again."""
    moto_api_backend.reset()
    return seed_world(world)
