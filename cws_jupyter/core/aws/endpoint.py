"""An endpoint override (AWS_ENDPOINT_URL) is checked before any client is built."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ..errors import BadInput

EXAMPLES = "e.g. http://localhost:4566 or https://ec2.eu-west-1.amazonaws.com"
#: botocore's rule for a host name (``botocore.utils.is_valid_endpoint_url``), kept here so a
#: check needs no botocore (its import alone costs more than the whole check).
HOST_RE = re.compile(r"^((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))$", re.IGNORECASE)
#: The zone of a scoped IPv6 address (``fe80::1%25eth0``), as botocore accepts it.
ZONE_RE = re.compile(r"^(?:[A-Za-z0-9._!\-~]|%[a-fA-F0-9]{2})+$")


def _valid_host(host: str) -> bool:
    """A DNS name, an IPv4 address or an IPv6 address (with an optional zone), as botocore
    accepts them."""
    if len(host) > 255:
        return False
    name = host[:-1] if host.endswith(".") else host
    if HOST_RE.match(name):
        return True
    address, percent, zone = host.partition("%")
    if percent and not ZONE_RE.match(zone):
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be an AWS endpoint (None when it can)."""
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
    if not _valid_host(parts.hostname):
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
