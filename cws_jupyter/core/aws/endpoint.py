"""An endpoint override (AWS_ENDPOINT_URL) is checked before any client is built."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import BadInput

EXAMPLES = "e.g. http://localhost:4566 or https://ec2.eu-west-1.amazonaws.com"


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be an AWS endpoint (None when it can)."""
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    if any(c.isspace() or ord(c) < 32 for c in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it has no host name"
    if parts.query or parts.fragment:
        return "it must not have a query (?...) or a fragment (#...)"
    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return "its host name is not valid"
    return None


def check_endpoint_url(url: str | None, variable: str = "AWS_ENDPOINT_URL") -> str | None:
    """``url`` when it is a usable endpoint (None stays None); BadInput naming ``variable``."""
    if url is None:
        return None
    problem = endpoint_problem(url)
    if problem:
        raise BadInput(
            f"{variable} is not a usable endpoint URL ({problem}; got {url[:200]!r}): give a "
            f"full URL, {EXAMPLES}, or unset {variable} to use AWS itself",
            field=variable,
        )
    return url
