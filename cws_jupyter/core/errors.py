"""One exception family for the whole core; each front door maps it once."""

from __future__ import annotations

from typing import Any


class CwsError(Exception):
    """A failure the user can act on: a code, a message that says how to fix it, the field at fault."""

    code: str = "error"
    #: CLI exit code: 2 for bad input, 1 for an operation that failed.
    exit_code: int = 1
    #: HTTP status for the REST front door.
    http_status: int = 500

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body shared by the CLI's --json and the REST API."""
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.details is not None:
            body["details"] = self.details
        return body


class BadInput(CwsError):
    """The caller asked for something malformed (a bad region, strategy, option value)."""

    code = "bad_input"
    exit_code = 2
    http_status = 400


class NotFound(BadInput):
    """The caller named something that does not exist (an unknown template)."""

    code = "not_found"
    http_status = 404


class TemplateError(BadInput):
    """A template file cannot be loaded; ``problems`` lists each per-field message."""

    code = "invalid_template"

    def __init__(
        self, message: str, *, problems: list[str] | None = None, field: str | None = None
    ):
        super().__init__(message, field=field, details=problems or None)
        self.problems = problems or []


class ResolutionFailed(CwsError):
    """No AMI could be found and the strategy forbids script provisioning."""

    code = "resolution_failed"
    exit_code = 1
    http_status = 409


class AwsUnavailable(CwsError):
    """AWS (or the sandbox) cannot be reached or no credentials are configured."""

    code = "aws_unavailable"
    exit_code = 1
    http_status = 503


class Unsupported(CwsError):
    """What was asked cannot be done in this configuration (e.g. a Pricing API on the sandbox)."""

    code = "unsupported"
    exit_code = 1
    http_status = 409


class Conflict(CwsError):
    """The request clashes with the current state: a name in use, an instance in the wrong state."""

    code = "conflict"
    exit_code = 1
    http_status = 409


class OperationFailed(CwsError):
    """AWS accepted an operation that then failed (an image that ended 'failed', a timed-out wait)."""

    code = "operation_failed"
    exit_code = 1
    http_status = 502
