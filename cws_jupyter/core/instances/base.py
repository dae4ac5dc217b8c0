"""The base image a script-provisioned workstation starts from: its distribution's current
image, found through the publisher's SSM public parameter (``base_images.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import Conflict
from ..yamlio import load_yaml

if TYPE_CHECKING:
    from ..aws.images import AMIInfo, ImageCatalog
    from ..templates.models import Template


@lru_cache(maxsize=1)
def _table() -> dict[str, object]:
    text = (resources.files(__package__) / "base_images.yaml").read_text(encoding="utf-8")
    return load_yaml(text)  # type: ignore[no-any-return]


def base_parameter(template: Template, arch: str) -> tuple[str, str]:
    """(base name, SSM parameter) for the template's ``base`` (or the default) and an architecture."""
    table = _table()
    bases: dict[str, dict[str, str]] = table["bases"]  # type: ignore[assignment]
    name = template.base if template.base in bases else str(table["default"])
    return name, bases[name][arch]


def base_image(catalog: ImageCatalog, template: Template, region: str, arch: str) -> AMIInfo:
    """The current base image for a template in a region (cached lookups)."""
    name, parameter = base_parameter(template, arch)
    value = catalog.ssm_values(region, [parameter]).get(parameter)
    images = catalog.by_ids(region, [value]) if value else []
    if not images:
        raise Conflict(
            f"no {name} base image ({arch}) in {region}: the parameter {parameter} "
            f"{'names no image' if value else 'does not exist there'}; launch in another region",
            field="region",
        )
    return images[0]
