"""Users and their write tokens: made, revoked, checked on each write, and rate-limited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import NotFound
from . import validation, writes
from .errors import RateLimited, Unauthorized
from .models import Principal, TokenCreated
from .ratelimit import RateLimiter
from .storage import Database
from .tokens import TOKEN_CHARS, looks_like_token, new_token, token_hash, token_prefix


class Accounts:
    """The token half of ``CommunityRegistry`` (it provides ``db``, ``clock`` and ``limiter``)."""

    db: Database
    clock: Callable[[], datetime]
    limiter: RateLimiter

    def create_token(self, user: str, account: str | None = None) -> TokenCreated:
        """A new token for ``user`` (created if new), bound to AWS ``account`` when given (a
        token made without one keeps the user's earlier binding). The plaintext is only in the
        answer: the database keeps its hash."""
        name = validation.user_name(user)
        account = validation.account_id(account)
        token = new_token()
        now = self.clock()
        with self.db.write() as sql:
            bound = writes.upsert_user(sql, name, account, now)
            writes.insert_token(sql, token_hash(token), name, token_prefix(token), now)
        return TokenCreated(user=name, token=token, prefix=token_prefix(token), account_id=bound)

    def revoke_token(self, user_or_prefix: str) -> int:
        """Revoke every live token of a user, or the token with this prefix (or this whole
        token); how many were revoked. NotFound when none matched."""
        value = (user_or_prefix or "").strip()
        if looks_like_token(value):
            column, key = (
                ("token_hash", token_hash(value))
                if len(value) == TOKEN_CHARS
                else ("prefix", token_prefix(value))
            )
        else:
            column, key = "user_id", validation.user_name(value)
        with self.db.write() as sql:
            count = writes.revoke(sql, column, key, self.clock())
        if not count:
            what = "token" if column != "user_id" else "live token of user"
            raise NotFound(f"no {what} {token_prefix(value)!r} to revoke", field="token")
        return count

    def authenticate(self, token: str | None) -> Principal:
        """The user a bearer token belongs to; Unauthorized when missing, unknown or revoked."""
        if not token:
            raise Unauthorized(
                "this request needs a registry token: send `Authorization: Bearer <token>` (an "
                "administrator makes one with `cws-registry token create USER`)",
                field="Authorization",
            )
        if len(token) > 200:
            raise Unauthorized("the token is not valid", field="Authorization")
        digest = token_hash(token)
        with self.db.read() as sql:
            row = writes.principal_row(sql, digest)
        if row is None:
            raise Unauthorized(
                "the token is unknown or revoked; ask the registry administrator for a new one",
                field="Authorization",
            )
        return Principal(user_id=row[0], account_id=row[1], token_prefix=row[2], token_hash=digest)

    def admit_write(self, who: Principal) -> None:
        """Count a write against the token's limit; RateLimited (with Retry-After) over it."""
        wait = self.limiter.hit(who.token_hash or who.user_id)
        if wait is not None:
            raise RateLimited(
                f"too many writes with this token: at most {self.limiter.limit} a minute; "
                f"retry in {wait} s",
                retry_after=wait,
            )
