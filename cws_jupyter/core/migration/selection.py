"""Which templates a migration tool works on: the ones named, or every one on the search path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates.loader import LoadedTemplate
    from .context import Services


def chosen_templates(
    service: Services, refs: list[str] | None
) -> tuple[list[LoadedTemplate], list[str]]:
    """The templates named (each must load), or every template on the path and the load errors."""
    if refs:
        named = [service.get_template(ref) for ref in dict.fromkeys(refs)]
        return list({item.template.slug: item for item in named}.values()), []
    found, failed = service.library.list()
    return found, [message for error in failed for message in (error.problems or [error.message])]
