"""Settings shared by every front door, read from the environment (traitlets wrap these later)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from .errors import BadInput

APP = "cws-jupyter"
#: The in-region tiers, in their default order (``tier_order`` may reorder or leave some out).
IN_REGION_TIERS = (
    "direct_mapping",
    "own_build",
    "ssm_parameter",
    "dynamic_search",
    "community",
    "marketplace",
)
TRUTHY = {"1", "true", "yes", "on"}


def _home_dir(kind: str) -> Path:
    """A per-user folder; ``CWS_HOME`` roots them all in one place (tests, containers)."""
    home = os.environ.get("CWS_HOME")
    if home:
        return Path(home) / kind
    import platformdirs  # only when CWS_HOME does not say where

    if kind == "config":
        return Path(platformdirs.user_config_dir(APP))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP))
    return Path(platformdirs.user_state_dir(APP))


#: Which environment variable feeds each setting (for error messages).
ENV_NAMES = {
    "cache_ttl": "AMI_CACHE_TTL",
    "max_image_age_days": "CWS_MAX_AMI_AGE_DAYS",
    "region": "AWS_REGION",
    "template_path": "CWS_TEMPLATE_PATH",
    "region_fallbacks_file": "CWS_REGION_FALLBACKS",
    "extra_trusted_owners": "CWS_TRUSTED_OWNERS",
    "profile": "AWS_PROFILE",
    "endpoint_url": "AWS_ENDPOINT_URL",
    "aws_connect_timeout": "CWS_AWS_CONNECT_TIMEOUT",
    "aws_read_timeout": "CWS_AWS_READ_TIMEOUT",
    "aws_max_attempts": "CWS_AWS_MAX_ATTEMPTS",
    "registry_url": "CWS_REGISTRY_URL",
    "registry_token": "CWS_REGISTRY_TOKEN",
    "registry_timeout": "CWS_REGISTRY_TIMEOUT",
    "cache_url": "CWS_CACHE_URL",
    "tier_order": "CWS_TIER_ORDER",
    "lock_file": "CWS_LOCK_FILE",
    "analytics": "CWS_ANALYTICS",
    "analytics_retention_days": "CWS_ANALYTICS_RETENTION_DAYS",
    "policy_file": "CWS_POLICY_FILE",
}
#: Settings read as they are from one environment variable each.
PLAIN_ENV = (
    "cache_ttl",
    "max_image_age_days",
    "aws_connect_timeout",
    "aws_read_timeout",
    "aws_max_attempts",
    "registry_url",
    "registry_token",
    "registry_timeout",
    "cache_url",
    "analytics_retention_days",
)


def profile_region(profile: str | None) -> str | None:
    """The ``region`` of the AWS profile in the shared config file, as the AWS CLI reads it.

    Only a default: a missing, unreadable or unparsable file, or a profile it lacks, gives None
    (the commands that use AWS then say what is wrong with the profile or the file).
    """
    from .aws.profile import parse_aws_file

    sections = parse_aws_file("AWS_CONFIG_FILE", strict=False)
    if not sections:
        return None
    name = profile or "default"
    wanted = ("default", "profile default") if name == "default" else (f"profile {name}",)
    for section in wanted:
        value = sections.get(section, {}).get("region", "")
        if value.strip():
            return value.strip()
    return None


def _settings_field(exc: ValidationError) -> str | None:
    loc = exc.errors()[0].get("loc", ())
    return str(loc[0]) if loc else None


def _settings_problem(exc: ValidationError, configured: set[str] = frozenset()) -> str:
    error = exc.errors()[0]
    name = _settings_field(exc) or "setting"
    source = None if name in configured else ENV_NAMES.get(name)
    where = f"{name} (environment variable {source})" if source else name
    return f"bad value for {where}: {error['msg']} (got {error.get('input')!r})"


class Settings(BaseModel):
    """What the core needs to know about its environment."""

    region: str = Field("us-east-1", description="Default AWS region")
    profile: str | None = Field(None, description="AWS profile (AWS_PROFILE)")
    endpoint_url: str | None = Field(None, description="AWS endpoint override (AWS_ENDPOINT_URL)")
    sandbox: bool = Field(False, description="Use the simulated AWS account (CWS_SANDBOX)")
    template_path: list[Path] = Field(default_factory=list, description="CWS_TEMPLATE_PATH folders")
    user_template_dir: Path = Field(default_factory=lambda: _home_dir("config") / "templates")
    cache_dir: Path = Field(default_factory=lambda: _home_dir("cache"))
    state_dir: Path = Field(default_factory=lambda: _home_dir("state"))
    cache_ttl: int = Field(3600, ge=0, description="AMI lookup cache lifetime, seconds")
    max_image_age_days: int = Field(365, ge=1, description="Warn when the chosen AMI is older")
    extra_trusted_owners: list[str] = Field(default_factory=list)
    region_fallbacks_file: Path | None = Field(None, description="YAML overriding the fallback map")
    cross_region_workers: int = Field(16, ge=1, le=64)
    aws_connect_timeout: float = Field(
        3.0, gt=0, le=300, description="Seconds to wait for a connection to AWS"
    )
    aws_read_timeout: float = Field(
        10.0, gt=0, le=900, description="Seconds to wait for AWS to answer one request"
    )
    aws_max_attempts: int = Field(
        3, ge=1, le=10, description="Attempts per AWS request (retries included)"
    )
    registry_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Community AMI registry (CWS_REGISTRY_URL); the sandbox brings its own",
    )
    registry_token: str | None = Field(
        None, repr=False, description="Bearer token for writes to the registry (CWS_REGISTRY_TOKEN)"
    )
    registry_timeout: float = Field(
        2.0, gt=0, le=60, description="Seconds the resolver waits for the registry"
    )
    cache_url: str | None = Field(
        None,
        pattern=r"^rediss?://\S+$",
        description="Shared lookup cache (CWS_CACHE_URL=redis://...); default: on disk",
    )
    lock_file: Path = Field(
        default_factory=lambda: Path("cws.lock"),
        description="The AMI pins file (CWS_LOCK_FILE; default: cws.lock in the current folder)",
    )
    tier_order: list[str] = Field(
        default_factory=list,
        description="In-region tiers in the order to try them (CWS_TIER_ORDER, comma-separated)",
    )
    analytics: bool = Field(
        True, description="Record usage events on this machine (CWS_ANALYTICS=0 turns it off)"
    )
    analytics_retention_days: int = Field(
        365, ge=1, le=36500, description="Days usage events are kept (CWS_ANALYTICS_RETENTION_DAYS)"
    )
    policy_file: Path | None = Field(
        None, description="Institutional image policy, YAML (CWS_POLICY_FILE); none: no policy"
    )

    @field_validator("tier_order")
    @classmethod
    def _known_tiers(cls, order: list[str]) -> list[str]:
        unknown = [name for name in order if name not in IN_REGION_TIERS]
        if unknown:
            raise ValueError(
                f"unknown tier {unknown[0]!r}; name some of {', '.join(IN_REGION_TIERS)}, "
                "comma-separated, in the order to try them"
            )
        if len(set(order)) != len(order):
            raise ValueError("a tier is named twice")
        return order

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from the process environment, then apply explicit overrides."""
        env = os.environ
        profile = overrides.get("profile") or env.get("AWS_PROFILE")
        values: dict[str, object] = {
            "region": env.get("AWS_REGION")
            or env.get("AWS_DEFAULT_REGION")
            or profile_region(str(profile) if profile else None)
            or "us-east-1",
            "profile": env.get("AWS_PROFILE") or None,
            "endpoint_url": env.get("AWS_ENDPOINT_URL") or None,
            "sandbox": env.get("CWS_SANDBOX", "").strip().lower() in TRUTHY,
            "template_path": [
                Path(p) for p in env.get("CWS_TEMPLATE_PATH", "").split(os.pathsep) if p
            ],
        }
        for name in PLAIN_ENV:
            if env.get(ENV_NAMES[name], "").strip():
                values[name] = env[ENV_NAMES[name]].strip()
        if env.get("CWS_TRUSTED_OWNERS"):
            values["extra_trusted_owners"] = [
                o.strip() for o in env["CWS_TRUSTED_OWNERS"].split(",") if o.strip()
            ]
        if env.get("CWS_TIER_ORDER", "").strip():
            values["tier_order"] = [
                t.strip() for t in env["CWS_TIER_ORDER"].split(",") if t.strip()
            ]
        if env.get("CWS_LOCK_FILE", "").strip():
            values["lock_file"] = Path(env["CWS_LOCK_FILE"].strip())
        if env.get("CWS_ANALYTICS", "").strip():
            values["analytics"] = env["CWS_ANALYTICS"].strip().lower() in TRUTHY
        if env.get("CWS_POLICY_FILE", "").strip():
            values["policy_file"] = Path(env["CWS_POLICY_FILE"].strip())
        if env.get("CWS_REGION_FALLBACKS"):
            values["region_fallbacks_file"] = Path(env["CWS_REGION_FALLBACKS"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            given = {k for k, v in overrides.items() if v is not None}
            raise BadInput(_settings_problem(exc, given), field=_settings_field(exc)) from None
