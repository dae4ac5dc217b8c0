"""One way to reach AWS: a boto3 session from the standard credential chain, clients reused per region."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import BadInput
from .breaker import Breaker, EndpointDown
from .network import Reach, check_answer

if TYPE_CHECKING:
    import boto3

    from ..config import Settings

NO_CREDENTIALS_HELP = (
    "No AWS credentials found. Configure them the usual way (`aws configure`, `aws sso login`, "
    "AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or try cws-jupyter on a "
    "simulated AWS account with `--sandbox` (or CWS_SANDBOX=1)."
)


#: Patience for one AWS call, suited to an interactive tool (settings change them). A call to
#: an endpoint that accepts and never answers gives up after attempts x read timeout plus the
#: backoff between attempts (about 31 s with these); long operations poll with waiters instead.
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 3


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
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        from botocore.config import Config

        self.session = session
        self.endpoint_url = endpoint_url
        self.label = label
        #: Seconds between polls while waiting for a long operation (an image, an instance).
        self.poll_seconds = poll_seconds
        self.reach = Reach(label, endpoint_url, connect_timeout, read_timeout, max_attempts)
        #: Endpoints that ran out of time a moment ago fail at once (see ``breaker``).
        self.breaker = Breaker()
        #: The last call's failure to reach AWS (monotonic time, message); None once AWS answers.
        self.last_unreachable: tuple[float, str] | None = None
        self.config = Config(
            retries={"mode": "adaptive", "total_max_attempts": max_attempts},
            max_pool_connections=max_pool_connections,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        # Clients made from the session elsewhere (the Pricing API) get the same patience, and
        # the same refusal of answers that are not AWS's.
        session._session.set_default_client_config(self.config)
        session.events.register("before-parse", check_answer, unique_id="cws-check-answer")
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._calls = 0
        self._call_lock = threading.Lock()
        self._listeners: list[Callable[[str, str], None]] = []

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: Settings) -> AwsAccess:
        """Real AWS from the standard chain, or the sandbox when settings ask for it (never silently).

        The sandbox ignores the user's AWS configuration (profile, files, endpoint); real AWS
        checks it first: a bad endpoint is a BadInput, a missing profile or a broken file an
        AwsUnavailable, each naming the variable at fault and the fix.
        """
        patience = {
            "connect_timeout": settings.aws_connect_timeout,
            "read_timeout": settings.aws_read_timeout,
            "max_attempts": settings.aws_max_attempts,
        }
        if settings.sandbox:
            from ..sandbox import SANDBOX_CREDENTIALS, ensure_running
            from .isolated import isolated_session

            info = ensure_running(settings.state_dir)
            session = isolated_session(settings.region, SANDBOX_CREDENTIALS)
            return cls(
                session,
                endpoint_url=info.endpoint_url,
                label="sandbox",
                poll_seconds=0.1,
                **patience,
            )
        from .endpoint import check_endpoint_url
        from .profile import open_session

        endpoint = check_endpoint_url(settings.endpoint_url)
        return cls(open_session(settings), endpoint_url=endpoint, label="aws", **patience)

    # -- clients ------------------------------------------------------------------
    def client(self, service: str, region: str) -> Any:
        """A client for ``service`` in ``region``, created once and reused (clients are thread-safe)."""
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._new_client(service, region)
                    events = client.meta.events
                    events.register("before-call", self._count_call)
                    events.register("before-send", self._before_send)
                    events.register("after-call", self._answered)
                    events.register("after-call-error", self._call_failed)
                    self._clients[key] = client
        return client

    def _new_client(self, service: str, region: str) -> Any:
        """A botocore client; an unusable endpoint or configuration is a clear core error."""
        from botocore.exceptions import BotoCoreError

        from .profile import setup_error

        try:
            return self.session.client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=self.config
            )
        except ValueError as exc:  # "Invalid endpoint": from AWS_ENDPOINT_URL(_<SERVICE>)
            variable = (
                "AWS_ENDPOINT_URL"
                if self.endpoint_url
                else f"AWS_ENDPOINT_URL_{service.upper()} or AWS_ENDPOINT_URL"
            )
            raise BadInput(
                f"cannot use the endpoint for {service} in {region}: {exc}. Fix or unset "
                f"{variable}",
                field="AWS_ENDPOINT_URL",
            ) from None
        except BotoCoreError as exc:
            raise setup_error(exc, f"for {service} in {region}") from None

    def _before_send(self, request: Any = None, **_: Any) -> None:
        """Refuse at once to send to an endpoint that ran out of time a moment ago."""
        if request is not None:
            self.breaker.check(request.url)

    def _answered(self, http_response: Any = None, **_: Any) -> None:
        """An endpoint that answered (even with an AWS error) is up."""
        url = getattr(http_response, "url", None)
        if url:
            self.breaker.answered(url)
        self.last_unreachable = None

    def _call_failed(
        self, exception: BaseException | None = None, context: Any = None, **kwargs: Any
    ) -> None:
        """Every failed call: a network failure or a setup problem leaves botocore as a clear
        core error here, whatever code made the call (``aws_errors`` adds what it was doing)."""
        from botocore.exceptions import BotoCoreError, ConnectTimeoutError, ReadTimeoutError

        from .network import AwsUnreachable, is_network_failure

        if exception is None:
            return
        region = (context or {}).get("client_region") or "?"
        operation = str(kwargs.get("event_name", "")).rsplit(".", 1)[-1] or "an AWS call"
        if isinstance(exception, EndpointDown):
            raise AwsUnreachable(
                exception.original,
                region,
                doing=f"calling {operation}",
                reach=self.reach,
                held=self.breaker.hold_seconds,
            )
        if isinstance(exception, (ReadTimeoutError, ConnectTimeoutError)):
            url = exception.kwargs.get("endpoint_url")
            if url:
                self.breaker.tripped(str(url), exception)
        if (
            is_network_failure(exception)
            or isinstance(exception, OSError)
            or not isinstance(exception, BotoCoreError)  # a parser choking on a strange answer
        ):
            failure = AwsUnreachable(
                exception, region, doing=f"calling {operation}", reach=self.reach
            )
            self.last_unreachable = (time.monotonic(), failure.message)
            raise failure
        if isinstance(exception, BotoCoreError):
            from .errors import aws_error

            mapped = aws_error(exception, region, f"calling {operation}")
            if mapped is not exception:
                raise mapped

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
