"""`inherits`: cycles, missing parents, several parents, and what is merged how."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cws_jupyter.core.errors import TemplateError
from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.fields import PackageManager

Write = Callable[..., Path]


def test_cycle_is_an_error_naming_the_cycle(tmp_path: Path, write: Write) -> None:
    a = write("a.yml", "name: A\ninherits: b\n")
    write("b.yml", "name: B\ninherits: a\n")
    library = TemplateLibrary([tmp_path])
    with pytest.raises(TemplateError) as err:
        library.get("a")
    assert err.value.message == f"{a}: inheritance cycle: a -> b -> a"
    assert err.value.field == "inherits"
    with pytest.raises(TemplateError, match=r"inheritance cycle: b -> a -> b"):
        library.get("b")


def test_longer_cycle_and_self_reference(tmp_path: Path, write: Write) -> None:
    write("a.yml", "name: A\ninherits: [b]\n")
    write("b.yml", "name: B\ninherits: [c]\n")
    write("c.yml", "name: C\ninherits: [A]\n")  # by display name
    write("me.yml", "name: Me\ninherits: me\n")
    library = TemplateLibrary([tmp_path])
    with pytest.raises(TemplateError, match=r"inheritance cycle: a -> b -> c -> a$"):
        library.get("a")
    with pytest.raises(TemplateError, match=r"inheritance cycle: me -> me$"):
        library.get("me")
    loaded, errors = library.list()
    assert loaded == [] and len(errors) == 4


def test_cycle_between_files_being_checked(tmp_path: Path, write: Write) -> None:
    a = write("a.yml", "name: A\ninherits: B\n")
    b = write("b.yml", "name: B\ninherits: A\n")
    checks = {c.path: c for c in TemplateLibrary([]).check_files([a, b])}
    assert checks[str(a)].errors == [f"{a}: inheritance cycle: a -> b -> a"]
    assert checks[str(b)].errors == [f"{b}: inheritance cycle: b -> a -> b"]


def test_missing_parent_names_the_missing_ref(tmp_path: Path, write: Write) -> None:
    child = write("child.yml", "name: Child\ninherits: [base, no-such-base]\n")
    write("base.yml", "name: Base\n")
    with pytest.raises(TemplateError) as err:
        TemplateLibrary([tmp_path]).get("child")
    assert err.value.message == (
        f"{child}: field 'inherits': no template named 'no-such-base' "
        "(by slug or display name; known: base, child)"
    )
    assert err.value.field == "inherits"


def test_inherits_must_be_names(tmp_path: Path, write: Write) -> None:
    write("bad.yml", "name: Bad\ninherits: {base: 1}\n")
    with pytest.raises(
        TemplateError, match=r"bad\.yml: field 'inherits': expected a template name"
    ):
        TemplateLibrary([tmp_path]).get("bad")


PARENT_ONE = """\
name: Parent One
description: first parent
base: ubuntu-24.04
package_manager: apt
packages: {system: [git, curl]}
users: [{name: alice, groups: [sudo]}]
services: [{name: jupyter, port: 8888}]
instance_defaults: {type: t3.medium, ports: [22, 8888], root_volume_gb: 20}
ami_config:
  strategy: ami_required
  ssm_parameter: {x86_64: /one/x86, arm64: /one/arm}
  fallback_timeout: 5m
tags: {owner: one, team: a}
"""
PARENT_TWO = """\
name: Parent Two
description: second parent
package_manager: conda
packages: {system: [curl, htop], conda: [numpy]}
users: [{name: alice, shell: /bin/zsh}, {name: bob}]
services: [{name: jupyter, port: 8889}, {name: rstudio-server, port: 8787}]
instance_defaults: {type: m7i.large, ports: [8787, 22]}
ami_config: {fallback_timeout: 20m, ami_search: {owner: "099720109477", name_pattern: "x-*"}}
tags: {owner: two}
"""
CHILD = """\
name: Child
inherits: [Parent One, parent-two]
description: the child
packages: {pip: [plotly], system: [vim]}
instance_defaults: {ports: [443, 22]}
tags: {child: "yes"}
"""


def test_several_parents_merge_in_order(tmp_path: Path, write: Write) -> None:
    write("parent-one.yml", PARENT_ONE)
    write("parent-two.yml", PARENT_TWO)
    write("child.yml", CHILD)
    loaded = TemplateLibrary([tmp_path]).get("child")
    t = loaded.template
    assert loaded.warnings == []
    assert (t.name, t.slug, t.description) == ("Child", "child", "the child")
    assert t.inherits == ["Parent One", "parent-two"]
    # scalars: the later parent overrides the earlier, the child overrides both
    assert t.package_manager is PackageManager.CONDA
    assert t.base == "ubuntu-24.04"  # only the first parent sets it
    assert t.instance_defaults.type == "m7i.large"
    assert t.instance_defaults.root_volume_gb == 20
    # lists: appended in order parent one, parent two, child (packages are not de-duplicated)
    assert t.packages.system == ["git", "curl", "curl", "htop", "vim"]
    assert t.packages.conda == ["numpy"] and t.packages.pip == ["plotly"]
    # ports: appended and de-duplicated, first occurrence kept
    assert t.instance_defaults.ports == [22, 8888, 8787, 443]
    # users and services: one per name, the later definition merged over the earlier
    assert [(u.name, u.groups, u.shell) for u in t.users] == [
        ("alice", ["sudo"], "/bin/zsh"),
        ("bob", [], None),
    ]
    assert [(s.name, s.port) for s in t.services] == [("jupyter", 8889), ("rstudio-server", 8787)]
    assert t.ports() == [22, 8888, 8787, 443, 8889]
    # mappings: merged key by key
    cfg = t.ami_config
    assert cfg is not None
    assert cfg.strategy.value == "ami_required"
    assert cfg.fallback_timeout == "20m"
    assert cfg.ssm_parameter is not None and len(cfg.ssm_parameter) == 2
    assert cfg.ami_search is not None and cfg.ami_search.name_pattern == "x-*"
    assert t.tags == {"owner": "two", "team": "a", "child": "yes"}


def test_grandparent_chain_and_parent_unchanged(tmp_path: Path, write: Write) -> None:
    write(
        "g.yml",
        "name: G\npackages: {system: [a]}\ninstance_defaults: {ports: [22]}\nversion: '1'\n",
    )
    write("p.yml", "name: P\ninherits: g\npackages: {system: [b]}\nversion: '2'\n")
    write(
        "c.yml",
        "name: C\ninherits: p\npackages: {system: [c]}\ninstance_defaults: {ports: [22, 80]}\n",
    )
    library = TemplateLibrary([tmp_path])
    c = library.get("c").template
    assert c.packages.system == ["a", "b", "c"]
    assert c.instance_defaults.ports == [22, 80]
    assert c.version == "2"
    # loading the child never changes what the parents load as
    assert library.get("p").template.packages.system == ["a", "b"]
    assert library.get("g").template.packages.system == ["a"]


def test_child_errors_point_at_the_child(tmp_path: Path, write: Write) -> None:
    write("base.yml", "name: Base\nami_config: {strategy: ami_preferred}\n")
    child = write(
        "child.yml", "name: Child\ninherits: base\nami_config: {fallback_timeout: soon}\n"
    )
    with pytest.raises(TemplateError) as err:
        TemplateLibrary([tmp_path]).get("child")
    assert err.value.problems == [
        f"{child}: field 'ami_config.fallback_timeout': 'soon' is not a duration: "
        "use hours, minutes and seconds like '10m', '1h30m', '45s'"
    ]


def test_inline_template_inherits_from_the_library(tmp_path: Path, write: Write) -> None:
    write("base.yml", "name: Base\npackages: {system: [git]}\ninstance_defaults: {ports: [22]}\n")
    loaded = TemplateLibrary([tmp_path]).load_text(
        "name: Mine\ninherits: Base\npackages: {pip: [rich]}\n"
        "instance_defaults: {ports: [22, 8888]}\n",
        origin="<cell 3>",
    )
    assert loaded.path == "<cell 3>"
    assert loaded.template.slug == "mine"
    assert loaded.template.packages.system == ["git"] and loaded.template.packages.pip == ["rich"]
    assert loaded.template.instance_defaults.ports == [22, 8888]
