"""The registry's own failures, in the core's one exception family (each carries its HTTP status)."""

from __future__ import annotations

from ..errors import Conflict, CwsError


class Unauthorized(CwsError):
    """A write without a token, or with a token the registry does not know (or has revoked)."""

    code = "unauthorized"
    exit_code = 2
    http_status = 401


class SelfRating(CwsError):
    """A user tried to rate an image they submitted."""

    code = "self_rating"
    exit_code = 2
    http_status = 403


class RateLimited(CwsError):
    """Too many writes with one token in the current window; ``retry_after`` says when to retry."""

    code = "rate_limited"
    exit_code = 1
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class DuplicateImage(Conflict):
    """A claimed EC2 image is already listed by another registry record."""

    code = "duplicate_image"


class StorageUnavailable(CwsError):
    """The registry's database cannot be opened or reached."""

    code = "storage_unavailable"
    exit_code = 1
    http_status = 503
