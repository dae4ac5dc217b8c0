"""Instance types and architectures: never pair an arm64 AMI with an x86_64 instance type."""

from __future__ import annotations

import re

from ..errors import BadInput
from ..templates.fields import Architecture
from ..templates.models import Template

FAMILY_RE = re.compile(r"^([a-z]+)(\d+)([a-z-]*)$")
#: Graviton counterparts of common x86 families (and back), same size names.
COUNTERPARTS = {
    "t3": "t4g",
    "t3a": "t4g",
    "m5": "m6g",
    "m6i": "m7g",
    "m7i": "m7g",
    "c5": "c6g",
    "c6i": "c7g",
    "c7i": "c7g",
    "r5": "r6g",
    "r6i": "r7g",
    "r7i": "r7g",
    "g4dn": "g5g",
}
REVERSE = {
    "t4g": "t3",
    "m6g": "m5",
    "m7g": "m7i",
    "c6g": "c5",
    "c7g": "c7i",
    "r6g": "r5",
    "r7g": "r7i",
    "g5g": "g4dn",
    "m8g": "m7i",
    "c8g": "c7i",
    "r8g": "r7i",
}
DEFAULT_TYPE = {"x86_64": "t3.medium", "arm64": "t4g.medium"}


def architecture_of(instance_type: str) -> str:
    """``t4g.medium`` -> arm64, ``g4dn.xlarge`` -> x86_64 (Graviton families carry a 'g' suffix)."""
    family = instance_type.split(".", 1)[0]
    if family == "a1":
        return "arm64"
    match = FAMILY_RE.match(family)
    return "arm64" if match and "g" in match.group(3) else "x86_64"


def counterpart(instance_type: str, arch: str) -> str | None:
    """The same size in the other architecture's usual family, if one is known."""
    family, _, size = instance_type.partition(".")
    table = COUNTERPARTS if arch == "arm64" else REVERSE
    other = table.get(family)
    return f"{other}.{size}" if other else None


def instance_type_for(template: Template, arch: str) -> tuple[str, str | None]:
    """Pick an instance type matching ``arch``; returns (type, a note when the default was changed)."""
    config = template.ami_config
    if config and arch in {a.value for a in config.instance_types}:
        return next(t for a, t in config.instance_types.items() if a.value == arch), None
    default = template.instance_defaults.type
    if default and architecture_of(default) == arch:
        return default, None
    for preferred in template.instance_defaults.instance_type_preference:
        if architecture_of(preferred) == arch:
            return preferred, None
    size = default.partition(".")[2] if default else "medium"
    for family in config.instance_family_preference if config else []:
        candidate = f"{family}.{size}"
        if architecture_of(candidate) == arch:
            return candidate, _changed(default, candidate, arch)
    swapped = counterpart(default, arch) if default else None
    chosen = swapped or DEFAULT_TYPE[arch]
    return chosen, _changed(default, chosen, arch)


def _changed(default: str | None, chosen: str, arch: str) -> str | None:
    if not default:
        return None
    return (
        f"instance type {default} is {architecture_of(default)}; using {chosen} for the {arch} AMI"
    )


def candidate_architectures(template: Template, architecture: str | None = None) -> list[str]:
    """Architectures to look for, best first: the caller's, else the template's preferences."""
    if architecture:
        try:
            return [Architecture(architecture).value]
        except ValueError:
            raise BadInput(
                f"unknown architecture '{architecture}' (use x86_64 or arm64)", field="architecture"
            ) from None
    config = template.ami_config
    order: list[str] = []
    if config and config.preferred_architecture:
        order.append(config.preferred_architecture.value)
    if template.instance_defaults.type:
        order.append(architecture_of(template.instance_defaults.type))
    if config and config.ami_search:
        order += [a.value for a in config.ami_search.architecture]
    order.append("x86_64")
    return list(dict.fromkeys(order))
