"""The Browse panel's Community tab: the registry's images, one with its reviews, a rating
control; the registry's calls run in the background and its failures are shown in the panel."""

from __future__ import annotations

from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import BrowsePanel
from cws_jupyter.widgets.community import CommunityPanel


def test_the_tab_is_built_when_opened_for_the_selected_template(service: CwsService) -> None:
    panel = BrowsePanel(service=service)
    assert panel.community is None  # nothing asked of the registry until the tab opens
    panel.select("r-research")
    community = panel.open_community()
    panel.wait()
    assert community.template_picker.value == "r-research"
    names = [label for label, _ in community.matches.options]
    assert names and all("(r-research)" in name for name in names)
    assert "community images" in community.status.value


def test_best_first_then_details_with_reviews(service: CwsService) -> None:
    panel = CommunityPanel(service)
    panel.wait()
    first = panel.records[panel.matches.value]
    assert first.verified and first.template == "r-research"  # the R lab: 4.8 from 8
    assert "Reviews" in panel.details.value and "RStudio Server on port 8787" in panel.details.value
    unverified = [r for r in panel.records.values() if not r.verified]
    assert unverified and list(panel.records).index(unverified[0].ami_id) == len(panel.records) - 1


def test_rating_from_the_panel_shows_the_new_average(service: CwsService) -> None:
    panel = CommunityPanel(service, template="bioinformatics")
    panel.wait()
    chosen = panel.matches.value
    before = panel.records[chosen].rating_count
    panel.stars.value = 4
    panel.review.value = "Pipelines ran; $HOME was small."
    panel.rate_button.click()
    panel.wait()
    assert "now" in panel.rated.value and f"from {before + 1}" in panel.rated.value
    assert panel.review.value == ""
    assert "$HOME" not in panel.details.value and "&#36;HOME was small." in panel.details.value


def test_sort_by_launches_reorders(service: CwsService) -> None:
    panel = CommunityPanel(service)
    panel.wait()
    panel.sort_picker.value = "downloads"
    panel.wait()
    counts = [r.download_count for r in panel.records.values()]
    assert counts == sorted(counts, reverse=True)


def test_a_registry_that_is_away_is_said_in_the_panel(service: CwsService) -> None:
    away = CwsService(
        service.settings.model_copy(
            update={"registry_url": "http://127.0.0.1:9", "registry_timeout": 0.5}
        )
    )
    panel = CommunityPanel(away)
    panel.wait()
    assert panel.error is not None
    assert "127.0.0.1:9" in panel.status.value and panel.matches.options == ()
