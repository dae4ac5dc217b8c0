"""The templates shipped in templates/: they load cleanly, and they fit the sandbox world.

The world checks read world.yaml directly (no moto): every SSM parameter, search, mapping and
product code a template names must exist there, and across the shipped set every resolver tier
must be the winning one somewhere. test_template_resolution.py checks the same against the real
resolver and sandbox server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cws_jupyter.core.errors import NotFound
from cws_jupyter.core.regions import RegionMap
from cws_jupyter.core.sandbox import WorldImage, load_world
from cws_jupyter.core.templates import LoadedTemplate, TemplateLibrary
from cws_jupyter.core.templates.fields import (
    Architecture,
    FallbackStrategy,
    PackageManager,
    Strategy,
)
from cws_jupyter.core.templates.models import TRUSTED_OWNERS, AMISearch, Template

EXPECTED_SLUGS = {
    "amazon-linux-2023",
    "bioinformatics",
    "deep-learning-gpu",
    "python-ml",
    "r-research",
    "rstudio",
    "teaching-lab",
    "ubuntu-24-desktop",
    "ubuntu-24-server",
}
SHIPPED = Path(__file__).resolve().parents[2] / "templates"
COMMUNITY_ACCOUNT = "210987654321"
WORLD = load_world()
SHIPPED_FILES = sorted(p for p in SHIPPED.iterdir() if p.suffix in (".yml", ".yaml"))


def _all(library: TemplateLibrary) -> dict[str, LoadedTemplate]:
    loaded, errors = library.list()
    assert errors == [], [e.problems or e.message for e in errors]
    return {t.template.slug: t for t in loaded}


# -- loading -------------------------------------------------------------------------------------


def test_every_shipped_file_loads_without_errors_or_warnings(shipped: TemplateLibrary) -> None:
    checks = shipped.check_files(SHIPPED_FILES)
    assert len(checks) == len(SHIPPED_FILES) >= 9
    for check in checks:
        assert check.ok, check.errors
        assert check.warnings == [], check.warnings
    loaded = _all(shipped)
    assert shipped.unreadable == [] and shipped.shadowed == []
    assert all(t.warnings == [] for t in loaded.values())


def test_file_name_is_the_slug_and_slugs_are_unique(shipped: TemplateLibrary) -> None:
    loaded = _all(shipped)
    assert set(loaded) == EXPECTED_SLUGS
    for slug, template in loaded.items():
        assert Path(template.path).name == f"{slug}.yml"
    names = [t.template.name for t in loaded.values()]
    assert len(set(names)) == len(names), "display names must be unique too (lookup by name)"


def test_python_ml_is_the_spec_example(shipped: TemplateLibrary) -> None:
    t = shipped.get("python-ml").template
    assert t.name == "Python ML Workstation"
    assert t.package_manager is PackageManager.CONDA
    assert {"jupyterlab", "pytorch"} <= set(t.packages.conda) and t.packages.pip
    assert [(s.name, s.port) for s in t.services] == [("jupyter", 8888)]
    assert 8888 in t.ports()
    cfg = t.ami_config
    assert cfg is not None
    assert cfg.strategy is Strategy.AMI_PREFERRED
    assert cfg.fallback_strategy is FallbackStrategy.SCRIPT_PROVISIONING
    assert cfg.ssm_parameter_for(Architecture.X86_64).startswith(
        "/aws/service/deeplearning/ami/x86_64/"
    )
    assert cfg.ssm_parameter_for(Architecture.ARM64) is None  # the DLAMI has no arm64 build
    assert cfg.ami_search is not None and cfg.ami_search.all_owners() == ["898082745236"]
    assert t.instance_defaults.type == "g4dn.xlarge"
    assert t.instance_defaults.estimated_cost_per_hour == {Architecture.X86_64: 0.526}


@pytest.mark.parametrize(
    ("ref", "slug"),
    [
        ("python-ml", "python-ml"),
        ("Python ML Workstation", "python-ml"),
        ("  python ml workstation ", "python-ml"),
        ("Teaching Lab (JupyterLab + nbgrader)", "teaching-lab"),
        ("Ubuntu 24.04 Desktop", "ubuntu-24-desktop"),
        ("RStudio Server", "rstudio"),
    ],
)
def test_lookup_by_slug_or_display_name(shipped: TemplateLibrary, ref: str, slug: str) -> None:
    assert shipped.get(ref).template.slug == slug


def test_unknown_template_lists_the_known_ones(shipped: TemplateLibrary) -> None:
    with pytest.raises(NotFound) as err:
        shipped.get("python-mll")
    assert "python-mll" in err.value.message and "python-ml" in err.value.message
    assert err.value.field == "template"


def test_desktop_inherits_the_server(shipped: TemplateLibrary) -> None:
    server = shipped.get("ubuntu-24-server").template
    desktop = shipped.get("ubuntu-24-desktop").template
    assert desktop.inherits == ["ubuntu-24-server"]
    # lists are appended: the server's tools first, then the desktop's own packages
    assert desktop.packages.system[: len(server.packages.system)] == server.packages.system
    assert {"xfce4", "xrdp"} <= set(desktop.packages.system[len(server.packages.system) :])
    # ports are appended and de-duplicated: [22] + [22, 3389] -> [22, 3389]
    assert server.instance_defaults.ports == [22]
    assert desktop.instance_defaults.ports == [22, 3389]
    assert desktop.ports() == [22, 3389]
    # scalars are overridden; own keys (name, slug) never inherited
    assert (desktop.name, desktop.slug) == ("Ubuntu 24.04 Desktop", "ubuntu-24-desktop")
    assert desktop.instance_defaults.type == "t3.large" != server.instance_defaults.type
    assert desktop.instance_defaults.root_volume_gb == 40
    # mappings merge key by key: the server's AMI sources, the desktop's timeout
    assert desktop.ami_config is not None and server.ami_config is not None
    assert desktop.ami_config.ssm_parameter == server.ami_config.ssm_parameter
    assert desktop.ami_config.ami_search == server.ami_config.ami_search
    assert (server.ami_config.fallback_timeout, desktop.ami_config.fallback_timeout) == (
        "5m",
        "15m",
    )
    assert (server.ami_config.strategy, desktop.ami_config.strategy) == (
        Strategy.AMI_REQUIRED,
        Strategy.AMI_PREFERRED,
    )
    assert (server.ami_config.fallback_strategy, desktop.ami_config.fallback_strategy) == (
        FallbackStrategy.ERROR,
        FallbackStrategy.SCRIPT_PROVISIONING,
    )
    assert [u.name for u in desktop.users] == ["researcher"]
    assert desktop.tags["type"] == "desktop" and desktop.tags["purpose"] == "general"


# -- format rules every shipped template follows -------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_shipped_template_is_complete(shipped: TemplateLibrary, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), "every shipped template opens with a comment header"
    t = shipped.get(path.stem).template
    assert t.name and t.slug == path.stem and t.description and t.category and t.base
    assert t.package_manager is not None and t.version and t.tags
    assert t.maintainer == "cws-jupyter"
    assert t.users and t.instance_defaults.ports and 22 in t.instance_defaults.ports
    d = t.instance_defaults
    assert d.type and d.root_volume_gb and d.estimated_cost_per_hour
    assert all(0 < price < 50 for price in d.estimated_cost_per_hour.values())
    cfg = t.ami_config
    assert cfg is not None, "every shipped template says where its AMI comes from"
    assert cfg.ssm_parameter or cfg.ami_search or cfg.marketplace_search or cfg.ami_mappings
    if cfg.ami_search is not None:
        owners = cfg.ami_search.all_owners()
        assert owners, "never a search without an owner (AMI squatting)"
        assert all(o in TRUSTED_OWNERS or o in ("self", COMMUNITY_ACCOUNT) for o in owners)
    if t.package_manager is PackageManager.AMI:
        assert cfg.strategy is Strategy.AMI_REQUIRED
        assert not (t.packages.system or t.packages.conda or t.packages.pip)
    else:
        assert t.packages.system or t.packages.conda, "script provisioning needs packages"
    for arch in cfg.instance_types:
        assert arch in d.estimated_cost_per_hour


# -- the sandbox world ---------------------------------------------------------------------------


def _owner_id(owner: str) -> str:
    return WORLD.account_id if owner == "self" else owner


def _glob(pattern: str) -> re.Pattern[str]:
    """EC2 name filters: ``*`` any run of characters, ``?`` one character, nothing else special."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )


def _search_matches(search: AMISearch, image: WorldImage) -> bool:
    owners = {_owner_id(o) for o in search.all_owners()}
    return (
        image.owner_id in owners
        and (not search.name_pattern or bool(_glob(search.name_pattern).fullmatch(image.name)))
        and (
            not search.architecture or image.architecture in {a.value for a in search.architecture}
        )
        and all(image.tags.get(k) == v for k, v in search.required_tags.items())
        and (not search.version_tag or image.tags.get("Version") == search.version_tag)
        and (not search.min_creation_date or image.creation_date.date() >= search.min_creation_date)
    )


def _hit(t: Template, region: str, arch: str) -> str | None:
    """The first in-region tier that finds an image for ``arch`` in the world, or None."""
    cfg = t.ami_config
    assert cfg is not None
    here = [i for i in WORLD.images() if i.region == region and i.architecture == arch]
    ids = {i.image_id for i in here}
    legacy = {a.value: v for a, v in cfg.amis.get(region, {}).items()}
    if cfg.ami_mappings.get(region) in ids or legacy.get(arch) in ids:
        return "direct_mapping"
    param = cfg.ssm_parameter_for(Architecture(arch))
    if param and any(i.ssm_parameter == param for i in here):
        return "ssm_parameter"
    if cfg.ami_search and any(_search_matches(cfg.ami_search, i) for i in here):
        return "dynamic_search"
    code = cfg.marketplace_search.product_code if cfg.marketplace_search else None
    if code and any(code in i.product_codes for i in here):
        return "marketplace"
    return None


def _expected_method(t: Template, region: str, regions: RegionMap) -> str:
    arch = (
        t.ami_config.preferred_architecture.value
        if t.ami_config.preferred_architecture
        else "x86_64"
    )
    if t.ami_config.strategy is Strategy.AMI_FALLBACK and not t.is_ami_only:
        return "script_fallback"  # script first; any AMI found is only the fallback
    if _hit(t, region, arch):
        return _hit(t, region, arch)  # type: ignore[return-value]
    if any(_hit(t, n, arch) for n in regions.fallbacks(region)):
        return "cross_region"
    no_script = (
        t.ami_config.strategy is Strategy.AMI_REQUIRED
        or t.is_ami_only
        or t.ami_config.fallback_strategy is FallbackStrategy.ERROR
    )
    return "failed" if no_script else "script_fallback"


def test_every_ami_source_exists_in_the_world(shipped: TemplateLibrary) -> None:
    images = WORLD.images()
    for slug, loaded in _all(shipped).items():
        cfg = loaded.template.ami_config
        assert cfg is not None
        if isinstance(cfg.ssm_parameter, dict):
            for arch, param in cfg.ssm_parameter.items():
                where = {
                    i.region
                    for i in images
                    if i.ssm_parameter == param and i.architecture == arch.value
                }
                assert where == set(WORLD.regions), (
                    f"{slug}: {param} ({arch.value}) not in every region"
                )
        if cfg.ami_search:
            assert any(_search_matches(cfg.ami_search, i) for i in images), (
                f"{slug}: search finds nothing"
            )
            # the newest match wins; it must not be the squatter's look-alike
            assert not any(
                _search_matches(cfg.ami_search, i) for i in images if i.family == "squatter-ubuntu"
            )
        for region, ami_id in cfg.ami_mappings.items():
            assert any(i.image_id == ami_id and i.region == region for i in images), (
                f"{slug}: {ami_id}"
            )
        if cfg.marketplace_search:
            code = cfg.marketplace_search.product_code
            assert any(code in i.product_codes for i in images), f"{slug}: product {code}"


def test_every_resolver_tier_wins_somewhere() -> None:
    regions = RegionMap.load()
    shipped = TemplateLibrary([SHIPPED])
    outcome = {
        (slug, region): _expected_method(t.template, region, regions)
        for slug, t in _all(shipped).items()
        for region in WORLD.regions
    }
    assert set(outcome.values()) == {
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
        "script_fallback",
    }
    assert outcome["python-ml", "eu-west-1"] == "ssm_parameter"
    assert outcome["teaching-lab", "us-east-1"] == "direct_mapping"
    assert outcome["teaching-lab", "eu-central-1"] == "dynamic_search"
    assert outcome["teaching-lab", "us-west-2"] == "cross_region"
    assert outcome["r-research", "us-west-2"] == "dynamic_search"
    assert outcome["rstudio", "us-east-1"] == "marketplace"
    assert outcome["rstudio", "eu-central-1"] == "script_fallback"
    # the AMI-only and base-OS templates resolve in every sandbox region, never by script
    for slug in ("amazon-linux-2023", "deep-learning-gpu", "ubuntu-24-server"):
        assert {outcome[slug, r] for r in WORLD.regions} == {"ssm_parameter"}, slug
    # the desktop resolves to Canonical's image everywhere (and is installed on it at first boot)
    assert {outcome["ubuntu-24-desktop", r] for r in WORLD.regions} == {"ssm_parameter"}
    assert all(
        _hit(shipped.get("ubuntu-24-desktop").template, r, "x86_64") == "ssm_parameter"
        for r in WORLD.regions
    )


def test_arm64_only_where_the_world_has_it(shipped: TemplateLibrary) -> None:
    # The DLAMI is x86_64 only: neither GPU template may ask for arm64 anywhere.
    for slug in ("python-ml", "deep-learning-gpu"):
        t = shipped.get(slug).template
        assert t.ami_config is not None
        assert Architecture.ARM64 not in t.instance_defaults.estimated_cost_per_hour
        assert Architecture.ARM64 not in t.ami_config.instance_types
        assert [a.value for a in t.ami_config.ami_search.architecture] == ["x86_64"]
        assert t.ami_config.preferred_architecture is Architecture.X86_64
    # Canonical and Amazon publish both, and the templates use both.
    for slug in ("ubuntu-24-server", "amazon-linux-2023"):
        cfg = shipped.get(slug).template.ami_config
        assert cfg is not None and isinstance(cfg.ssm_parameter, dict)
        assert set(cfg.ssm_parameter) == {Architecture.X86_64, Architecture.ARM64}
