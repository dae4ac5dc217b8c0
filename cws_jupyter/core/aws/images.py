"""Cached EC2 image and SSM parameter lookups, normalised into ``AMIInfo``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, Field

from ..cache import LookupCache
from ..errors import BadInput
from .errors import aws_error
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
    root_device_name: str | None = None
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
            root_device_name=image.get("RootDeviceName"),
            state=image.get("State", "available"),
            public=image.get("Public"),
            tags={t["Key"]: t["Value"] for t in image.get("Tags", [])},
            product_codes=[p.get("ProductCodeId", "") for p in image.get("ProductCodes", [])],
            deprecation_time=image.get("DeprecationTime"),
        )


class ImageCatalog:
    """EC2/SSM reads for the resolver, each cached per (account view, region, query)."""

    def __init__(
        self,
        access: AwsAccess,
        cache: LookupCache,
        ttl: float,
        namespace: str,
        generation: Callable[[], int] = lambda: 0,
    ) -> None:
        """Lookups through ``access``, cached in ``cache`` for ``ttl`` seconds.

        ``generation()`` is a counter every process bumps when it changes images (build, copy,
        delete): it is part of each cache key, so no process answers from a lookup made before.
        """
        self.access = access
        self.cache = cache
        self.ttl = ttl
        self.namespace = namespace
        self.generation = generation
        self._fan_out: ThreadPoolExecutor | None = None

    def _key(self, region: str, op: str, params: Any) -> str:
        generation = self.generation()
        return f"{self.namespace}|g{generation}|{region}|{op}|{json.dumps(params, sort_keys=True)}"

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

    def own_builds(self, region: str) -> list[AMIInfo]:
        """Images built by cws-jupyter that this account may launch in ``region``: its own (found
        by their ``cws:template`` tag) and images shared with it (tags are private to the owner,
        so those are recognised by the marker in their description). Two lookups, made at once,
        cached per region for every template."""
        from ..images.tags import TEMPLATE, build_of

        own_params = {
            "owners": ["self"],
            "filters": {"tag-key": [TEMPLATE], "state": ["available"]},
        }
        shared_params = {"executable_users": ["self"], "filters": {"state": ["available"]}}
        keys = [
            self._key(region, "images-own", own_params),
            self._key(region, "images-shared", shared_params),
        ]
        cached = [self.cache.get(k) for k in keys]
        missing = [i for i, v in enumerate(cached) if v is None]
        if missing:
            fetch = [
                lambda: self._describe(region, own_params),
                lambda: self._describe(region, shared_params),
            ]
            if len(missing) == 1:
                cached[missing[0]] = fetch[missing[0]]()
            else:
                futures = [self.fan_out.submit(fetch[i]) for i in missing]
                for i, future in zip(missing, futures, strict=True):
                    cached[i] = future.result()
            if self.ttl > 0:
                for i in missing:
                    self.cache.set(keys[i], cached[i], self.ttl)
        found: dict[str, AMIInfo] = {}
        for raw in (*cached[0], *cached[1]):
            info = AMIInfo.from_ec2(raw, region)
            if build_of(info.tags, info.description) is not None:
                found.setdefault(info.ami_id, info)
        return list(found.values())

    @property
    def fan_out(self) -> ThreadPoolExecutor:
        """A few threads for lookups made side by side (never the resolver's region pool)."""
        if self._fan_out is None:
            self._fan_out = ThreadPoolExecutor(max_workers=8, thread_name_prefix="cws-lookup")
        return self._fan_out

    def _describe(self, region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``DescribeImages`` with owners or executable users, and filters (paginated)."""
        ec2 = self.access.client("ec2", region)
        request: dict[str, Any] = {
            "Filters": [{"Name": k, "Values": v} for k, v in params.get("filters", {}).items()]
        }
        if params.get("owners"):
            request["Owners"] = params["owners"]
        if params.get("executable_users"):
            request["ExecutableUsers"] = params["executable_users"]
        try:
            images: list[dict[str, Any]] = []
            for page in ec2.get_paginator("describe_images").paginate(**request):
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
        return self.caller_identity().get("Account") or None

    def caller_identity(self) -> dict[str, str]:
        """``Account`` and ``Arn`` of the credentials in use (cached); empty when STS refuses to
        tell. AWS that cannot be reached is an AwsUnavailable, never an unknown account."""
        key = self._key("global", "caller-identity", None)
        identity = self.cache.get(key)
        if not identity:
            identity = self._whoami()
            if identity and self.ttl > 0:  # a refusal is asked again next time
                self.cache.set(key, identity, self.ttl)
        return identity or {}

    def _whoami(self) -> dict[str, str]:
        from botocore.exceptions import ClientError

        region = self.access.session.region_name or "us-east-1"
        try:
            reply = self.access.client("sts", region).get_caller_identity()
        except ClientError:  # no STS permission is no reason to fail a resolution
            return {}
        except Exception as exc:
            raise _wrap(exc, region) from None
        return {"Account": reply.get("Account", ""), "Arn": reply.get("Arn", "")}

    def forget(self, ami_id: str) -> int:
        """Evict every cached lookup that mentions an image found to be gone."""
        return self.cache.evict_image(ami_id)


def _wrap(exc: Exception, region: str) -> BaseException:
    """Map botocore failures onto the core's error family (see ``aws.errors``)."""
    return aws_error(exc, region)
