"""Traitlets configuration shared by the Jupyter front doors (server extension, magics, widgets).

Each trait defaults to what the environment says (the same variables the `cws` CLI reads), so a
container configures cws-jupyter without files; `jupyter_server_config.py` or `%config` override.
"""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Int, List, Unicode, default
from traitlets.config import Configurable

from .core.config import Settings


class CwsTraits(Configurable):
    """The settings of cws-jupyter as traitlets (one per core setting)."""

    region = Unicode(
        help="Default AWS region (env: AWS_REGION, AWS_DEFAULT_REGION; else us-east-1)."
    ).tag(config=True)
    profile = Unicode(
        None, allow_none=True, help="AWS profile from ~/.aws/config (env: AWS_PROFILE)."
    ).tag(config=True)
    endpoint_url = Unicode(
        None,
        allow_none=True,
        help="AWS endpoint override, e.g. LocalStack (env: AWS_ENDPOINT_URL).",
    ).tag(config=True)
    sandbox = Bool(
        help="Use the simulated AWS account, a local moto server (env: CWS_SANDBOX=1). Never automatic."
    ).tag(config=True)
    template_path = List(
        Unicode(),
        help="Extra template folders, searched first (env: CWS_TEMPLATE_PATH, colon-separated).",
    ).tag(config=True)
    cache_ttl = Int(
        help="Lifetime of cached AMI lookups in seconds; 0 disables (env: AMI_CACHE_TTL)."
    ).tag(config=True)
    max_image_age_days = Int(
        help="Warn when the chosen AMI is older (env: CWS_MAX_AMI_AGE_DAYS)."
    ).tag(config=True)
    trusted_owners = List(
        Unicode(),
        help="Extra AMI owner account ids to trust (env: CWS_TRUSTED_OWNERS, comma-separated).",
    ).tag(config=True)
    registry_url = Unicode(
        "",
        help="Community AMI registry (cws-registry) URL, e.g. http://127.0.0.1:8948 (env: CWS_REGISTRY_URL).",
    ).tag(config=True)

    @default("region")
    def _default_region(self) -> str:
        return self._env_settings().region

    @default("profile")
    def _default_profile(self) -> str | None:
        return self._env_settings().profile

    @default("endpoint_url")
    def _default_endpoint(self) -> str | None:
        return self._env_settings().endpoint_url

    @default("sandbox")
    def _default_sandbox(self) -> bool:
        return self._env_settings().sandbox

    @default("template_path")
    def _default_template_path(self) -> list[str]:
        return [str(p) for p in self._env_settings().template_path]

    @default("cache_ttl")
    def _default_cache_ttl(self) -> int:
        return self._env_settings().cache_ttl

    @default("max_image_age_days")
    def _default_max_age(self) -> int:
        return self._env_settings().max_image_age_days

    @default("trusted_owners")
    def _default_trusted(self) -> list[str]:
        return list(self._env_settings().extra_trusted_owners)

    @default("registry_url")
    def _default_registry(self) -> str:
        return self._env_settings().registry_url or ""

    def _env_settings(self) -> Settings:
        """What the environment says, read once per object (every default comes from it)."""
        env = self.__dict__.get("_cws_env")
        if env is None:
            env = self.__dict__["_cws_env"] = Settings.from_env()
        return env

    def to_settings(self) -> Settings:
        """The core settings these traits describe."""
        overrides: dict[str, Any] = {
            "region": self.region,
            "profile": self.profile,
            "endpoint_url": self.endpoint_url,
            "sandbox": self.sandbox,
            "template_path": self.template_path,
            "cache_ttl": self.cache_ttl,
            "max_image_age_days": self.max_image_age_days,
            "extra_trusted_owners": self.trusted_owners,
            "registry_url": self.registry_url or None,
        }
        return Settings.from_env(**overrides)
