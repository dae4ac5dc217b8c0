"""The sandbox world: ``world.yaml`` parsed into pydantic models and expanded into concrete images.

Pure data, no moto: the seeding code (``seed.py``) turns the ``WorldImage`` list into moto objects.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..yamlio import load_yaml

Arch = Literal["x86_64", "arm64"]

#: Debian/Ubuntu spelling of each EC2 architecture (``{arch_deb}`` in names).
DEBIAN_ARCH: dict[str, str] = {"x86_64": "amd64", "arm64": "arm64"}
#: ``owner: self`` in world.yaml means the sandbox's own account.
SELF_OWNER = "self"

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_AMI_RE = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")


def world_image_id(family: str, region: str, arch: str) -> str:
    """The stable id of a world image that has no explicit id: "ami-" + 17 hex digits."""
    digest = hashlib.sha256(f"{family}|{region}|{arch}".encode()).hexdigest()
    return "ami-" + digest[:17]


def substitute(text: str, arch: str, created: datetime | None = None) -> str:
    """Replace ``{arch_deb}`` (amd64/arm64), ``{arch}`` (x86_64/arm64) and ``{date}`` (YYYYMMDD)."""
    text = text.replace("{arch_deb}", DEBIAN_ARCH[arch]).replace("{arch}", arch)
    return text.replace("{date}", created.strftime("%Y%m%d")) if created else text


class WorldImage(BaseModel):
    """One concrete image of the world: a family in one region and one architecture."""

    model_config = ConfigDict(frozen=True)

    family: str
    region: str
    architecture: Arch
    image_id: str
    name: str
    description: str
    owner_id: str
    owner_alias: str | None
    public: bool
    creation_date: datetime
    root_volume_gb: int
    tags: dict[str, str]
    product_codes: tuple[str, ...]
    ssm_parameter: str | None


class ImageFamily(BaseModel):
    """A ``families`` entry of world.yaml: one publisher's image, in several regions and arches."""

    model_config = ConfigDict(extra="forbid")

    family: str = Field(min_length=1)
    owner: str = Field(description='12-digit account id, or "self" for the sandbox account')
    owner_alias: str | None = None
    regions: list[str] = Field(min_length=1)
    architectures: list[Arch] = Field(min_length=1)
    name: str
    description: str = ""
    creation_date: datetime | None = Field(None, description="A fixed creation time (UTC)")
    age_days: int | None = Field(
        None,
        ge=0,
        description="Or: created this many days before today, so the world stays current",
    )
    root_volume_gb: int = Field(8, ge=1, le=16384)
    ssm_parameter: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    product_code: str | None = None
    public: bool | None = Field(None, description="Default: public unless owned by self")
    id: str | dict[str, str] | None = Field(
        None, description='An explicit id, or a map "region/arch" -> id; others are derived'
    )

    @field_validator("owner")
    @classmethod
    def _check_owner(cls, value: str) -> str:
        """Accept a 12-digit account id or "self"."""
        if value != SELF_OWNER and not _ACCOUNT_RE.match(value):
            raise ValueError(f'owner must be a 12-digit account id or "self", not {value!r}')
        return value

    @field_validator("creation_date")
    @classmethod
    def _check_timezone(cls, value: datetime | None) -> datetime | None:
        """Creation dates must say their time zone (world.yaml uses UTC, "...Z")."""
        if value is not None and value.tzinfo is None:
            raise ValueError("creation_date needs a time zone, e.g. 2025-11-12T08:14:09.000Z")
        return value

    @model_validator(mode="after")
    def _check_ids_and_parameter(self) -> ImageFamily:
        """Explicit ids are well formed and name real combinations; parameters do not clash."""
        if (self.creation_date is None) == (self.age_days is None):
            raise ValueError("give exactly one of creation_date and age_days")
        combos = {f"{r}/{a}" for r in self.regions for a in self.architectures}
        explicit = self.id if isinstance(self.id, dict) else {}
        if isinstance(self.id, str):
            if len(combos) != 1:
                raise ValueError('a single "id" needs exactly one region and architecture')
            explicit = {next(iter(combos)): self.id}
        for key, image_id in explicit.items():
            if key not in combos:
                raise ValueError(f"id key {key!r} is not one of this family's region/arch")
            if not _AMI_RE.match(image_id):
                raise ValueError(f"{image_id!r} is not an AMI id (ami- + 8 or 17 hex digits)")
        param = self.ssm_parameter
        if param and len(self.architectures) > 1 and "{arch" not in param:
            raise ValueError("ssm_parameter needs {arch} or {arch_deb} with several architectures")
        return self

    def image_id(self, region: str, arch: str) -> str:
        """The explicit id of this (region, arch) if world.yaml gives one, else the derived one."""
        if isinstance(self.id, str):
            return self.id
        if isinstance(self.id, dict) and f"{region}/{arch}" in self.id:
            return self.id[f"{region}/{arch}"]
        return world_image_id(self.family, region, arch)

    def created(self) -> datetime:
        """The creation time: fixed, or ``age_days`` before today (06:00 UTC, stable all day)."""
        if self.creation_date is not None:
            return self.creation_date
        today = datetime.now(timezone.utc).replace(hour=6, minute=0, second=0, microsecond=0)
        return today - timedelta(days=self.age_days or 0)

    def expand(self, account_id: str) -> list[WorldImage]:
        """Every concrete image of this family, region by region and arch by arch."""
        created = self.created()
        owner_id = account_id if self.owner == SELF_OWNER else self.owner
        public = self.public if self.public is not None else self.owner != SELF_OWNER
        return [
            WorldImage(
                family=self.family,
                region=region,
                architecture=arch,
                image_id=self.image_id(region, arch),
                name=substitute(self.name, arch, created),
                description=substitute(self.description, arch, created),
                owner_id=owner_id,
                owner_alias=self.owner_alias,
                public=public,
                creation_date=created,
                root_volume_gb=self.root_volume_gb,
                tags=dict(self.tags),
                product_codes=(self.product_code,) if self.product_code else (),
                ssm_parameter=substitute(self.ssm_parameter, arch) if self.ssm_parameter else None,
            )
            for region in self.regions
            for arch in self.architectures
        ]


class World(BaseModel):
    """The whole of world.yaml: where it comes from, the sandbox account, the image families."""

    model_config = ConfigDict(extra="forbid")

    source: str
    account_id: str
    regions: list[str] = Field(default_factory=list)
    families: list[ImageFamily]

    @field_validator("account_id")
    @classmethod
    def _check_account(cls, value: str) -> str:
        """The sandbox account is a 12-digit id."""
        if not _ACCOUNT_RE.match(value):
            raise ValueError(f"account_id must be 12 digits, not {value!r}")
        return value

    @model_validator(mode="after")
    def _check_unique(self) -> World:
        """Family names, image ids and (region, SSM parameter) pairs are each unique."""
        names = [f.family for f in self.families]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate families: {', '.join(dupes)}")
        seen_ids: dict[str, str] = {}
        seen_params: dict[tuple[str, str], str] = {}
        for image in self.images():
            where = f"{image.family} {image.region}/{image.architecture}"
            if image.image_id in seen_ids:
                raise ValueError(
                    f"{where} reuses id {image.image_id} of {seen_ids[image.image_id]}"
                )
            seen_ids[image.image_id] = where
            if image.ssm_parameter:
                key = (image.region, image.ssm_parameter)
                if key in seen_params:
                    raise ValueError(f"{where} reuses SSM parameter {key[1]} of {seen_params[key]}")
                seen_params[key] = where
        return self

    def images(self) -> list[WorldImage]:
        """Every concrete image of the world."""
        return [image for family in self.families for image in family.expand(self.account_id)]

    def family(self, name: str) -> ImageFamily:
        """The family called ``name`` (KeyError if the world has none)."""
        for family in self.families:
            if family.family == name:
                return family
        raise KeyError(name)


def load_world() -> World:
    """The sandbox world shipped in the package (world.yaml), parsed and validated."""

    text = resources.files(__package__).joinpath("world.yaml").read_text(encoding="utf-8")
    return World.model_validate(load_yaml(text))
