"""AWS that cannot be reached, does not answer, or answers nonsense: one clear error that names
the endpoint, the patience used (timeouts, attempts) and the setting that changes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import AwsUnavailable

#: Longest piece of a botocore message repeated in ours (some carry a whole HTTP body).
MAX_DETAIL = 200


@dataclass(frozen=True)
class Reach:
    """How an AwsAccess reaches AWS: its endpoint and its patience (for error messages)."""

    label: str = "aws"
    endpoint_url: str | None = None
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    max_attempts: int = 3

    def hint(self) -> str:
        """Where the calls went, when it is not AWS itself (empty for AWS)."""
        if self.label == "sandbox":
            return (
                f" (the sandbox at {self.endpoint_url}: restart it with `cws sandbox stop` "
                "and `cws sandbox start`)"
            )
        if self.endpoint_url:
            return (
                f" (the endpoint is {self.endpoint_url}, from AWS_ENDPOINT_URL: is it running, "
                "and is it the right address?)"
            )
        return ""


def is_network_failure(exc: BaseException) -> bool:
    """True for a failure of the connection or of the reply, as opposed to an AWS answer."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError, IncompleteReadError
    from botocore.parsers import ResponseParserError

    return isinstance(
        exc, (BotoConnectionError, HTTPClientError, IncompleteReadError, ResponseParserError)
    )


#: Protocols whose successful answers are XML rooted at ``<{Operation}Response``.
XML_PROTOCOLS = ("ec2", "query")
#: Protocols whose successful answers are a JSON object (or nothing).
JSON_PROTOCOLS = ("json", "rest-json")


def check_answer(operation_model: Any = None, response_dict: Any = None, **_: Any) -> None:
    """Refuse a successful-looking answer that is not the operation's (an HTML page, say, which
    botocore's XML parser would read as an empty result): a ResponseParserError instead."""
    from botocore.parsers import ResponseParserError

    if operation_model is None or not isinstance(response_dict, dict):
        return
    protocol = getattr(operation_model.service_model, "protocol", "")
    status = response_dict.get("status_code", 0)
    body = response_dict.get("body")
    if not 200 <= status < 300 or not isinstance(body, bytes):
        return
    if protocol in XML_PROTOCOLS:
        sound = f"<{operation_model.name}Response".encode() in body[:2048]
    elif protocol in JSON_PROTOCOLS:
        sound = body.lstrip()[:1] in (b"{", b"")
    else:
        return
    if not sound:
        raise ResponseParserError(f"the answer to {operation_model.name} is not an AWS answer")


def one_line(text: object, limit: int = MAX_DETAIL) -> str:
    """A message fragment on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def network_message(exc: BaseException, where: str, reach: Reach | None) -> str:
    """What to tell the user about a network failure ``where`` (e.g. 'in eu-west-1 while ...')."""
    from botocore.exceptions import BotoCoreError, ConnectTimeoutError, ReadTimeoutError
    from botocore.parsers import ResponseParserError

    reach = reach or Reach()
    hint = reach.hint()
    tries = f"{reach.max_attempts} attempt{'s' if reach.max_attempts != 1 else ''}"
    if isinstance(exc, ReadTimeoutError):
        return (
            f"AWS did not answer in time {where}: no reply within {reach.read_timeout:g} s, "
            f"{tries}{hint}. Try again in a moment; on a slow network raise "
            "CWS_AWS_READ_TIMEOUT (seconds)"
        )
    if isinstance(exc, ConnectTimeoutError):
        return (
            f"cannot reach AWS {where}: no connection within {reach.connect_timeout:g} s, "
            f"{tries}{hint}. Check the network and try again; on a slow network raise "
            "CWS_AWS_CONNECT_TIMEOUT (seconds)"
        )
    if isinstance(exc, ResponseParserError) or not isinstance(exc, (BotoCoreError, OSError)):
        where_from = (
            hint
            or " (a proxy or firewall may be answering in AWS's place: check HTTPS_PROXY and the network)"
        )
        return f"AWS {where} sent an answer that is not an AWS response{where_from}"
    return f"cannot reach AWS {where}: {_what_failed(exc)}{hint}; check the network and try again"


def _what_failed(exc: BaseException) -> str:
    """A connection failure in a few words (botocore's own words when nothing better is known)."""
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

    url = getattr(exc, "kwargs", {}).get("endpoint_url")
    if isinstance(exc, ConnectionClosedError):
        return f"the connection to {url} was closed before any answer came"
    if isinstance(exc, EndpointConnectionError):
        return f"nothing answered at {url} (connection refused, or no such host)"
    return one_line(exc)


class AwsUnreachable(AwsUnavailable):
    """AWS could not be reached or answered nonsense (mapped where the call failed, and told
    what was being done by the ``aws_errors`` block around it, when there is one)."""

    def __init__(
        self,
        original: BaseException,
        region: str,
        *,
        doing: str | None = None,
        reach: Reach | None = None,
        held: float | None = None,
    ) -> None:
        self.original = original
        self.region = region
        self.reach = reach
        self.held = held
        where = f"in {region}" + (f" while {doing}" if doing else "")
        message = network_message(original, where, reach)
        if held:
            message += f" (not tried again: the endpoint ran out of time less than {held:g} s ago)"
        super().__init__(message, details={"region": region})

    def while_doing(self, region: str, doing: str | None) -> AwsUnreachable:
        """The same failure, told what was being done (and where)."""
        return AwsUnreachable(self.original, region, doing=doing, reach=self.reach, held=self.held)
