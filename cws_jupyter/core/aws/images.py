"""Cached EC2 image and SSM parameter lookups, normalised into ``AMIInfo``."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from ..cache import LookupCache
from ..errors import BadInput, CwsError
from .errors import aws_error
from .session import AwsAccess

MISSING_IDS_RE = re.compile(r"ami-[0-9a-f]+")
SSM_BATCH = 10  # GetParameters accepts at most 10 names
#: What converting a cached value of the wrong shape raises (pydantic's errors are ValueErrors).
DAMAGED = (TypeError, ValueError, KeyError, AttributeError, IndexError)
T = TypeVar("T")

log = logging.getLogger(__name__)


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
        self._warned: set[str] = set()
        self._warned_lock = threading.Lock()

    def _key(self, region: str, op: str, params: Any) -> str | None:
        """The cache key of a lookup; None when the generation cannot be read (the state folder
        is unusable): the lookup is then not cached, which costs speed only."""
        try:
            generation = self.generation()
        except CwsError as exc:
            self._warn_once(
                "generation",
                f"{exc.message.rstrip('.')}. Meanwhile AWS lookups are not cached (slower, "
                "nothing fails)",
            )
            return None
        return f"{self.namespace}|g{generation}|{region}|{op}|{json.dumps(params, sort_keys=True)}"

    def _warn_once(self, kind: str, message: str) -> None:
        """Log ``message`` once for this catalog and kind of trouble."""
        with self._warned_lock:
            if kind in self._warned:
                return
            self._warned.add(kind)
        log.warning("warning: %s", message)

    def _lookup(self, key: str | None, convert: Callable[[Any], T]) -> T | None:
        """The cached value of ``key`` converted, or None when absent. A value of the wrong
        shape (a damaged or foreign cache) is a miss, with one warning: it is asked again."""
        if key is None:
            return None
        value = self.cache.get(key)
        if value is None:
            return None
        try:
            return convert(value)
        except DAMAGED as exc:
            self._warn_once(
                "damaged",
                f"the lookup cache held an entry of the wrong shape ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:120]}); such entries are asked of AWS again",
            )
            return None

    def _store(self, key: str | None, value: Any) -> None:
        """Cache a fresh value (unless caching is off or the key is unknown)."""
        if key is not None and self.ttl > 0:
            self.cache.set(key, value, self.ttl)

    def _cached(
        self,
        region: str,
        op: str,
        params: Any,
        fetch: Callable[[], Any],
        convert: Callable[[Any], T],
    ) -> T:
        """``convert(fetch())``, served from the cache when it holds a sound value."""
        key = self._key(region, op, params)
        found = self._lookup(key, convert)
        if found is not None:
            return found
        value = fetch()
        self._store(key, value)
        return convert(value)

    # -- images -------------------------------------------------------------------
    def by_ids(self, region: str, ami_ids: list[str]) -> list[AMIInfo]:
        """The images among ``ami_ids`` that exist in ``region`` (missing ones are simply absent)."""
        ids = sorted(set(ami_ids))
        if not ids:
            return []
        return self._cached(
            region, "images-by-id", ids, lambda: self._describe_ids(region, ids), _images(region)
        )

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
        return self._cached(
            region, "images-search", params, lambda: self._search(region, params), _images(region)
        )

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
        convert = _images(region)
        cached = [self._lookup(k, convert) for k in keys]
        missing = [i for i, v in enumerate(cached) if v is None]
        if missing:
            fetch = [
                lambda: self._describe(region, own_params),
                lambda: self._describe(region, shared_params),
            ]
            fresh: dict[int, Any] = {}
            if len(missing) == 1:
                fresh[missing[0]] = fetch[missing[0]]()
            else:
                futures = [self.fan_out.submit(fetch[i]) for i in missing]
                for i, future in zip(missing, futures, strict=True):
                    fresh[i] = future.result()
            for i, value in fresh.items():
                self._store(keys[i], value)
                cached[i] = convert(value)
        found: dict[str, AMIInfo] = {}
        for info in (*(cached[0] or []), *(cached[1] or [])):
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
        return self._cached(
            region, "ssm", wanted, lambda: self._get_parameters(region, wanted), _strings
        )

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
        identity = self._lookup(key, _strings)
        if not identity:
            identity = self._whoami()
            if identity:  # a refusal is asked again next time
                self._store(key, identity)
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


def _images(region: str) -> Callable[[Any], list[AMIInfo]]:
    """Converts a ``DescribeImages`` list (fresh or cached) into AMIInfo; a value of another
    shape raises one of ``DAMAGED``."""

    def convert(raw: Any) -> list[AMIInfo]:
        if not isinstance(raw, list):
            raise TypeError(f"a list of images was expected, not {type(raw).__name__}")
        return [AMIInfo.from_ec2(image, region) for image in raw]

    return convert


def _strings(raw: Any) -> dict[str, str]:
    """A map of names to strings (SSM values, the caller's identity); another shape raises."""
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise TypeError("a map of names to strings was expected")
    return raw


def _wrap(exc: Exception, region: str) -> BaseException:
    """Map botocore failures onto the core's error family (see ``aws.errors``)."""
    return aws_error(exc, region)
