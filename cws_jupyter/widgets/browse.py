"""``BrowsePanel``: the template catalogue, filtered by category and a search box, with details;
in a second tab, the community registry's images (``CommunityPanel``); in a third, a security
scan of any image (``ScanView``). The other tabs are built when first opened."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..display.catalog import template_html
from ..display.html import MUTED, bullet_list, folded_error, no_math, tag
from .base import (
    LABEL_STYLE,
    PICKER_LAYOUT,
    NoMathHTML,
    Panel,
    dropdown,
    panel_title,
    short_error_html,
)
from .community import CommunityPanel
from .security import ScanView

ALL = ""
TAB_TITLES = ("Templates", "Community", "Security")


class BrowsePanel(Panel):
    """Browse templates: a category filter, a search (name, slug, description), the selected one."""

    def __init__(self, service: Any = None) -> None:
        """Load the catalogue and show its first template."""
        super().__init__(service)
        listing = self.service.list_templates()
        self.summaries = listing.templates
        categories = sorted({t.category for t in self.summaries if t.category})
        self.category_picker = dropdown(
            "Category", [("All categories", ALL)] + [(c, c) for c in categories]
        )
        self.search = widgets.Text(
            description="Search",
            placeholder="name, slug or description",
            continuous_update=True,
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.matches = widgets.Select(
            options=[],
            rows=9,
            description="Templates",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.count = NoMathHTML()
        self.details = NoMathHTML()
        self.load_errors = NoMathHTML(
            str(
                folded_error(
                    f"{len(listing.errors)} template file(s) could not be loaded.",
                    bullet_list(listing.errors),
                    summary="which, and why",
                )
            )
            if listing.errors
            else ""
        )
        self.category_picker.observe(self._refilter, names="value")
        self.search.observe(self._refilter, names="value")
        self.matches.observe(self._show_selected, names="value")
        self.templates_tab = widgets.VBox(
            [
                self.category_picker,
                self.search,
                self.matches,
                self.count,
                self.load_errors,
                self.details,
            ]
        )
        #: The community tab, built when first opened (it asks the registry).
        self.community: CommunityPanel | None = None
        #: The security tab, built when first opened.
        self.security: ScanView | None = None
        self.tabs = widgets.Tab(children=[self.templates_tab, widgets.VBox(), widgets.VBox()])
        for index, title in enumerate(TAB_TITLES):
            self.tabs.set_title(index, title)
        self.tabs.observe(self._tab_opened, names="selected_index")
        self.children = [panel_title("Workstation templates"), self.tabs]
        self._refilter()

    def open_community(self) -> CommunityPanel:
        """Show the community tab (building it on first use) for the selected template."""
        self.tabs.selected_index = 1
        assert self.community is not None
        return self.community

    def open_security(self, ami_id: str | None = None, region: str | None = None) -> ScanView:
        """Show the security tab (building it on first use), with ``ami_id`` filled in."""
        self.tabs.selected_index = 2
        assert self.security is not None
        if ami_id:
            self.security.show_image(ami_id, region)
        return self.security

    def _tab_opened(self, change: Any) -> None:
        if change["new"] == 1 and self.community is None:
            self.community = CommunityPanel(self.service, template=self.matches.value)
        elif change["new"] == 2 and self.security is None:
            self.security = ScanView(self.service)
        else:
            return
        self.tabs.children = [
            self.templates_tab,
            self.community or widgets.VBox(),
            self.security or widgets.VBox(),
        ]
        for index, title in enumerate(TAB_TITLES):
            self.tabs.set_title(index, title)

    def wait(self, timeout: float = 120.0) -> None:
        """Wait for this panel's and its tabs' background work."""
        super().wait(timeout)
        for tab in (self.community, self.security):
            if tab is not None:
                tab.wait(timeout)

    def filtered(self) -> list[Any]:
        """The templates matching the category and the search words (all words, any field)."""
        category = self.category_picker.value
        words = self.search.value.lower().split()
        found = []
        for t in self.summaries:
            if category and (t.category or "") != category:
                continue
            text = f"{t.name} {t.slug} {t.description}".lower()
            if all(word in text for word in words):
                found.append(t)
        return found

    def _refilter(self, _change: Any = None) -> None:
        """Update the list; keep the selection if it still matches, else select the first match."""
        found = self.filtered()
        current = self.matches.value
        self.matches.options = [(f"{t.name} ({t.slug})", t.slug) for t in found]
        slugs = [t.slug for t in found]
        self.matches.value = current if current in slugs else (slugs[0] if slugs else None)
        count = f"{len(found)} of {len(self.summaries)} templates"
        self.count.value = str(no_math(tag("span", count, f"color: {MUTED}"), True))
        if not found:
            missing = f"No template matches {self.search.value or 'this category'}."
            self.details.value = str(no_math(tag("i", missing)))
        else:
            self._show_selected()

    def _show_selected(self, _change: Any = None) -> None:
        """Show the selected template (description, packages, strategy, AMI sources, warnings)."""
        slug = self.matches.value
        if slug is None:
            return
        try:
            self.details.value = template_html(self.service.get_template(slug))
        except Exception as exc:  # noqa: BLE001 - a broken template is shown, not raised
            self.details.value = short_error_html(exc)

    def select(self, slug: str) -> None:
        """Select a template by slug (it must be among the matches)."""
        self.matches.value = slug
