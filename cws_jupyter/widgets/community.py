"""``CommunityPanel``: community images from the registry (the Browse panel's second tab): filter,
pick one, read its reviews, rate it. Every registry call runs in the background."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..display.community import details_html
from ..display.html import MUTED, no_math, tag
from .base import (
    LABEL_STYLE,
    PICKER_LAYOUT,
    NoMathHTML,
    Panel,
    dropdown,
    short_error_html,
)

SORTS = [("Best first", "best"), ("Rating", "rating"), ("Launches", "downloads"),
         ("Newest", "recent"), ("Name", "name")]  # fmt: skip
ALL = ""
STARS = [("\u2605" * n, n) for n in range(1, 6)]


class CommunityPanel(Panel):
    """Browse the registry's images, see one with its reviews, rate it 1-5 with a review."""

    def __init__(self, service: Any = None, template: str | None = None) -> None:
        """Filters (template, sort), the list, the chosen image and a rating control."""
        super().__init__(service)
        slugs = [t.slug for t in self.service.list_templates().templates]
        self.template_picker = dropdown(
            "Template", [("All templates", ALL)] + [(s, s) for s in slugs], template or ALL
        )
        self.sort_picker = dropdown("Order", SORTS, "best")
        self.refresh = widgets.Button(description="Refresh", icon="refresh")
        self.matches = widgets.Select(
            options=[],
            rows=7,
            description="Images",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.status = NoMathHTML()
        self.details = NoMathHTML()
        self.stars = widgets.ToggleButtons(
            options=STARS, value=5, description="Your rating", style=LABEL_STYLE
        )
        self.review = widgets.Textarea(
            placeholder="What worked, what did not (optional)",
            description="Review",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.rate_button = widgets.Button(description="Rate", button_style="primary", icon="star")
        self.rated = NoMathHTML()
        self.records: dict[str, Any] = {}
        self.template_picker.observe(lambda _c: self.load(), names="value")
        self.sort_picker.observe(lambda _c: self.load(), names="value")
        self.refresh.on_click(lambda _b: self.load())
        self.matches.observe(self._show_selected, names="value")
        self.rate_button.on_click(lambda _b: self.rate())
        self.children = [
            self.template_picker,
            widgets.HBox([self.sort_picker, self.refresh]),
            self.matches,
            self.status,
            self.details,
            self.stars,
            self.review,
            widgets.HBox([self.rate_button, self.rated]),
        ]
        self.load()

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        """Ask the registry for the images matching the filters (in the background)."""
        template = self.template_picker.value or None
        sort = self.sort_picker.value
        self._say("asking the registry...")

        def done(page: Any) -> None:
            self.records = {item.ami_id: item for item in page.items}
            self.matches.options = [
                (f"{item.name} ({item.template})", item.ami_id) for item in page.items
            ]
            self._say(f"{len(page.items)} of {page.total_label} community images")
            if page.items:
                self.matches.value = page.items[0].ami_id

        self.run_in_background(
            lambda: self.service.community.browse(template=template, sort=sort, per_page=100),
            done,
            self._failed,
            lambda: None,
        )

    def _show_selected(self, _change: Any = None) -> None:
        ami_id = self.matches.value
        if not ami_id:
            self.details.value = ""
            return
        self.details.value = str(no_math(tag("i", "loading the reviews...")))

        def done(record: Any) -> None:
            if self.matches.value == record.ami_id:
                self.details.value = details_html(record)

        self.run_in_background(
            lambda: self.service.community.info(ami_id), done, self._failed, lambda: None
        )

    # -- rating ----------------------------------------------------------------------------
    def rate(self) -> None:
        """Rate the selected image with the chosen stars and review."""
        ami_id = self.matches.value
        if not ami_id:
            self.rated.value = str(no_math(tag("span", "choose an image first", f"color: {MUTED}")))
            return
        stars, review = self.stars.value, self.review.value.strip() or None
        self.rate_button.disabled = True

        def done(result: Any) -> None:
            word = "replaced your rating" if result.replaced else "thank you"
            text = f"{word}: now {result.average:.2f}/5 from {result.rating_count}"
            self.rated.value = str(no_math(tag("span", text), True))
            self.review.value = ""

        def failed(exc: BaseException) -> None:
            self.rated.value = short_error_html(exc)

        def finish() -> None:
            self.rate_button.disabled = False
            if self.error is None:
                self._show_selected()

        self.run_in_background(
            lambda: self.service.community.rate(ami_id, stars, review), done, failed, finish
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.value = short_error_html(exc)

    def _say(self, text: str) -> None:
        self.status.value = str(no_math(tag("span", text, f"color: {MUTED}"), True))
