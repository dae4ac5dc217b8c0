"""One way to reach AWS: a boto3 session from the standard credential chain, clients reused per region."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import AwsUnavailable

if TYPE_CHECKING:
    import boto3

    from ..config import Settings

NO_CREDENTIALS_HELP = (
    "No AWS credentials found. Configure them the usual way (`aws configure`, `aws sso login`, "
    "AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or try cws-jupyter on a "
    "simulated AWS account with `--sandbox` (or CWS_SANDBOX=1)."
)


class AwsAccess:
    """A boto3 session plus a per-(service, region) client cache, adaptive retries, a call counter."""

    def __init__(
        self,
        session: boto3.Session,
        *,
        endpoint_url: str | None = None,
        label: str = "aws",
        max_pool_connections: int = 32,
        poll_seconds: float = 10.0,
    ) -> None:
        from botocore.config import Config

        self.session = session
        self.endpoint_url = endpoint_url
        self.label = label
        #: Seconds between polls while waiting for a long operation (an image, an instance).
        self.poll_seconds = poll_seconds
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": 5},
            max_pool_connections=max_pool_connections,
            connect_timeout=5,
            read_timeout=30,
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._calls = 0
        self._call_lock = threading.Lock()
        self._listeners: list[Callable[[str, str], None]] = []

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: Settings) -> AwsAccess:
        """Real AWS from the standard chain, or the sandbox when settings ask for it (never silently)."""
        import boto3

        if settings.sandbox:
            from ..sandbox import SANDBOX_CREDENTIALS, ensure_running

            info = ensure_running(settings.state_dir)
            session = boto3.Session(region_name=settings.region, **SANDBOX_CREDENTIALS)
            return cls(session, endpoint_url=info.endpoint_url, label="sandbox", poll_seconds=0.1)
        try:
            session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
        except Exception as exc:  # botocore.exceptions.ProfileNotFound and friends
            raise AwsUnavailable(f"AWS profile problem: {exc}. {NO_CREDENTIALS_HELP}") from None
        if session.get_credentials() is None:
            raise AwsUnavailable(NO_CREDENTIALS_HELP)
        return cls(session, endpoint_url=settings.endpoint_url, label="aws")

    # -- clients ------------------------------------------------------------------
    def client(self, service: str, region: str) -> Any:
        """A client for ``service`` in ``region``, created once and reused (clients are thread-safe)."""
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self.session.client(
                        service,
                        region_name=region,
                        endpoint_url=self.endpoint_url,
                        config=self.config,
                    )
                    client.meta.events.register("before-call", self._count_call)
                    self._clients[key] = client
        return client

    def _count_call(self, model: Any = None, context: Any = None, **_: Any) -> None:
        with self._call_lock:
            self._calls += 1
        region = getattr(context, "get", lambda *_: None)("client_region") if context else None
        for listener in self._listeners:
            listener(getattr(model, "name", "?"), region or "?")

    @property
    def calls(self) -> int:
        """How many AWS API calls this access object has made (retries not counted)."""
        return self._calls

    def on_call(self, listener: Callable[[str, str], None]) -> None:
        """Be told of every API call (operation name, region); used by benchmarks and tests."""
        self._listeners.append(listener)

    @property
    def is_sandbox(self) -> bool:
        """True when this is the simulated account (some AWS features are missing there)."""
        return self.label == "sandbox"
