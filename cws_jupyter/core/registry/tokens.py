"""Write tokens: random, shown once, stored only as a SHA-256 hash (with a short public prefix
so an administrator can name one to revoke)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "cwsr_"
#: Characters of a token kept in clear (``cwsr_`` + 8 hex digits: 32 of its 256 random bits).
SHOWN_CHARS = len(TOKEN_PREFIX) + 8
TOKEN_CHARS = len(TOKEN_PREFIX) + 64


def new_token() -> str:
    """A new token: ``cwsr_`` and 32 random bytes in hex."""
    return TOKEN_PREFIX + secrets.token_hex(32)


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_prefix(token: str) -> str:
    """The public part of a token (shown in lists, accepted by ``token revoke``)."""
    return token[:SHOWN_CHARS]


def looks_like_token(value: str) -> bool:
    """True for a whole token or its public prefix."""
    return value.startswith(TOKEN_PREFIX) and len(value) >= SHOWN_CHARS
