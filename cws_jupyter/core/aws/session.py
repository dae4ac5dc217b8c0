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
    """A boto3 session plus a per-(service, region) client cache, adaptive retries, a call counter.

    Nothing of botocore is imported or built until a call needs it: the session comes from
    ``factory`` on first use (or is given), and each client is built on first use of its
    (service, region), under a lock of its own, so the clients of many regions are built side by
    side. The clients of one session share their service model and client class (see
    ``clientcache``): a client for one more region costs a fraction of the first.
    """

    def __init__(
        self,
        session: boto3.Session | None = None,
        *,
        factory: Callable[[], boto3.Session] | None = None,
        endpoint_url: str | None = None,
        label: str = "aws",
        max_pool_connections: int = 32,
        poll_seconds: float = 10.0,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        max_attempts: int = MAX_ATTEMPTS,
        credentials_key: str | None = None,
    ) -> None:
        if session is None and factory is None:
            raise TypeError("AwsAccess needs a session or a factory of one")
        self._factory = factory
        self.endpoint_url = endpoint_url
        self.label = label
        #: A digest naming the credentials in use, read without botocore (None: unknown until
        #: the session is built; see ``profile.credentials_fingerprint``).
        self.credentials_key = credentials_key
        #: Seconds between polls while waiting for a long operation (an image, an instance).
        self.poll_seconds = poll_seconds
        self.reach = Reach(label, endpoint_url, connect_timeout, read_timeout, max_attempts)
        #: Endpoints that ran out of time a moment ago fail at once (see ``breaker``).
        self.breaker = Breaker()
        #: The last call's failure to reach AWS (monotonic time, message); None once AWS answers.
        self.last_unreachable: tuple[float, str] | None = None
        self._patience = {
            "max_pool_connections": max_pool_connections,
            "connect_timeout": connect_timeout,
            "read_timeout": read_timeout,
            "max_attempts": max_attempts,
        }
        self._config: Any = None
        self._session: Any = None
        self._session_lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self._client_locks: dict[tuple[str, str], threading.Lock] = {}
        #: Services with a client built (their model, class and endpoint data are loaded).
        self._warm: set[str] = set()
        self._warming: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the lock tables above (held for microseconds)
        self._calls = 0
        self._call_lock = threading.Lock()
        self._listeners: list[Callable[[str, str], None]] = []
        if session is not None:
            self._adopt(session)

    @property
    def session(self) -> boto3.Session:
        """The boto3 session, built on first use (a broken configuration raises here)."""
        session = self._session
        if session is None:
            with self._session_lock:
                if self._session is None:
                    assert self._factory is not None
                    self._adopt(self._factory())
                session = self._session
        return session  # type: ignore[no-any-return]

    @property
    def has_session(self) -> bool:
        """True once the session exists (for tests: a cached answer needs none)."""
        return self._session is not None

    @property
    def config(self) -> Any:
        """The botocore client ``Config`` of every client (timeouts, retries, pool size)."""
        if self._config is None:
            from botocore.config import Config

            patience = self._patience
            self._config = Config(
                retries={"mode": "adaptive", "total_max_attempts": patience["max_attempts"]},
                max_pool_connections=patience["max_pool_connections"],
                connect_timeout=patience["connect_timeout"],
                read_timeout=patience["read_timeout"],
            )
        return self._config

    def _adopt(self, session: boto3.Session) -> None:
        """Give ``session`` this access's patience and answer checks, and share client classes."""
        from .clientcache import share_client_classes

        # Clients made from the session elsewhere (the Pricing API) get the same patience, and
        # the same refusal of answers that are not AWS's.
        session._session.set_default_client_config(self.config)
        session.events.register("before-parse", check_answer, unique_id="cws-check-answer")
        share_client_classes(session)
        self._session = session

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_settings(
        cls, settings: Settings, on_sandbox_start: Callable[[], None] | None = None
    ) -> AwsAccess:
        """Real AWS from the standard chain, or the sandbox when settings ask for it (never silently).

        The sandbox ignores the user's AWS configuration (profile, files, endpoint); real AWS
        checks it first: a bad endpoint is a BadInput, a missing profile or a broken file an
        AwsUnavailable, each naming the variable at fault and the fix.

        No botocore session is built here when the credentials can be named from the
        environment and the AWS files (``credentials_fingerprint``): an answer from the lookup
        cache then needs neither boto3 nor botocore. Otherwise the session is opened at once, so
        a broken configuration is reported here as before. ``on_sandbox_start()`` is called
        when this process has to start the sandbox (seconds).
        """
        patience: dict[str, Any] = {
            "connect_timeout": settings.aws_connect_timeout,
            "read_timeout": settings.aws_read_timeout,
            "max_attempts": settings.aws_max_attempts,
        }
        if settings.sandbox:
            from ..sandbox import SANDBOX_CREDENTIALS, ensure_running

            info = ensure_running(settings.state_dir, on_start=on_sandbox_start)

            def sandbox_session() -> boto3.Session:
                from .isolated import isolated_session

                return isolated_session(settings.region, SANDBOX_CREDENTIALS)

            return cls(
                factory=sandbox_session,
                endpoint_url=info.endpoint_url,
                label="sandbox",
                poll_seconds=0.1,
                credentials_key="sandbox",
                **patience,
            )
        from .endpoint import check_endpoint_url
        from .profile import credentials_fingerprint, open_session

        endpoint = check_endpoint_url(settings.endpoint_url)
        named = credentials_fingerprint(settings.profile)
        if named is None:  # only botocore can tell whose credentials these are: ask it now
            return cls(open_session(settings), endpoint_url=endpoint, label="aws", **patience)
        return cls(
            factory=lambda: open_session(settings),
            endpoint_url=endpoint,
            label="aws",
            credentials_key=named,
            **patience,
        )

    # -- clients ------------------------------------------------------------------
    def client(self, service: str, region: str) -> Any:
        """A client for ``service`` in ``region``, created once and reused (clients are
        thread-safe). Clients of different keys are built at the same time; two threads asking
        for the same key build it once."""
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            key_lock = self._client_locks.setdefault(key, threading.Lock())
        with key_lock:
            client = self._clients.get(key)
            if client is None:
                client = self._first_or_next_client(service, region)
                events = client.meta.events
                events.register("before-call", self._count_call)
                events.register("before-send", self._before_send)
                events.register("response-received", self._received)
                events.register("after-call", self._answered)
                events.register("after-call-error", self._call_failed)
                self._clients[key] = client
        return client

    def _first_or_next_client(self, service: str, region: str) -> Any:
        """The first client of a service is built alone: it loads the service's model, its
        endpoint rules, its client class and its paginators, which later clients share. Built by
        every region at once, each thread would read and build them all again (botocore's data
        loader has no lock): seconds for 34 regions."""
        if service in self._warm:
            return self._new_client(service, region)
        with self._lock:
            warming = self._warming.setdefault(service, threading.Lock())
        with warming:
            if service in self._warm:  # built by the thread this one waited for
                return self._new_client(service, region)
            client = self._new_client(service, region)
            _load_paginators(client)
            self._warm.add(service)
        return client

    def _new_client(self, service: str, region: str) -> Any:
        """A botocore client; an unusable endpoint or configuration is a clear core error."""
        from botocore.exceptions import BotoCoreError

        from .profile import setup_error

        session = self.session  # a broken configuration is its own clear error
        try:
            return session.client(
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
        """Refuse at once to send to an endpoint that ran out of time a moment ago (and send no
        more than a few requests at once to one that has not answered yet)."""
        if request is not None:
            self.breaker.admit(
                request.url, patience=self.reach.connect_timeout + self.reach.read_timeout
            )

    def _received(
        self, exception: BaseException | None = None, response_dict: Any = None, **_: Any
    ) -> None:
        """Each attempt's end: an answer proves the endpoint; a time-out holds it down at once,
        before botocore retries (every request waiting for it then fails at once)."""
        timed_out = None
        if exception is not None:
            from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

            if isinstance(exception, (ReadTimeoutError, ConnectTimeoutError)):
                timed_out = exception
        self.breaker.settled(answered=response_dict is not None, timed_out=timed_out)

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
            down = AwsUnreachable(
                exception.original,
                region,
                doing=f"calling {operation}",
                reach=self.reach,
                held=self.breaker.hold_seconds,
            )
            self.last_unreachable = (time.monotonic(), down.message)
            raise down
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


def _load_paginators(client: Any) -> None:
    """Have botocore's data loader read ``client``'s paginator definitions (and list its data
    folders) now, once, rather than in every thread that first pages a call."""
    from botocore import xform_name

    try:
        operations = client.meta.service_model.operation_names
        if operations:
            client.can_paginate(xform_name(operations[0]))
    except Exception:  # noqa: BLE001 - only a warm-up: the first paginated call reads them
        return
