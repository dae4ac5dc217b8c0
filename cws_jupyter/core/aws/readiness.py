"""Is AWS usable as configured? Answered without an AWS API call (for health checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CwsError

if TYPE_CHECKING:
    from ..config import Settings


def aws_readiness(settings: Settings) -> tuple[str, str | None]:
    """('sandbox' | 'aws' | 'unconfigured', what is wrong and how to fix it, or None).

    Reads the profile, the AWS files and the credential chain as a command would (which may
    ask the instance metadata service for credentials), but calls no AWS API.
    """
    if settings.sandbox:
        return "sandbox", None
    from .endpoint import check_endpoint_url
    from .profile import open_session

    try:
        check_endpoint_url(settings.endpoint_url)
        open_session(settings)
    except CwsError as exc:
        return "unconfigured", exc.message
    return "aws", None
