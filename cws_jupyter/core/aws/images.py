"""Cached EC2 image and SSM parameter lookups, normalised into ``AMIInfo``."""

from __future__ import annotations

import bisect
import contextvars
import datetime as dt
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, overload

from pydantic import BaseModel, Field

from ..cache import LookupCache
from ..errors import BadInput, CwsError
from .errors import aws_error
from .session import AwsAccess

MISSING_IDS_RE = re.compile(r"ami-[0-9a-f]+")
SSM_BATCH = 10  # GetParameters accepts at most 10 names
#: Lookups in flight at once: two per region for a check of every region (34 today), with room.
FAN_OUT_WORKERS = 96
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
    #: Every EBS snapshot of the image is encrypted (None: the answer did not say).
    encrypted: bool | None = None
    #: ``v2.0`` when instances launched from it require IMDSv2 (None: not set).
    imds_support: str | None = None
    #: ``uefi``, ``legacy-bios`` or ``uefi-preferred`` (None: not set).
    boot_mode: str | None = None

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
            encrypted=_all_encrypted(image.get("BlockDeviceMappings", [])),
            imds_support=image.get("ImdsSupport"),
            boot_mode=image.get("BootMode"),
        )


#: The cached form of an image list: one row per image, best-ranked first (newest CreationDate,
#: then lowest id), holding what ranking needs as fields and the rest as one JSON text that is
#: read only for the images actually used. Row fields, in order:
ROW_FIELDS = (
    "pos",  # the image's place in the DescribeImages answer
    "ami_id",
    "name",
    "architecture",
    "creation_date",
    "created_ts",  # creation_date as a POSIX time (None when it does not parse)
    "state",
    "deprecation_time",
    "deprecated_ts",  # deprecation_time as a POSIX time (None when none or unparseable)
    "detail",  # the other AMIInfo fields, as JSON text
)
RANKED_FORMAT = "ranked-images-v1"
#: The cached form since v2: the head of the ranked rows under the lookup's key (what a selection
#: almost always needs: it stops at the first usable image of the preferred architecture), and
#: the other rows under the key plus ``TAIL_SUFFIX``, read only when the head does not decide.
HEAD_FORMAT = "ranked-images-v2"
TAIL_FORMAT = "ranked-images-v2-tail"
TAIL_SUFFIX = "|tail"
#: The head is the shortest prefix of the ranked rows holding ``HEAD_PER_ARCH`` rows of each
#: architecture (or all of it), at least ``HEAD_MIN`` and at most ``HEAD_MAX`` rows.
HEAD_PER_ARCH = 16
HEAD_MIN = 32
HEAD_MAX = 256
DETAIL_FIELDS = (
    "description",
    "owner_id",
    "owner_alias",
    "root_volume_gb",
    "root_device_name",
    "public",
    "tags",
    "product_codes",
    "encrypted",
    "imds_support",
    "boot_mode",
)
#: Part of every lookup key: bumped when what a cached lookup holds grows (v2: encryption, IMDS
#: support and boot mode), so entries cached by an earlier version are simply not found.
LOOKUP_VERSION = "v2"


def _all_encrypted(mappings: list[dict[str, Any]]) -> bool | None:
    """True when every EBS volume of the image is encrypted, False when one is not, None when
    the image has no EBS volume (or the answer did not say)."""
    flags = [m["Ebs"].get("Encrypted") for m in mappings if isinstance(m.get("Ebs"), dict)]
    if not flags or any(f is None for f in flags):
        return None
    return all(bool(f) for f in flags)


def parse_time(text: str | None) -> dt.datetime | None:
    """EC2 timestamps (``2025-11-12T08:14:09.000Z``) as aware datetimes."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _timestamp(text: str | None) -> float | None:
    parsed = parse_time(text)
    return parsed.timestamp() if parsed else None


def rank_key(created_ts: float | None, ami_id: str) -> tuple[float, str]:
    """The selection order among images of one architecture: newest first, then lowest id."""
    return (-created_ts if created_ts is not None else 0.0, ami_id)


def ranked_rows(images: list[AMIInfo]) -> list[list[Any]]:
    """The cached rows of ``images`` (see ``ROW_FIELDS``), best-ranked first."""
    rows = []
    for pos, info in enumerate(images):
        detail = json.dumps(
            {f: getattr(info, f) for f in DETAIL_FIELDS}, separators=(",", ":"), allow_nan=False
        )
        rows.append(
            [
                pos,
                info.ami_id,
                info.name,
                info.architecture,
                info.creation_date,
                _timestamp(info.creation_date),
                info.state,
                info.deprecation_time,
                _timestamp(info.deprecation_time),
                detail,
            ]
        )
    rows.sort(key=lambda r: rank_key(r[5], r[1]))
    return rows


class RankedImages(Sequence[AMIInfo]):
    """The images of one lookup, read from their cached rows (best-ranked first) and turned into
    ``AMIInfo`` only when used. Iterating gives them in the order AWS answered.

    ``selections`` keeps what ``selection.pick_newest`` chose among them, so an answer kept in
    the memory cache is ranked once, not on every call."""

    def __init__(
        self,
        rows: list[list[Any]],
        region: str,
        *,
        count: int | None = None,
        tail: str | None = None,
    ) -> None:
        """``rows`` best-ranked first; with ``tail``, they are only the head of ``count`` rows,
        the others read by ``loader`` (set by the catalog) when first needed."""
        self._rows = rows
        self.region = region
        self.count = len(rows) if count is None or tail is None else count
        #: The token the tail's value must carry; None once every row is here.
        self.tail = tail
        self.loader: Callable[[RankedImages], list[list[Any]]] | None = None
        self._infos: dict[int, AMIInfo] = {}
        self._lock = threading.RLock()
        self.selections: dict[Any, Any] = {}
        self._deprecations: list[float] | None = None

    @property
    def head(self) -> list[list[Any]]:
        """The rows read so far: a prefix of the ranked rows (all of them once complete)."""
        return self._rows

    @property
    def complete(self) -> bool:
        """True when every row is here."""
        return self.tail is None

    @property
    def rows(self) -> list[list[Any]]:
        """Every row, best-ranked first (the tail is read on first use)."""
        if self.tail is not None:
            with self._lock:
                if self.tail is not None:
                    if self.loader is None:
                        raise TypeError("the rest of a ranked list of images is not at hand")
                    rows = self.loader(self)
                    if rows[: len(self._rows)] != self._rows:  # asked again: another answer
                        self._infos.clear()
                        self.selections.clear()
                    self._rows, self.count, self.tail = rows, len(rows), None
                    self._deprecations = None
        return self._rows

    @classmethod
    def from_cached(cls, value: Any, region: str, tail: Any = None) -> RankedImages:
        """Rows as cached (a head, or every row as v1 cached them; ``tail``, when given, is the
        tail's cached value); a value of another shape raises one of ``DAMAGED``."""
        if not isinstance(value, dict) or value.get("format") not in (RANKED_FORMAT, HEAD_FORMAT):
            raise TypeError("a ranked list of images was expected")
        rows = _checked_rows(value["rows"])
        if value["format"] == RANKED_FORMAT or value.get("tail") is None:
            return cls(rows, region)
        token, count = value["tail"], value["count"]
        if type(token) is not str or type(count) is not int or count <= len(rows):
            raise TypeError("a ranked head of the wrong shape")
        ranked = cls(rows, region, count=count, tail=token)
        if tail is not None:
            ranked._rows = ranked.joined(tail)
            ranked.count, ranked.tail = len(ranked._rows), None
        return ranked

    def joined(self, tail: Any) -> list[list[Any]]:
        """The head and the tail's cached value, as every row; another shape, a tail of another
        answer or of another length raises one of ``DAMAGED``."""
        if (
            not isinstance(tail, dict)
            or tail.get("format") != TAIL_FORMAT
            or tail.get("of") != self.tail
        ):
            raise TypeError("the tail of this ranked list of images was expected")
        rows = self._rows + _checked_rows(tail["rows"])
        if len(rows) != self.count:
            raise ValueError("a ranked tail of the wrong length")
        return rows

    @classmethod
    def from_ec2(cls, images: list[dict[str, Any]], region: str) -> RankedImages:
        """From ``DescribeImages`` items (fresh from AWS)."""
        return cls(ranked_rows([AMIInfo.from_ec2(image, region) for image in images]), region)

    def cached(self) -> dict[str, Any]:
        """The value to cache under the lookup's key (JSON): the head of the rows, and the token
        of the tail (``cached_tail``) when there are more."""
        rows = self.rows
        cut = head_length(rows)
        if cut >= len(rows):
            return {"format": HEAD_FORMAT, "rows": rows, "count": len(rows), "tail": None}
        return {"format": HEAD_FORMAT, "rows": rows[:cut], "count": len(rows), "tail": _token(rows)}

    def cached_tail(self) -> dict[str, Any] | None:
        """The value to cache under the lookup's key plus ``TAIL_SUFFIX`` (None when none)."""
        rows = self.rows
        cut = head_length(rows)
        if cut >= len(rows):
            return None
        return {"format": TAIL_FORMAT, "of": _token(rows), "rows": rows[cut:]}

    def info(self, index: int) -> AMIInfo:
        """The ``AMIInfo`` of the row at ``index`` (rank order), made once."""
        found = self._infos.get(index)
        if found is None:
            row = self._rows[index] if index < len(self._rows) else self.rows[index]
            found = AMIInfo(
                ami_id=row[1],
                name=row[2],
                architecture=row[3],
                creation_date=row[4],
                state=row[6],
                deprecation_time=row[7],
                region=self.region,
                **json.loads(row[9]),
            )
            with self._lock:
                found = self._infos.setdefault(index, found)
        return found

    def next_deprecation(self, after: float) -> float:
        """The first deprecation time of any image read so far later than ``after`` (inf when
        none): until then, which of them are usable does not change. A choice the head decided
        depends on the head's images only; one that needed the tail has read every row."""
        deprecations = self._deprecations
        if deprecations is None:
            deprecations = sorted(r[8] for r in self._rows if r[8] is not None)
            self._deprecations = deprecations
        at = bisect.bisect_right(deprecations, after)
        return deprecations[at] if at < len(deprecations) else float("inf")

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> AMIInfo: ...
    @overload
    def __getitem__(self, index: slice) -> list[AMIInfo]: ...
    def __getitem__(self, index: int | slice) -> AMIInfo | list[AMIInfo]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        order = self._answer_order()
        return self.info(order[index])

    def __iter__(self) -> Iterator[AMIInfo]:
        for index in self._answer_order():
            yield self.info(index)

    def _answer_order(self) -> list[int]:
        """Row indexes in the order AWS answered."""
        order = self.selections.get("answer-order")
        if order is None:
            order = sorted(range(len(self.rows)), key=lambda i: self.rows[i][0])
            self.selections["answer-order"] = order
        return order  # type: ignore[no-any-return]


def head_length(rows: list[list[Any]]) -> int:
    """How many of the ranked ``rows`` the head holds (see ``HEAD_PER_ARCH``)."""
    if len(rows) <= HEAD_MIN:
        return len(rows)
    wanted: dict[str, int] = {}
    for row in rows:
        wanted[row[3]] = min(wanted.get(row[3], 0) + 1, HEAD_PER_ARCH)
    for cut, row in enumerate(rows[:HEAD_MAX], start=1):
        left = wanted.get(row[3])
        if left is not None:
            if left <= 1:
                del wanted[row[3]]
            else:
                wanted[row[3]] = left - 1
        if not wanted:
            return max(cut, HEAD_MIN)
    return HEAD_MAX


def _token(rows: list[list[Any]]) -> str:
    """What ties a tail to its head: a digest of every row."""
    text = json.dumps(rows, separators=(",", ":"), allow_nan=False)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _checked_rows(rows: Any) -> list[list[Any]]:
    """Cached rows, checked for their shape (another raises one of ``DAMAGED``)."""
    if not isinstance(rows, list):
        raise TypeError("a list of image rows was expected")
    width = len(ROW_FIELDS)
    for row in rows:
        if not (
            type(row) is list
            and len(row) == width
            and type(row[0]) is int
            and type(row[1]) is str
            and type(row[2]) is str
            and type(row[3]) is str
            and type(row[9]) is str
        ):
            raise TypeError("an image row of the wrong shape")
    return rows


class LookupTrace:
    """The memory-cache entries one resolution read (see ``ImageCatalog.tracing``): while each is
    still the live entry of its key, the same lookups would give the same values."""

    def __init__(self) -> None:
        self.entries: list[tuple[Any, str, Any]] = []
        self.complete = True
        self._images: list[RankedImages] = []

    @property
    def stable_until(self) -> float:
        """Until when the images read stay as usable as they are (the next deprecation time),
        read when the resolution is done (the images it read by then)."""
        now = time.time()
        return min((i.next_deprecation(now) for i in self._images), default=float("inf"))

    def add(self, cache: Any, key: str | None) -> None:
        """Record the live entry of ``key`` (a lookup not held in memory makes the trace
        incomplete: its answer cannot be reused)."""
        entry_of = getattr(cache, "entry", None)
        entry = entry_of(key) if entry_of is not None and key is not None else None
        if entry is None:
            self.complete = False
            return
        self.entries.append((cache, key, entry))
        if isinstance(entry.derived, RankedImages):
            self._images.append(entry.derived)

    def still_valid(self) -> bool:
        """True while every recorded entry is still the live one of its key."""
        return self.complete and all(c.entry(k) is e for c, k, e in self.entries)

    def expires(self) -> float:
        """When the first recorded entry expires."""
        return min((e.expires for _, _, e in self.entries), default=float("inf"))


_tracing: contextvars.ContextVar[LookupTrace | None] = contextvars.ContextVar(
    "cws_lookup_trace", default=None
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
        params_text = json.dumps(params, sort_keys=True)
        return f"{self.namespace}|{LOOKUP_VERSION}|g{generation}|{region}|{op}|{params_text}"

    def _warn_once(self, kind: str, message: str) -> None:
        """Log ``message`` once for this catalog and kind of trouble."""
        with self._warned_lock:
            if kind in self._warned:
                return
            self._warned.add(kind)
        log.warning("warning: %s", message)

    def _lookup(
        self,
        key: str | None,
        convert: Callable[[Any], T],
        fetch: Callable[[], Any] | None = None,
    ) -> T | None:
        """The cached value of ``key`` converted, or None when absent. A value of the wrong
        shape (a damaged or foreign cache) is a miss, with one warning: it is asked again.
        Images cached as a head and a tail get the tail read (or, when it is gone or damaged,
        ``fetch`` asked again) only if a selection needs it."""
        if key is None:
            return None
        entry_of = getattr(self.cache, "entry", None)
        entry = entry_of(key) if entry_of is not None else None
        if entry is not None and entry.derived is not None:
            self._traced(key)
            return entry.derived  # type: ignore[no-any-return]
        value = self.cache.get(key)
        if value is None:
            return None
        try:
            converted = convert(value)
        except DAMAGED as exc:
            self._damaged(exc)
            return None
        if isinstance(converted, RankedImages) and not converted.complete:
            if fetch is None:
                return None
            converted.loader = self._tail_loader(key, fetch, convert)
        self._keep(key, value, converted)
        return converted

    def _damaged(self, exc: BaseException) -> None:
        self._warn_once(
            "damaged",
            f"the lookup cache held an entry of the wrong shape ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:120]}); such entries are asked of AWS again",
        )

    def _tail_loader(
        self, key: str, fetch: Callable[[], Any], convert: Callable[[Any], Any]
    ) -> Callable[[RankedImages], list[list[Any]]]:
        """Reads the tail of a ranked head cached under ``key``; a tail that is gone (expired,
        evicted) or damaged is a miss: the lookup is asked again and cached anew."""

        def load(ranked: RankedImages) -> list[list[Any]]:
            tail = self.cache.get(key + TAIL_SUFFIX)
            if tail is not None:
                try:
                    return ranked.joined(tail)
                except DAMAGED as exc:
                    self._damaged(exc)
            fresh = self._save(key, fetch(), convert)
            if not isinstance(fresh, RankedImages):
                raise TypeError("a list of images was expected")
            return fresh.rows

        return load

    def _keep(self, key: str | None, value: Any, converted: Any) -> None:
        """Keep ``converted`` with the memory-cache entry of ``value``: a warm hit converts nothing."""
        entry_of = getattr(self.cache, "entry", None)
        entry = entry_of(key) if entry_of is not None and key is not None else None
        if entry is not None and entry.value is value:
            entry.derived = converted
        self._traced(key)

    def _traced(self, key: str | None) -> None:
        trace = _tracing.get()
        if trace is not None:
            trace.add(self.cache, key)

    def tracing(self) -> contextvars.Token[LookupTrace | None]:
        """Start recording, in this thread, which memory-cache entries lookups read (see
        ``LookupTrace``); returns the token for ``untrace``."""
        return _tracing.set(LookupTrace())

    @staticmethod
    def untrace(token: contextvars.Token[LookupTrace | None]) -> LookupTrace | None:
        """Stop recording; the trace made since ``tracing``."""
        trace = _tracing.get()
        _tracing.reset(token)
        return trace

    def _put(self, key: str | None, value: Any) -> None:
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
        found = self._lookup(key, convert, fetch)
        if found is not None:
            return found
        return self._save(key, fetch(), convert)

    def _save(self, key: str | None, fresh: Any, convert: Callable[[Any], T]) -> T:
        """Cache a fresh answer and return it converted. Image lists are cached as ranked rows
        (``RankedImages``): the head under ``key``, the rest (if any) under its tail key, written
        first, so a reader that finds the head finds its tail or none."""
        region = getattr(convert, "images_region", None)
        if region is not None and isinstance(fresh, list):
            ranked = RankedImages.from_ec2(fresh, region)
            tail = ranked.cached_tail()
            if tail is not None and key is not None:
                self._put(key + TAIL_SUFFIX, tail)
            value = ranked.cached()
            self._put(key, value)
            self._keep(key, value, ranked)
            return ranked  # type: ignore[return-value]
        self._put(key, fresh)
        converted = convert(fresh)
        self._keep(key, fresh, converted)
        return converted

    # -- images -------------------------------------------------------------------
    def by_ids(self, region: str, ami_ids: list[str]) -> Sequence[AMIInfo]:
        """The images among ``ami_ids`` that exist in ``region`` (missing ones are simply absent)."""
        ids = sorted(set(ami_ids))
        if not ids:
            return RankedImages([], region)
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

    def search(self, region: str, owners: list[str], filters: dict[str, list[str]]) -> RankedImages:
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
        fetch = [
            lambda: self._describe(region, own_params),
            lambda: self._describe(region, shared_params),
        ]
        cached: list[Any] = [self._lookup(k, convert, f) for k, f in zip(keys, fetch, strict=True)]
        missing = [i for i, v in enumerate(cached) if v is None]
        if missing:
            fresh: dict[int, Any] = {}
            if len(missing) == 1:
                fresh[missing[0]] = fetch[missing[0]]()
            else:
                futures = [self.fan_out.submit(fetch[i]) for i in missing]
                for i, future in zip(missing, futures, strict=True):
                    fresh[i] = future.result()
            for i, value in fresh.items():
                cached[i] = self._save(keys[i], value, convert)
        found: dict[str, AMIInfo] = {}
        for info in (*(cached[0] or []), *(cached[1] or [])):
            if build_of(info.tags, info.description) is not None:
                found.setdefault(info.ami_id, info)
        return list(found.values())

    @property
    def fan_out(self) -> ThreadPoolExecutor:
        """Threads for lookups made side by side (never the resolver's region pool): enough for
        a check of every region, whose own-build tier makes two lookups per region at once
        (threads are started only as the lookups need them)."""
        if self._fan_out is None:
            self._fan_out = ThreadPoolExecutor(
                max_workers=FAN_OUT_WORKERS, thread_name_prefix="cws-lookup"
            )
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
                self._put(key, identity)
                self._keep(key, identity, identity)
            else:
                self._traced(None)  # nothing to reuse: an answer built on it is not kept
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


def _images(region: str) -> Callable[[Any], RankedImages]:
    """Converts a cached image list (ranked rows; a ``DescribeImages`` list as earlier versions
    cached) into ``RankedImages``; a value of another shape raises one of ``DAMAGED``."""

    def convert(raw: Any) -> RankedImages:
        if isinstance(raw, list):
            if not all(isinstance(image, dict) for image in raw):
                raise TypeError("a list of images was expected")
            return RankedImages.from_ec2(raw, region)
        if not isinstance(raw, dict):
            raise TypeError(f"a list of images was expected, not {type(raw).__name__}")
        return RankedImages.from_cached(raw, region)

    convert.images_region = region  # type: ignore[attr-defined]
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
