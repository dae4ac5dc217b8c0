"""Cached EC2 image and SSM parameter lookups, normalised into ``AMIInfo``."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field

from ..cache import LookupCache
from ..errors import AwsUnavailable, BadInput
from .session import AwsAccess

MISSING_IDS_RE = re.compile(r"ami-[0-9a-f]+")
SSM_BATCH = 10  # GetParameters accepts at most 10 names


class AMIInfo(BaseModel):
    """What the resolver knows about one image in one region."""

    ami_id: str
    name: str = ""
    description: str = ""
    owner_id: str = ""
    owner_alias: str | None = None
    architecture: str = "x86_64"
    creation_date: str = ""
    region: str
    root_volume_gb: int | None = None
    state: str = "available"
    public: bool | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    product_codes: list[str] = Field(default_factory=list)
    deprecation_time: str | None = None

    @classmethod
    def from_ec2(cls, image: dict[str, Any], region: str) -> AMIInfo:
        """Normalise one ``DescribeImages`` item."""
        sizes = [
            m["Ebs"]["VolumeSize"]
            for m in image.get("BlockDeviceMappings", [])
            if m.get("DeviceName") == image.get("RootDeviceName")
            and "VolumeSize" in m.get("Ebs", {})
        ] or [
            m["Ebs"]["VolumeSize"]
            for m in image.get("BlockDeviceMappings", [])
            if "VolumeSize" in m.get("Ebs", {})
        ]
        return cls(
            ami_id=image["ImageId"],
            name=image.get("Name", ""),
            description=image.get("Description") or "",
            owner_id=image.get("OwnerId", ""),
            owner_alias=image.get("ImageOwnerAlias"),
            architecture=image.get("Architecture", "x86_64"),
            creation_date=image.get("CreationDate", ""),
            region=region,
            root_volume_gb=sizes[0] if sizes else None,
            state=image.get("State", "available"),
            public=image.get("Public"),
            tags={t["Key"]: t["Value"] for t in image.get("Tags", [])},
            product_codes=[p.get("ProductCodeId", "") for p in image.get("ProductCodes", [])],
            deprecation_time=image.get("DeprecationTime"),
        )


class ImageCatalog:
    """EC2/SSM reads for the resolver, each cached per (account view, region, query)."""

    def __init__(self, access: AwsAccess, cache: LookupCache, ttl: float, namespace: str) -> None:
        self.access = access
        self.cache = cache
        self.ttl = ttl
        self.namespace = namespace

    def _key(self, region: str, op: str, params: Any) -> str:
        return f"{self.namespace}|{region}|{op}|{json.dumps(params, sort_keys=True)}"

    def _cached(self, region: str, op: str, params: Any, fetch: Any) -> Any:
        key = self._key(region, op, params)
        value = self.cache.get(key)
        if value is None:
            value = fetch()
            if self.ttl > 0:
                self.cache.set(key, value, self.ttl)
        return value

    # -- images -------------------------------------------------------------------
    def by_ids(self, region: str, ami_ids: list[str]) -> list[AMIInfo]:
        """The images among ``ami_ids`` that exist in ``region`` (missing ones are simply absent)."""
        ids = sorted(set(ami_ids))
        if not ids:
            return []
        raw = self._cached(region, "images-by-id", ids, lambda: self._describe_ids(region, ids))
        return [AMIInfo.from_ec2(i, region) for i in raw]

    def _describe_ids(self, region: str, ids: list[str]) -> list[dict[str, Any]]:
        from botocore.exceptions import ClientError

        ec2 = self.access.client("ec2", region)
        remaining = list(ids)
        while remaining:
            try:
                return ec2.describe_images(ImageIds=remaining, IncludeDeprecated=True)["Images"]
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code not in ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"):
                    raise _wrap(exc, region) from None
                gone = set(MISSING_IDS_RE.findall(exc.response["Error"].get("Message", "")))
                kept = [i for i in remaining if i not in gone]
                if len(kept) == len(remaining):  # cannot tell which one: ask one by one
                    return (
                        [img for i in remaining for img in self._describe_ids(region, [i])]
                        if len(remaining) > 1
                        else []
                    )
                remaining = kept
            except Exception as exc:
                raise _wrap(exc, region) from None
        return []

    def search(
        self, region: str, owners: list[str], filters: dict[str, list[str]]
    ) -> list[AMIInfo]:
        """``DescribeImages`` by owners and filters (paginated); never called without owners."""
        if not owners:
            raise BadInput(
                "refusing to search images without an owner (AMI squatting risk)", field="owner"
            )
        params = {"owners": sorted(owners), "filters": {k: sorted(v) for k, v in filters.items()}}
        raw = self._cached(region, "images-search", params, lambda: self._search(region, params))
        return [AMIInfo.from_ec2(i, region) for i in raw]

    def _search(self, region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        ec2 = self.access.client("ec2", region)
        filters = [{"Name": k, "Values": v} for k, v in params["filters"].items()]
        try:
            paginator = ec2.get_paginator("describe_images")
            images: list[dict[str, Any]] = []
            for page in paginator.paginate(Owners=params["owners"], Filters=filters):
                images += page.get("Images", [])
            return images
        except Exception as exc:
            raise _wrap(exc, region) from None

    # -- SSM ----------------------------------------------------------------------
    def ssm_values(self, region: str, names: list[str]) -> dict[str, str]:
        """Values of SSM parameters that exist in ``region`` (absent names are left out)."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        return self._cached(region, "ssm", wanted, lambda: self._get_parameters(region, wanted))

    def _get_parameters(self, region: str, names: list[str]) -> dict[str, str]:
        ssm = self.access.client("ssm", region)
        values: dict[str, str] = {}
        try:
            for start in range(0, len(names), SSM_BATCH):
                reply = ssm.get_parameters(Names=names[start : start + SSM_BATCH])
                values.update({p["Name"]: p["Value"] for p in reply.get("Parameters", [])})
        except Exception as exc:
            raise _wrap(exc, region) from None
        return values

    def caller_account(self) -> str | None:
        """The account id of the credentials in use (one STS call, then cached); None if unknown."""
        return self._cached("global", "caller-account", None, self._whoami)

    def _whoami(self) -> str | None:
        try:
            return self.access.client(
                "sts", self.access.session.region_name or "us-east-1"
            ).get_caller_identity()["Account"]
        except Exception:  # no STS access is no reason to fail a resolution
            return None

    def forget(self, ami_id: str) -> int:
        """Evict every cached lookup that mentions an image found to be gone."""
        return self.cache.evict_image(ami_id)


def _wrap(exc: Exception, region: str) -> Exception:
    """Map botocore failures onto the core's error family, with a hint."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    if isinstance(exc, ClientError):
        code = exc.response["Error"]["Code"]
        message = exc.response["Error"].get("Message", "")
        if code in (
            "AuthFailure",
            "UnauthorizedOperation",
            "AccessDenied",
            "AccessDeniedException",
        ):
            return AwsUnavailable(f"AWS refused the request in {region} ({code}): {message}")
        if code in ("OptInRequired", "InvalidClientTokenId"):
            return AwsUnavailable(
                f"region {region} is not enabled for this account ({code}): {message}"
            )
        return AwsUnavailable(f"AWS error in {region} ({code}): {message}")
    if isinstance(exc, NoCredentialsError):
        from .session import NO_CREDENTIALS_HELP

        return AwsUnavailable(NO_CREDENTIALS_HELP)
    if isinstance(exc, EndpointConnectionError):
        return AwsUnavailable(f"cannot reach AWS in {region}: {exc}")
    return exc
