"""The route table's vocabulary: a route, its operations (verbs) and their parameters.

The table itself is ``routes.ROUTES``; tornado's rules, the OpenAPI document and the handlers'
query checks are all built from these shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jupyter_server.utils import url_path_join

from . import NAMESPACE

STRATEGIES = ("ami_preferred", "ami_required", "ami_fallback")
ARCHITECTURES = ("x86_64", "arm64")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Path segments narrower than "anything but a slash".
SEGMENTS = {"ami_id": "ami-[^/]*"}


@dataclass(frozen=True)
class Param:
    """A path or query parameter; ``enum`` values are enforced, not only documented."""

    name: str
    description: str
    location: str = "query"
    enum: tuple[str, ...] = ()
    example: str | None = None
    pattern: str | None = None

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema."""
        schema: dict[str, Any] = {"type": "string"}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.pattern:
            schema["pattern"] = self.pattern
        if self.location == "path":
            schema["minLength"] = 1
        return schema


@dataclass(frozen=True)
class Operation:
    """One verb of a route: its inputs, its success answer and the errors it documents."""

    operation_id: str
    summary: str
    response: str
    status: int = 200
    params: tuple[Param, ...] = ()
    body: str | None = None
    errors: tuple[int, ...] = ()
    description: str = ""
    #: Other success answers: (status, model, when).
    alternatives: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class Route:
    """A path under the API root (``{name}`` marks a path parameter), its handler and its verbs."""

    path: str
    handler: type
    operations: dict[str, Operation] = field(default_factory=dict)

    def pattern(self) -> str:
        """The tornado URL pattern, relative to the server's base_url (an ``ami_id`` segment
        must start with ``ami-``, so ``ami/resolve`` stays an unknown route, not a bad id)."""
        regex = _PLACEHOLDER.sub(
            lambda m: f"(?P<{m.group(1)}>{SEGMENTS.get(m.group(1), '[^/]+')})", self.path
        )
        return url_path_join(NAMESPACE, regex)

    def path_params(self) -> list[str]:
        """The names of the path's parameters, in order."""
        return _PLACEHOLDER.findall(self.path)
