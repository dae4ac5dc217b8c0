"""What cws-jupyter writes on the images it builds: tags (seen by the owner) and a description
marker (seen by accounts the image is shared with, who cannot see the owner's tags)."""

from __future__ import annotations

import hashlib
import json
import re

from ..errors import BadInput
from ..templates.models import Template

TEMPLATE = "cws:template"
TEMPLATE_HASH = "cws:template-hash"
CREATED_BY = "cws:created-by"
SOURCE_INSTANCE = "cws:source-instance"
SOURCE_AMI = "cws:source-ami"
SOURCE_REGION = "cws:source-region"
#: The base image a build's instance started from (an OS or publisher image, never an earlier
#: build of the same template) and its region: what ``cws ami outdated`` compares with the
#: template's current base. Copies carry both unchanged.
BASE_AMI = "cws:base-ami"
BASE_REGION = "cws:base-region"
#: On a builder instance of ``cws ami rebuild`` (launched, imaged, then terminated).
BUILDER = "cws:builder"
JOB = "cws:job"
NAME = "cws:name"
#: Tags cws-jupyter owns: a user's ``--tag`` may not set them.
RESERVED_PREFIXES = ("cws:", "aws:")

MARKER_RE = re.compile(r"\[cws:template=([a-z0-9][a-z0-9._-]*) cws:template-hash=([\w-]+)\]")
DESCRIPTION_MAX = 255
AMI_NAME_RE = re.compile(r"^[A-Za-z0-9()\[\] ./'@_-]{3,128}$")
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256


def template_hash(template: Template) -> str:
    """A short hash of what a template installs: a build from another version is stale."""
    content = {
        "base": template.base,
        "package_manager": template.package_manager.value if template.package_manager else None,
        "packages": template.packages.model_dump(mode="json"),
        "users": [u.model_dump(mode="json") for u in template.users],
        "services": [s.model_dump(mode="json") for s in template.services],
        "user_data": template.user_data,
        "post_install": template.post_install,
        "user_data_script": template.ami_config.user_data_script if template.ami_config else None,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return "v1-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def marker(slug: str, digest: str) -> str:
    """The description suffix naming the template and its hash."""
    return f"[cws:template={slug} cws:template-hash={digest}]"


def describe(text: str | None, slug: str, digest: str) -> str:
    """An image description: the user's text (cut to fit) followed by the marker."""
    tail = marker(slug, digest)
    head = (text or f"cws-jupyter build of template {slug}").strip()
    room = DESCRIPTION_MAX - len(tail) - 1
    if len(head) > room:
        head = head[: room - 1].rstrip() + "\u2026"
    return f"{head} {tail}"


def read_marker(description: str | None) -> tuple[str, str] | None:
    """(template slug, template hash) from a description's marker, or None."""
    found = MARKER_RE.search(description or "")
    return (found.group(1), found.group(2)) if found else None


def build_of(tags: dict[str, str], description: str | None) -> tuple[str, str | None] | None:
    """(template, hash) an image was built for: its tags (owner) or its marker (sharee)."""
    if tags.get(TEMPLATE):
        return tags[TEMPLATE], tags.get(TEMPLATE_HASH)
    found = read_marker(description)
    return found if found else None


def check_ami_name(name: str) -> str:
    """An AMI name AWS accepts (3-128 letters, digits and ``()[] ./-'@_``), else BadInput."""
    if not AMI_NAME_RE.match(name):
        raise BadInput(
            f"{name!r} is not a valid AMI name: use 3-128 letters, digits, spaces and "
            "( ) [ ] . / - ' @ _",
            field="name",
        )
    return name


def parse_user_tags(pairs: list[str] | dict[str, str] | None) -> dict[str, str]:
    """``["K=V", ...]`` (or a mapping) checked: no reserved prefixes, AWS's length limits."""
    if not pairs:
        return {}
    items = pairs.items() if isinstance(pairs, dict) else [_split_tag(p) for p in pairs]
    tags: dict[str, str] = {}
    for key, value in items:
        key = key.strip()
        if not key or len(key) > TAG_KEY_MAX:
            raise BadInput(f"tag key {key!r} must be 1-{TAG_KEY_MAX} characters", field="tags")
        if key.lower().startswith(RESERVED_PREFIXES):
            raise BadInput(
                f"tag key {key!r} is reserved (cws: tags are written by cws-jupyter, aws: by AWS)",
                field="tags",
            )
        if len(value) > TAG_VALUE_MAX:
            raise BadInput(
                f"tag {key!r}: the value is over {TAG_VALUE_MAX} characters", field="tags"
            )
        tags[key] = value
    return tags


def _split_tag(pair: str) -> tuple[str, str]:
    key, sep, value = pair.partition("=")
    if not sep:
        raise BadInput(f"tag {pair!r} is not KEY=VALUE", field="tags")
    return key, value


def as_aws(tags: dict[str, str]) -> list[dict[str, str]]:
    """Tags in AWS's ``[{"Key": ..., "Value": ...}]`` shape."""
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def copyable(tags: dict[str, str]) -> dict[str, str]:
    """An image's tags that may be written on a copy (``aws:`` tags are AWS's own)."""
    return {k: v for k, v in tags.items() if not k.lower().startswith("aws:")}
