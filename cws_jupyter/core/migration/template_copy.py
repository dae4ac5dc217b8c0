"""Migrating a template: find its original file, refuse what would lose work, write the copy with
an ``ami_config`` into the user's template folder, and map new AMIs into that copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, CwsError, TemplateError
from ..templates.loader import TemplateLibrary
from .copies import (
    copy_path,
    in_folder,
    is_migrated_copy,
    read_raw,
    recorded_original,
    render_copy,
    with_ami_config,
    write_atomically,
)
from .models import CopyAction, TemplateMigration
from .sources import ami_config_for, newest_builds

if TYPE_CHECKING:
    from ..templates.loader import LoadedTemplate
    from ..templates.models import Template
    from .context import Services


@dataclass
class Source:
    """The document a copy is made from, the template it loads as, and the original it names."""

    document: dict[str, Any]
    template: Template
    #: The original template file (what the copy's header names).
    original: str
    #: True when an earlier migrated copy stands in for the original (gone, or being extended).
    from_copy: bool = False


def find_source(service: Services, loaded: LoadedTemplate) -> Source:
    """The original of a template: its own file, or, for a migrated copy, the file it copies."""
    path = Path(loaded.path)
    if not is_migrated_copy(path):
        return Source(read_raw(path), loaded.template, str(path))
    original = _original_behind(service, loaded.template.slug, path)
    if original is not None:
        return Source(read_raw(Path(original.path)), original.template, original.path)
    return Source(read_raw(path), loaded.template, recorded_original(path) or str(path), True)


def _original_behind(service: Services, slug: str, copy: Path) -> LoadedTemplate | None:
    """The template the copy shadows: the same slug on the search path without the copy's folder."""
    folders = [f for f in service.library.folders if not in_folder(copy, f)]
    try:
        return TemplateLibrary(folders).get(slug)
    except CwsError:
        return None


def check_target(service: Services, slug: str, loaded: LoadedTemplate, force: bool) -> CopyAction:
    """Refuse a user's own file for the slug (unless ``force``); say what writing will do."""
    user_dir = service.settings.user_template_dir
    target = copy_path(user_dir, slug)
    own = [target] if target.exists() and not is_migrated_copy(target) else []
    loaded_path = Path(loaded.path)
    if in_folder(loaded_path, user_dir) and not is_migrated_copy(loaded_path):
        own.append(loaded_path)
    own = list(dict.fromkeys(p.resolve() for p in own))
    if own and not force:
        raise Conflict(
            f"{own[0]} is a template of yours for '{slug}', not a copy written by `cws migrate`; "
            "writing the migrated copy would replace or shadow it (and its comments would be "
            "lost): move it away, or use --force",
            field="template",
        )
    if not target.exists():
        return "created"
    return "refreshed" if is_migrated_copy(target) else "overwritten"


def migrate_template(service: Services, ref: str, force: bool = False) -> TemplateMigration:
    """Write a copy of the template with an ami_config for its builds (or a search for them)."""
    loaded = service.get_template(ref)
    slug = loaded.template.slug
    source = find_source(service, loaded)
    if source.template.ami_config is not None and not source.from_copy and not force:
        raise Conflict(
            f"template '{slug}' already has an ami_config ({source.original}); `cws migrate "
            "template --force` replaces it with one for this account's builds",
            field="template",
        )
    action = check_target(service, slug, loaded, force)
    builds, notes = newest_builds(service, slug)
    config = ami_config_for(slug, {region: image.ami_id for region, image in builds.items()})
    return write_copy(service, slug, source, config, action, notes)


def map_ami(
    service: Services, slug: str, region: str, ami_id: str, force: bool = False
) -> TemplateMigration:
    """Map ``ami_id`` for ``region`` into the template's copy (made first if there is none)."""
    target = copy_path(service.settings.user_template_dir, slug)
    notes: list[str] = []
    action: CopyAction = "refreshed"
    # An existing copy keeps its ami_config (and other mappings); a new one starts from the
    # template's own ami_config, or from the one `migrate_template` would write.
    if is_migrated_copy(target):
        copy = read_raw(target)
        original = recorded_original(target) or str(target)
        source = Source(copy, service.get_template(slug).template, original, from_copy=True)
        config = dict(copy.get("ami_config") or {})
    else:
        loaded = service.get_template(slug)
        action = check_target(service, slug, loaded, force)
        source = find_source(service, loaded)
        if source.template.ami_config is not None:
            config = dict(source.document.get("ami_config") or {})
        else:
            builds, notes = newest_builds(service, slug)
            config = ami_config_for(slug, {r: image.ami_id for r, image in builds.items()})
    mappings = dict(config.get("ami_mappings") or {})
    mappings[region] = ami_id
    config["ami_mappings"] = dict(sorted(mappings.items()))
    return write_copy(service, slug, source, config, action, notes)


def write_copy(
    service: Services,
    slug: str,
    source: Source,
    config: dict[str, Any],
    action: CopyAction,
    notes: list[str],
) -> TemplateMigration:
    """Render the copy, check it loads, put it in place, and say whether it is now the one used."""
    target = copy_path(service.settings.user_template_dir, slug)
    document = with_ami_config(source.document, slug, config)
    text = render_copy(document, source.original)
    warnings = list(notes)

    def check(temp: Path) -> None:
        """The temporary file must load as a template (with its parents); else nothing changes."""
        result = service.validate_templates([temp])[0]
        problems = [m.replace(str(temp), str(target)) for m in result.errors]
        if not result.ok:
            raise TemplateError(
                f"the migrated copy of '{slug}' would not load, so nothing was written",
                problems=problems,
            )
        warnings.extend(m.replace(str(temp), str(target)) for m in result.warnings)

    write_atomically(target, text, check)  # the library sees the new file by itself
    now = service.get_template(slug)
    active = Path(now.path).resolve() == target.resolve()
    if not active:
        warnings.append(
            f"{now.path} comes before the copy on the template search path, so '{slug}' still "
            f"loads from it; move or rename it for the copy ({target}) to be used"
        )
    return TemplateMigration(
        template=slug,
        path=str(target),
        original_path=source.original,
        action=action,
        ami_config=config,
        mappings=dict(config.get("ami_mappings") or {}),
        searches_own_builds="ami_search" in config and not config.get("ami_mappings"),
        active=active,
        shadowed_by=None if active else now.path,
        warnings=warnings,
    )
