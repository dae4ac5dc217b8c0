"""docs/templates.md stays true: its example templates load as the page says they do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.fields import FallbackStrategy, Strategy

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "templates.md"
LIBRARY = TemplateLibrary([REPO / "templates"])


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _templates() -> list[str]:
    return [b for b in _yaml_blocks() if re.search(r"^name: ", b, flags=re.M)]


def test_the_page_has_its_examples() -> None:
    assert len(_templates()) >= 3


@pytest.mark.parametrize("block", _templates(), ids=lambda b: b.split("\n", 1)[0][:40])
def test_every_example_template_loads_cleanly(block: str) -> None:
    loaded = LIBRARY.load_text(block, origin="docs/templates.md")
    assert loaded.warnings == []


def test_ami_config_fragment_is_valid() -> None:
    (fragment,) = [b for b in _yaml_blocks() if b.startswith("ami_config:")]
    loaded = LIBRARY.load_text("name: Fragment\n" + fragment, origin="docs/templates.md")
    assert loaded.warnings == [] and loaded.template.ami_config is not None


def test_complete_example_is_what_the_text_says() -> None:
    (block,) = [b for b in _templates() if "slug: geo-lab" in b]
    t = LIBRARY.load_text(block, origin="docs/templates.md").template
    server = LIBRARY.get("ubuntu-24-server").template
    cfg = t.ami_config
    assert cfg is not None and cfg.ami_search is not None and server.ami_config is not None
    assert cfg.ssm_parameter is None  # dropped with `~`
    assert cfg.strategy is Strategy.AMI_PREFERRED
    assert cfg.fallback_strategy is FallbackStrategy.SCRIPT_PROVISIONING
    assert cfg.ami_search.all_owners() == ["self"] and cfg.ami_search.name_pattern == "geo-lab-*"
    assert cfg.ami_search.architecture == server.ami_config.ami_search.architecture  # kept
    assert cfg.ssh_user == "ubuntu"
    assert t.packages.system == [*server.packages.system, "gdal-bin", "postgresql-client"]
    assert t.instance_defaults.ports == [22, 8888]
    assert [u.name for u in t.users] == ["researcher"]


def test_shipped_table_lists_every_shipped_template() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("## Shipped templates") :]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert sorted(rows) == LIBRARY.slugs()
    for slug in rows:
        t = LIBRARY.get(slug).template
        row = next(line for line in table.splitlines() if line.startswith(f"| `{slug}` |"))
        assert (
            t.name in row and t.ami_config is not None and f"`{t.ami_config.strategy.value}`" in row
        )
        assert str(t.instance_defaults.type) in row
