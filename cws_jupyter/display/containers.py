"""Display wrappers for results that are not one pydantic object: lists, notices."""

from __future__ import annotations

from typing import Any


class CheckList(list):  # type: ignore[type-arg]
    """The ``TemplateCheck`` list of a validation: still a list, shown as a table."""

    def _repr_html_(self) -> str:
        """HTML: a verdict per file, errors and warnings."""
        from .catalog import checks_html

        return checks_html(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Plain text, as the CLI prints it."""
        from .text import as_text

        p.text("[...]" if cycle else as_text("render_checks", list(self)))

    @property
    def ok(self) -> bool:
        """True when every template loaded (warnings are fine)."""
        return all(check.ok for check in self)


class FallbackList(list):  # type: ignore[type-arg]
    """The ``RegionFallback`` rows of the region map: still a list, shown as a table."""

    def _repr_html_(self) -> str:
        """HTML: region, name, continent, neighbours."""
        from .catalog import fallbacks_html

        return fallbacks_html(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Plain text, as the CLI prints it."""
        from .text import as_text

        p.text("[...]" if cycle else as_text("render_fallbacks", list(self)))


class Notice(str):
    """A one-line message (e.g. "sandbox stopped") shown without quotes."""

    def _repr_html_(self) -> str:
        """HTML: the message, escaped."""
        from .catalog import message_html

        return message_html(str(self))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Plain text: the message itself."""
        p.text(str(self))


def displayable(result: Any) -> Any:
    """Wrap list results in their display container (other results display through formatters)."""
    if isinstance(result, list) and not isinstance(result, (CheckList, FallbackList)) and result:
        kind = type(result[0]).__name__
        if kind == "TemplateCheck":
            return CheckList(result)
        if kind == "RegionFallback":
            return FallbackList(result)
    return result
