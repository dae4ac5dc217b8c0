"""Cell mode: the template written in the cell stands for the template name ``<cell>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The template argument the cell magic passes to a verb; no real slug can contain ``<``.
CELL_REF = "<cell>"


class CellService:
    """A service whose template lookups answer ``<cell>`` with the cell's template."""

    def __init__(self, service: Any, text: str) -> None:
        """Wrap ``service``; ``text`` is the cell's YAML."""
        self._service = service
        self._text = text
        self._loaded: Any = None

    def __getattr__(self, name: str) -> Any:
        """Everything not overridden comes from the real service."""
        return getattr(self._service, name)

    def _pick(self, template: Any) -> Any:
        """The cell's loaded template for ``<cell>``; any other reference unchanged."""
        if template != CELL_REF:
            return template
        if self._loaded is None:
            self._loaded = self._service.load_inline(self._text, CELL_REF)
        return self._loaded

    def get_template(self, ref: str) -> Any:
        """One template by name, the cell's for ``<cell>``."""
        picked = self._pick(ref)
        return picked if picked is not ref else self._service.get_template(ref)

    def resolve(self, template: Any, *args: Any, **kwargs: Any) -> Any:
        """Resolve, the cell's template for ``<cell>``."""
        return self._service.resolve(self._pick(template), *args, **kwargs)

    def test_availability(self, template: Any, *args: Any, **kwargs: Any) -> Any:
        """Availability matrix, the cell's template for ``<cell>``."""
        return self._service.test_availability(self._pick(template), *args, **kwargs)

    def costs(self, template: Any, *args: Any, **kwargs: Any) -> Any:
        """Cost comparison, the cell's template for ``<cell>``."""
        return self._service.costs(self._pick(template), *args, **kwargs)

    def validate_templates(self, paths: list[Path]) -> list[Any]:
        """Validation results; ``<cell>`` validates the cell (errors are results, never raised)."""
        files = [p for p in paths if str(p) != CELL_REF]
        checks = list(self._service.validate_templates(files)) if files else []
        if len(files) < len(paths):
            checks.insert(0, self._check_cell())
        return checks

    def _check_cell(self) -> Any:
        """The cell's ``TemplateCheck``: ok with warnings, or its errors."""
        return self._service.validate_inline(self._text, CELL_REF)
