"""BrowsePanel: category filter, search box, selection and the selected template's details."""

from __future__ import annotations

from pathlib import Path

from widget_helpers import make_settings

from cws_jupyter.core.service import CwsService
from cws_jupyter.widgets import BrowsePanel


def slugs(panel: BrowsePanel) -> list[str]:
    """The slugs listed."""
    return [slug for _, slug in panel.matches.options]


def test_everything_is_listed_and_the_first_is_shown(service: CwsService) -> None:
    """At first: all templates, the first selected, its details shown."""
    panel = BrowsePanel(service=service)
    every = [t.slug for t in service.list_templates().templates]
    assert slugs(panel) == every and panel.matches.value == every[0]
    assert f"{len(every)} of {len(every)} templates" in panel.count.value
    assert service.get_template(every[0]).template.name in panel.details.value


def test_category_filter(service: CwsService) -> None:
    """Machine Learning: the two ML templates only; back to all."""
    panel = BrowsePanel(service=service)
    assert "Machine Learning" in [v for _, v in panel.category_picker.options]
    panel.category_picker.value = "Machine Learning"
    assert sorted(slugs(panel)) == ["deep-learning-gpu", "python-ml"]
    assert "2 of " in panel.count.value
    panel.category_picker.value = ""
    assert len(slugs(panel)) == len(service.list_templates().templates)


def test_search_matches_name_slug_and_description(service: CwsService) -> None:
    """Words match anywhere in name, slug or description; no match says so."""
    panel = BrowsePanel(service=service)
    panel.search.value = "rstudio"
    assert "rstudio" in slugs(panel)
    panel.search.value = "Graviton"  # only in amazon-linux-2023's description
    assert slugs(panel) == ["amazon-linux-2023"]
    panel.search.value = "PyTorch GPU"
    assert set(slugs(panel)) <= {"python-ml", "deep-learning-gpu"} and "python-ml" in slugs(panel)
    panel.category_picker.value = "Base Systems"
    assert slugs(panel) == []
    assert panel.matches.value is None and "No template matches" in panel.details.value


def test_selecting_shows_description_packages_strategy_sources_and_warnings(
    service: CwsService,
) -> None:
    """python-ml: description, conda packages, strategy, SSM parameter and search owner."""
    panel = BrowsePanel(service=service)
    panel.select("python-ml")
    shown = panel.details.value
    loaded = service.get_template("python-ml").template
    assert loaded.description.split(":")[0] in shown
    assert "pytorch" in shown and "jupyterlab-git" in shown
    assert "ami_preferred" in shown and "SSM parameter" in shown
    assert "/aws/service/deeplearning/ami/x86_64" in shown and "owners 898082745236" in shown


def test_warnings_and_broken_files_are_shown(tmp_path: Path) -> None:
    """A template with an unknown key shows its warning; a broken file is listed in red."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "lab.yml").write_text("name: My Lab\ncategory: Teaching\ncolour: blue\n")
    (folder / "broken.yml").write_text("name: [unclosed\n")
    service = CwsService(make_settings(tmp_path, template_path=[folder]))
    panel = BrowsePanel(service=service)
    panel.category_picker.value = "Teaching"
    panel.select("lab")  # a file's slug defaults to its name
    assert (
        'class="cws-warnings"' in panel.details.value
        and "unknown key &#x27;colour&#x27;" in panel.details.value
    )
    assert (
        'class="cws-error"' in panel.load_errors.value and "broken.yml" in panel.load_errors.value
    )


def test_the_security_tab_scans_an_image_from_the_panel(service: CwsService) -> None:
    """The third tab is built when opened; an image put in it is scanned in the background and
    its report (score, findings) shown; the other tabs are kept."""
    panel = BrowsePanel(service=service)
    assert panel.security is None
    image = service.resolve("python-ml", region="us-east-1").ami_id
    assert image
    view = panel.open_security(image, "us-east-1")
    assert panel.tabs.selected_index == 2 and panel.tabs.children[0] is panel.templates_tab
    assert [panel.tabs.get_title(i) for i in range(3)] == ["Templates", "Community", "Security"]
    view.scan()
    panel.wait()
    assert view.report is not None and view.report.ami_id == image
    assert f"Security scan of {image}" in view.output.value
    assert "/100" in view.output.value
