"""The text of an HTML output that MathJax would typeset: what the MathJax tests look for."""

from __future__ import annotations

from html.parser import HTMLParser


class _TextFinder(HTMLParser):
    """Collects the text that is not inside an element of MathJax's ignore classes."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "rect", "line", "path", "circle"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.exposed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        ignored = "mathjax_ignore" in classes and "tex2jax_ignore" in classes
        if tag not in self.VOID:
            self.stack.append(ignored or bool(self.stack and self.stack[-1]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.stack and self.stack[-1]):
            self.exposed.append(data.strip())


def exposed_to_mathjax(html: str) -> list[str]:
    """The text of ``html`` that MathJax would read (outside every ignore-class element)."""
    finder = _TextFinder()
    finder.feed(html)
    return finder.exposed
