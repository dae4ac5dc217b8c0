"""Migrating a workstation: image it, then map the new AMI into its template's copy."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..errors import NotFound
from ..progress import Reporter, silent
from .copies import copy_path, is_migrated_copy
from .models import InstanceMigration
from .template_copy import check_target, map_ami

if TYPE_CHECKING:
    from .context import Services


def migrate_instance(
    service: Services,
    name: str,
    *,
    force: bool = False,
    progress: Reporter = silent,
    cancel: threading.Event | None = None,
) -> InstanceMigration:
    """Build an AMI from the workstation ``name`` and map it into its template's copy."""
    instances = service.instances
    found = instances.lookup(name)
    if found is None:
        raise NotFound(f"no workstation named {name!r} (see `cws list` for yours)", field="name")
    instance_id, region = found
    slug = instances.ctx.book.get(name).template
    target = copy_path(service.settings.user_template_dir, slug)
    if not is_migrated_copy(target):  # refuse before building anything, not after
        check_target(service, slug, service.get_template(slug), force)
    build = service.images.create(slug, name, progress=progress, cancel=cancel)
    copy = map_ami(service, slug, build.region, build.ami_id, force=force)
    return InstanceMigration(
        workstation=name,
        instance_id=instance_id,
        region=build.region or region,
        template=slug,
        ami_id=build.ami_id,
        build=build,
        template_copy=copy,
    )
