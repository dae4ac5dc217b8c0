"""The client side of the community registry: its HTTP API as the core's typed calls and errors.

Every front door (the resolver's community tier, ``cws ami browse|rate|submit``, ``%cws``, the
Jupyter server's forwarding routes) reaches the registry through ``CommunityRegistryClient``.
The registry's JSON errors become the core's exceptions with the registry's own message and
field; a registry that does not answer becomes ``RegistryUnavailable`` naming its address.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, urlsplit

from ..errors import BadInput, Conflict, CwsError, NotFound

if TYPE_CHECKING:
    import urllib3

    from .models import AmiDetails, BestAMI, BrowsePage, RateResult, SubmitResult, UseResult

API = "/api/v1/community"
#: The largest answer read from a registry (a page of 100 records is far smaller).
MAX_ANSWER_BYTES = 4 * 1024 * 1024
#: After a registry failed to answer, how long this process skips it (seconds): a resolve that
#: checks a dozen regions waits for a dead registry once, not a dozen times.
QUIET_AFTER_FAILURE_S = 30.0


class Answer(NamedTuple):
    """What the registry answered: status, body (bounded), the Retry-After header if any."""

    status: int
    data: bytes
    retry_after: str | None


class RegistryUnavailable(CwsError):
    """The community registry did not answer (down, slow, not a registry)."""

    code = "registry_unavailable"
    exit_code = 1
    http_status = 503


class RegistryRefused(CwsError):
    """The registry refused a write (no token, a wrong or revoked one, too many writes...)."""

    code = "registry_refused"
    exit_code = 1
    #: Seconds the registry asked to wait (a 429), as it said them.
    retry_after: str | None = None

    def __init__(self, message: str, *, status: int, code: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.http_status = status
        self.code = code


class CommunityRegistryClient:
    """Calls to one registry, over a pooled HTTP connection, with an interactive tool's patience."""

    def __init__(self, url: str, *, token: str | None = None, timeout: float = 2.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadInput(
                f"not a registry address: {url!r} (use http://host:port, e.g. "
                "CWS_REGISTRY_URL=http://127.0.0.1:8948)",
                field="registry_url",
            )
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._pool: urllib3.PoolManager | None = None
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._failure = ""

    # -- reads --------------------------------------------------------------------------
    def browse(self, **filters: Any) -> BrowsePage:
        """One page of records (filters: template, category, region, q, sort, page, per_page)."""
        from .models import BrowsePage

        query = {k: str(v) for k, v in filters.items() if v not in (None, "")}
        return BrowsePage.model_validate(self._call("GET", f"{API}/amis", query=query))

    def details(self, ami_id: str, review_page: int | None = None) -> AmiDetails:
        """One record with its reviews (``ami_id``: a registry id or any EC2 image id it holds)."""
        from .models import AmiDetails

        query = {"review_page": str(review_page)} if review_page else None
        return AmiDetails.model_validate(self._call("GET", self._ami(ami_id), query=query))

    def best(self, template: str, region: str) -> BestAMI | None:
        """The registry's best image of ``template`` held in ``region`` (None: it has none)."""
        from .models import BestAMI

        try:
            body = self._call("GET", f"{API}/best", query={"template": template, "region": region})
        except NotFound:
            return None
        return BestAMI.model_validate(body)

    def health(self) -> dict[str, Any]:
        """The registry's own health answer."""
        return self._call("GET", "/health")

    # -- writes (need a token) -----------------------------------------------------------
    def submit(self, submission: dict[str, Any]) -> SubmitResult:
        """Publish images: ``template``, ``name``, ``regions`` ({region: image_id}), ..."""
        from .models import SubmitResult

        return SubmitResult.model_validate(
            self._call("POST", f"{API}/amis", body=submission, write=True)
        )

    def rate(self, ami_id: str, rating: int, review: str | None = None) -> RateResult:
        """Rate an image 1-5 (rating again replaces your earlier rating)."""
        from .models import RateResult

        body: dict[str, Any] = {"rating": rating}
        if review:
            body["review"] = review
        return RateResult.model_validate(
            self._call("POST", self._ami(ami_id) + "/rate", body=body, write=True)
        )

    def use(self, ami_id: str, region: str | None = None) -> UseResult:
        """Count a launch of the image (a download)."""
        from .models import UseResult

        body = {"region": region} if region else {}
        return UseResult.model_validate(
            self._call("POST", self._ami(ami_id) + "/use", body=body, write=True)
        )

    # -- plumbing -----------------------------------------------------------------------
    def _ami(self, ami_id: str) -> str:
        return f"{API}/amis/{quote(ami_id, safe='')}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        write: bool = False,
    ) -> Any:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if write:
            if not self.token:
                raise RegistryRefused(
                    f"writing to the registry at {self.url} needs a token: ask its admin for "
                    "one (`cws-registry token create <you>`) and set CWS_REGISTRY_TOKEN",
                    status=401,
                    code="unauthorized",
                    field="registry_token",
                )
            headers["Authorization"] = f"Bearer {self.token}"
        answer = self._send(method, path, query, data, headers)
        parsed = self._json(answer.data)
        if answer.status < 400:
            return parsed
        raise self._error(answer.status, parsed, answer.retry_after)

    def _send(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Answer:
        if self._failed_at is not None and time.monotonic() - self._failed_at < (
            QUIET_AFTER_FAILURE_S
        ):
            raise RegistryUnavailable(self._failure)
        import urllib3

        try:
            response = self._http().request(
                method,
                self.url + path,
                fields=query if method == "GET" else None,
                body=body,
                headers=headers,
                preload_content=False,
            )
            data = response.read(MAX_ANSWER_BYTES + 1, decode_content=True)
            response.release_conn()
        except urllib3.exceptions.HTTPError as exc:
            self._failure = (
                f"the community registry at {self.url} did not answer ({_reason(exc)}); "
                "check CWS_REGISTRY_URL or that `cws-registry` runs there"
            )
            self._failed_at = time.monotonic()
            raise RegistryUnavailable(self._failure) from None
        if len(data) > MAX_ANSWER_BYTES:
            raise RegistryUnavailable(f"the registry at {self.url} answered more than 4 MB")
        self._failed_at = None
        return Answer(response.status, data, response.headers.get("Retry-After"))

    def _http(self) -> urllib3.PoolManager:
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    import urllib3

                    self._pool = urllib3.PoolManager(
                        num_pools=4,
                        maxsize=8,
                        retries=False,
                        timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                    )
        return self._pool

    def _json(self, data: bytes) -> Any:
        try:
            return json.loads(data.decode("utf-8")) if data else {}
        except (UnicodeDecodeError, ValueError):
            raise RegistryUnavailable(
                f"{self.url} did not answer as a community registry (not JSON); check "
                "CWS_REGISTRY_URL"
            ) from None

    def _error(self, status: int, answer: Any, retry_after: str | None) -> CwsError:
        body = answer if isinstance(answer, dict) else {}
        message = str(body.get("message") or f"the registry answered HTTP {status}")
        field = body.get("field") if isinstance(body.get("field"), str) else None
        code = str(body.get("error") or "registry_error")
        if status == 404:
            return NotFound(message, field=field)
        if status == 409:
            return Conflict(message, field=field)
        if status in (400, 422):
            return BadInput(message, field=field)
        if status == 429:
            wait = f"; try again in {retry_after} s" if retry_after else ""
            refused = RegistryRefused(message + wait, status=429, code=code, field=field)
            refused.retry_after = retry_after
            return refused
        if status in (401, 403):
            return RegistryRefused(message, status=status, code=code, field=field)
        return RegistryUnavailable(f"the registry at {self.url} failed: {message}")


def _reason(exc: BaseException) -> str:
    """The cause in a few words: 'Connection refused', 'read timed out (2 s)'..."""
    import urllib3

    cause = getattr(exc, "reason", None) or exc
    refused = isinstance(cause, urllib3.exceptions.NewConnectionError)
    if not refused and isinstance(cause, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timed out"
    text = str(cause)
    if "] " in text:  # "[Errno 111] Connection refused"
        text = text.rsplit("] ", 1)[-1]
    return text.split(": ", 1)[-1][:160]
