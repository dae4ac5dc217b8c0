"""The workstation template format: pydantic models for ``Template`` and its ``AMIConfig``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .fields import (
    AmiId,
    Arch,
    Architecture,
    Duration,
    FallbackStrategy,
    InstanceType,
    PackageManager,
    Region,
    Strategy,
    duration_seconds,
    normalize_architecture,
    owner_problem,
    shown,
)


def _scalar_text(value: Any) -> Any:
    """The text of a YAML scalar (number, boolean, date); anything else is returned unchanged."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return value


#: AWS account ids of publishers the resolver trusts by default.
TRUSTED_OWNERS: dict[str, str] = {
    "099720109477": "Canonical",
    "137112412989": "Amazon",
    "amazon": "Amazon",
    "898082745236": "AWS Deep Learning AMIs",
    "aws-marketplace": "AWS Marketplace",
}


class Strict(BaseModel):
    """Base for template parts: unknown keys are reported (as warnings) by the loader."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


class AMISearch(Strict):
    """Dynamic search: ``describe_images`` by owners and filters, newest wins."""

    owner: str | None = Field(None, description="One owner: an account id, or 'amazon', 'self'")
    owners: list[str] = Field(default_factory=list, description="Several owners")
    name_pattern: str | None = Field(None, description="Image name glob, e.g. 'ubuntu/images/*'")
    version_tag: str | None = Field(None, description="Required value of the image's Version tag")
    architecture: list[Arch] = Field(default_factory=list, description="Acceptable architectures")
    min_creation_date: dt.date | None = Field(None, description="Ignore images created before")
    required_tags: dict[str, str] = Field(
        default_factory=dict, description="Tags the image must carry"
    )

    @field_validator("architecture", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> Any:
        return _owner_text(value)

    @field_validator("owners", mode="before")
    @classmethod
    def _owners(cls, value: Any) -> Any:
        value = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
        return [_owner_text(v) for v in value] if isinstance(value, list) else value

    def owner_problems(self) -> list[tuple[str, str]]:
        """``(field, reason)`` for each owner EC2 cannot search (a name, not an account id).

        Kept, not rejected, so a user's template still loads; the search itself is refused
        (``refusal``) and the loader warns with the same reason.
        """
        named = [("owner", self.owner)] if self.owner is not None else []
        named += [(f"owners[{i}]", owner) for i, owner in enumerate(self.owners)]
        return [(where, why) for where, owner in named if (why := owner_problem(owner))]

    def refusal(self) -> str | None:
        """Why this search may not run (an owner that is not one), or None when it may."""
        problems = self.owner_problems()
        if not problems:
            return None
        return "; ".join(f"field 'ami_config.ami_search.{where}': {why}" for where, why in problems)

    def all_owners(self) -> list[str]:
        """The valid owners of ``owner`` and ``owners`` together, de-duplicated, in order."""
        merged = ([self.owner] if self.owner else []) + self.owners
        return [o for o in dict.fromkeys(merged) if owner_problem(o) is None]


def _owner_text(value: Any) -> Any:
    """An unquoted account id (``owner: 137112412989``) read by YAML as a number: its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class MarketplaceSearch(Strict):
    """AWS Marketplace lookup by product code (images owned by ``aws-marketplace``)."""

    product_code: str | None = None
    publisher: str | None = None
    version_constraint: str | None = None


class AMIConfig(Strict):
    """How the resolver finds an AMI for a template (the spec's AMIConfig, plus SSM sources)."""

    strategy: Strategy = Strategy.AMI_PREFERRED
    ami_mappings: dict[Region, AmiId] = Field(default_factory=dict)
    amis: dict[Region, dict[Arch, AmiId]] = Field(
        default_factory=dict,
        description="Legacy per-architecture mappings of CloudWorkstation v0.5: {region: {arch: ami}}",
    )
    ssm_parameter: str | dict[Arch, str] | None = Field(
        None,
        description="SSM public parameter naming the AMI, or one per architecture",
    )
    ami_search: AMISearch | None = None
    marketplace_search: MarketplaceSearch | None = None
    fallback_strategy: FallbackStrategy = FallbackStrategy.SCRIPT_PROVISIONING
    fallback_timeout: Duration = "10m"
    preferred_architecture: Arch | None = None
    instance_family_preference: list[str] = Field(default_factory=list)
    instance_types: dict[Arch, InstanceType] = Field(
        default_factory=dict, description="Instance type per architecture (legacy)"
    )
    image_includes_packages: bool | None = Field(
        None,
        description="Does the AMI already hold the template's software? Unset: yes for AMI-only "
        "templates and images tagged Template=<slug>; otherwise the packages are installed on "
        "the image at first boot (a base OS image plus provisioning)",
    )
    ssh_user: str | None = None
    user_data_script: str | None = None

    @field_validator("ssm_parameter", mode="before")
    @classmethod
    def _ssm_path(cls, value: Any) -> Any:
        # Checked here, before pydantic's str-or-dict union, so an error names the field and the
        # architecture rather than the union's internal member names.
        if value is None:
            return None
        if isinstance(value, str):
            return _ssm_name(value)
        if not isinstance(value, dict):
            raise ValueError(
                "expected one SSM parameter path, or a mapping of architecture to path "
                f"(x86_64/arm64), not {type(value).__name__} {shown(value)}"
            )
        paths: dict[Architecture, str] = {}
        for key, name in value.items():
            arch = normalize_architecture(key)
            if arch not in {a.value for a in Architecture}:
                raise ValueError(f"{shown(key)} is not an architecture: use x86_64 or arm64")
            if not isinstance(name, str):
                raise ValueError(f"{arch}: expected an SSM parameter path, got {shown(name)}")
            paths[Architecture(arch)] = _ssm_name(name, arch)
        return paths

    @property
    def fallback_timeout_seconds(self) -> int:
        """The fallback timeout in seconds."""
        return duration_seconds(self.fallback_timeout)

    def ssm_parameter_for(self, arch: Architecture) -> str | None:
        """The SSM parameter to read for one architecture, if any."""
        if isinstance(self.ssm_parameter, dict):
            return self.ssm_parameter.get(arch)
        return self.ssm_parameter


def _ssm_name(name: str, arch: str | None = None) -> str:
    where = f"{arch}: " if arch else ""
    if not name.startswith("/"):
        raise ValueError(
            f"{where}{shown(name)} is not an SSM parameter path: it must start with '/'"
        )
    return name


class Packages(Strict):
    """Software installed by script provisioning, per package manager."""

    system: list[str] = Field(default_factory=list)
    conda: list[str] = Field(default_factory=list)
    pip: list[str] = Field(default_factory=list)
    spack: list[str] = Field(default_factory=list)


class User(Strict):
    """A login created on the workstation."""

    name: str
    groups: list[str] = Field(default_factory=list)
    shell: str | None = None


class Service(Strict):
    """A service the workstation runs (Jupyter, RStudio, a desktop)."""

    name: str
    port: int | None = Field(None, ge=1, le=65535)
    enable: bool = True
    config: list[str] = Field(default_factory=list)


class InstanceDefaults(Strict):
    """Instance settings used when the caller does not choose."""

    type: InstanceType | None = None
    ports: list[int] = Field(default_factory=list)
    root_volume_gb: int | None = Field(None, ge=8, le=16384)
    estimated_cost_per_hour: dict[Arch, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    instance_type_preference: list[InstanceType] = Field(default_factory=list)

    @field_validator("ports")
    @classmethod
    def _ports(cls, ports: list[int]) -> list[int]:
        for port in ports:
            if not 1 <= port <= 65535:
                raise ValueError(f"port {port} is outside 1-65535")
        return list(dict.fromkeys(ports))


class Template(Strict):
    """A workstation template: what to install, and how to find a ready-made AMI for it."""

    name: str = Field(min_length=1)
    slug: str = Field("", pattern=r"^$|^[a-z0-9][a-z0-9._-]*$")
    description: str = ""
    long_description: str | None = None
    category: str | None = None
    base: str | None = None
    package_manager: PackageManager | None = None
    packages: Packages = Field(default_factory=Packages)
    users: list[User] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    instance_defaults: InstanceDefaults = Field(default_factory=InstanceDefaults)
    ami_config: AMIConfig | None = None
    user_data: str | None = None
    post_install: str | None = None
    inherits: list[str] = Field(default_factory=list)
    version: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    maintainer: str | None = None

    # Presentation and feature fields of the CloudWorkstation v0.5 format, carried as they are.
    complexity: str | None = None
    domain: str | None = None
    icon: str | None = None
    color: str | None = None
    popular: bool | None = None
    featured: bool | None = None
    connection_type: str | None = None
    idle_detection: dict[str, Any] | None = None
    prerequisites: list[str] = Field(default_factory=list)
    learning_resources: list[str] = Field(default_factory=list)
    estimated_launch_time: float | None = Field(None, ge=0, allow_inf_nan=False)
    validation_status: str | None = None
    last_updated: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    variables: dict[str, Any] = Field(default_factory=dict)
    research_user: dict[str, Any] | None = None

    @field_validator("inherits", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_as_text(cls, value: Any) -> Any:
        # YAML reads `gpu: true` or `version: 1.0` as bool/float: keep their text. Lists and
        # mappings are not tag values and are left for pydantic to reject.
        if isinstance(value, dict):
            return {_scalar_text(k): "" if v is None else _scalar_text(v) for k, v in value.items()}
        return value

    @field_validator("last_updated", "version", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return value if value is None else _scalar_text(value)

    @model_validator(mode="after")
    def _ami_only_needs_ami_config(self) -> Template:
        if self.package_manager is PackageManager.AMI and self.ami_config is None:
            raise ValueError(
                "package_manager 'ami' needs an ami_config saying where the AMI comes from"
            )
        return self

    @property
    def is_ami_only(self) -> bool:
        """True when the template cannot be provisioned by script (its software lives in the AMI)."""
        return self.package_manager is PackageManager.AMI

    @property
    def has_provisioning(self) -> bool:
        """True when script provisioning would install or configure anything."""
        p = self.packages
        return bool(
            p.system
            or p.conda
            or p.pip
            or p.spack
            or self.users
            or self.services
            or self.user_data
            or self.post_install
        )

    def ports(self) -> list[int]:
        """Every port the workstation exposes: instance defaults and services, de-duplicated."""
        ports = list(self.instance_defaults.ports)
        ports += [s.port for s in self.services if s.port]
        return list(dict.fromkeys(ports))
