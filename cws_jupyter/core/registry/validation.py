"""Every input checked once, each failure a BadInput naming the field and saying how to fix it."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import BadInput
from . import limits
from .ids import is_image_id, is_registry_id
from .models import RateRequest, Submission, UseRequest

Model = TypeVar("Model", bound=BaseModel)

SLUG = re.compile(limits.SLUG_PATTERN)
USER = re.compile(limits.USER_PATTERN)
ACCOUNT = re.compile(limits.ACCOUNT_PATTERN)
#: Characters that have no place in a name or version (control characters).
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shown(value: object, limit: int = 60) -> str:
    """A short, safe rendering of a bad value for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "[key]") or "body"


def _message(error: dict[str, Any], field: str) -> str:
    """One pydantic error as a sentence with its fix."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        return f"{field} is not a field of this request; remove it (check its spelling)"
    if kind == "string_too_long":
        return f"{field} is longer than {ctx.get('max_length')} characters; shorten it"
    if kind == "string_too_short":
        return f"{field} must not be empty"
    if kind == "too_long":
        return f"{field} has more than {ctx.get('max_length')} entries; send fewer"
    if kind == "too_short":
        return f"{field} needs at least {ctx.get('min_length')} entry"
    if kind == "string_pattern_mismatch":
        return f"{field} {_shown(error.get('input'))} does not match {ctx.get('pattern')}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"{field} must be a whole number (e.g. 4), not {_shown(error.get('input'))}"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = ctx.get("ge"), ctx.get("le")
        bound = f"at least {low}" if low is not None else f"at most {high}"
        return f"{field} must be {bound}, not {_shown(error.get('input'))}"
    if kind == "string_type":
        return f"{field} must be a string, not {type(error.get('input')).__name__}"
    if kind in ("dict_type", "model_type"):
        return f"{field} must be a JSON object"
    return f"{field}: {error.get('msg', 'invalid value')}"


def parse_model(model: type[Model], data: Any) -> Model:
    """``data`` (parsed JSON) as ``model``; the first problem as a BadInput naming its field."""
    if not isinstance(data, dict):
        raise BadInput("the request body must be a JSON object", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error.get("loc", ()))
        # a bad key of a mapping is reported by pydantic at the key itself: name the mapping
        field = _field_name(loc)
        raise BadInput(_message(dict(error), field), field=field) from None


def _check_text(value: str, field: str) -> None:
    if not value.strip():
        raise BadInput(f"{field} must not be blank", field=field)
    if CONTROL.search(value):
        raise BadInput(f"{field} must not contain control characters", field=field)


def check_region(region: str, field: str = "region") -> str:
    """A region AWS has; BadInput naming ``field`` with the nearest spelling otherwise."""
    from ..regions import validate_region

    try:
        return validate_region(region)
    except BadInput as exc:
        raise BadInput(exc.message, field=field) from None


def submission(data: Any) -> Submission:
    """A submission body, every field checked (regions against the known regions)."""
    if isinstance(data, Submission):
        data = data.model_dump()
    parsed = parse_model(Submission, data)
    _check_text(parsed.name, "name")
    if CONTROL.search(parsed.version):
        raise BadInput("version must not contain control characters", field="version")
    for region in parsed.regions:
        check_region(region, f"regions.{region}")
    return parsed


def rate_request(data: Any) -> RateRequest:
    """A rating body."""
    return parse_model(RateRequest, data)


def use_request(data: Any) -> UseRequest:
    """A download body (may be empty: ``{}``)."""
    parsed = parse_model(UseRequest, data if data is not None else {})
    if parsed.region is not None:
        check_region(parsed.region)
    return parsed


def ami_ref(value: str) -> str:
    """A registry id or an EC2 image id; BadInput (field ami_id) for anything else."""
    if not isinstance(value, str) or not (is_registry_id(value) or is_image_id(value)):
        raise BadInput(
            f"{_shown(value)} is neither a registry id (cami- and 16 hex digits) nor an EC2 "
            "image id (ami- and 8 to 17 hex digits)",
            field="ami_id",
        )
    return value


def slug(value: str, field: str, max_chars: int) -> str:
    """A template slug or a category."""
    if len(value) > max_chars:
        raise BadInput(f"{field} is longer than {max_chars} characters", field=field)
    if not SLUG.match(value):
        raise BadInput(
            f"{field} {_shown(value)} must be lower-case letters, digits and . _ - "
            "(e.g. python-ml)",
            field=field,
        )
    return value


def integer(value: str | int | None, field: str, default: int, low: int, high: int) -> int:
    """A whole number within [low, high] from a query string value (None: the default)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise BadInput(f"{field} must be a whole number", field=field)
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", text):
            raise BadInput(
                f"{field} must be a whole number from {low} to {high}, not {_shown(value)}",
                field=field,
            )
        value = int(text)
    if not low <= value <= high:
        raise BadInput(f"{field} must be from {low} to {high}, not {value}", field=field)
    return value


def sort(value: str | None) -> str:
    """One of the browse orders."""
    if value is None or value == "":
        return "best"
    if value not in limits.SORTS:
        raise BadInput(
            f"sort {_shown(value)} is not an order; use one of {', '.join(limits.SORTS)}",
            field="sort",
        )
    return value


def query_text(value: str | None) -> str | None:
    """The search text (None or blank: no search)."""
    if value is None or not value.strip():
        return None
    if len(value) > limits.MAX_QUERY_CHARS:
        raise BadInput(
            f"q is longer than {limits.MAX_QUERY_CHARS} characters; search for less", field="q"
        )
    if CONTROL.search(value):
        raise BadInput("q must not contain control characters", field="q")
    return value.strip()


def user_name(value: str) -> str:
    """A registry user name."""
    if not isinstance(value, str) or not 1 <= len(value) <= limits.MAX_USER_CHARS:
        raise BadInput(f"a user name has 1 to {limits.MAX_USER_CHARS} characters", field="user")
    if not USER.match(value):
        raise BadInput(
            f"user {_shown(value)} may hold letters, digits and . _ @ - only", field="user"
        )
    return value


def account_id(value: str | None) -> str | None:
    """A 12-digit AWS account id (None: no account bound)."""
    if value is None:
        return None
    if not ACCOUNT.match(value):
        raise BadInput(
            f"account {_shown(value)} is not an AWS account id (12 digits)", field="account"
        )
    return value
