"""CloudWorkstation v0.5.5 templates: every file loads, or fails naming the field at fault.

The corpus lives outside the repository (``../shared/compat/cloudworkstation-v0.5.5-templates``
beside the checkout, or ``CWS_COMPAT_DIR``). The table below is the exact expected outcome of
each file; a new file in the corpus fails the test until it is added to the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from cws_jupyter.core.templates import TemplateCheck, TemplateLibrary
from cws_jupyter.core.templates.fields import Architecture, PackageManager


class Outcome(NamedTuple):
    slug: str
    #: Unknown keys reported as warnings (in this order).
    unknown_keys: tuple[str, ...] = ()
    #: For a file that loads with an image owner that is not one: (field path, bad value) of
    #: its one warning (the search itself is refused at resolution time).
    bad_owner: tuple[str, str] | None = None


EXPECTED: dict[str, Outcome] = {
    "amazon-linux-2023-server.yml": Outcome("amazon-linux-2023-server"),
    "community/base-ubuntu-apt.yml": Outcome("base-ubuntu-apt"),
    "community/python-ml-configurable.yml": Outcome("python-ml-config"),
    "community/ubuntu-desktop-explicit.yml": Outcome("ubuntu-datascience"),
    "community/ubuntu-python-r-ml.yml": Outcome("collaborative-workspace"),
    "community/ultimate-research-workstation.yml": Outcome("ultimate-workstation"),
    "deep-learning-gpu.yml": Outcome("deep-learning-gpu"),
    # `owner: "cloudworkstation-community"` is a name, not an account id: EC2 cannot search it.
    # Issue 7 changed the requirement: a user's existing template loads, with the per-field
    # reason as a warning, and the search is refused at resolution time (it used to be an error).
    "examples/ami-python-ml.yml": Outcome(
        "python-ml-ami", bad_owner=("ami_config.ami_search.owner", "'cloudworkstation-community'")
    ),
    "history-base-rocky9.yml": Outcome("history-base-rocky9"),
    "history-rocky9-conda-stack.yml": Outcome("rocky-conda"),
    "jupyter-notebook-server.yml": Outcome("jupyter-notebook-server"),
    # top-level `ports` and `minimum_size` were silently ignored by the Go loader
    "python-ml-workstation.yml": Outcome(
        "python-ml-workstation", unknown_keys=("minimum_size", "ports")
    ),
    "r-research-workstation.yml": Outcome("r-research-workstation"),
    "rstudio-server.yml": Outcome("rstudio-server"),
    "testing/debug-template.yml": Outcome("debug-template"),
    "testing/test-auto-detection.yml": Outcome("test-auto"),
    "testing/test-dcv-desktop.yml": Outcome("test-dcv"),
    "testing/test-parameters.yml": Outcome("test-params"),
    "testing/test-ssh-headless.yml": Outcome("test-ssh"),
    "testing/test-web-streamlit.yml": Outcome("test-web"),
    "ubuntu-22.04-desktop.yml": Outcome("ubuntu-22-04-desktop"),
    "ubuntu-22.04-server.yml": Outcome("ubuntu-22-04-server"),
    "ubuntu-24.04-desktop.yml": Outcome("ubuntu-24-04-desktop"),
    "ubuntu-24.04-server.yml": Outcome("ubuntu-24-04-server"),
}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yml"))


@pytest.fixture(scope="module")
def checks(compat: Path) -> dict[str, TemplateCheck]:
    results = TemplateLibrary([]).check_files(_files(compat))
    return {Path(c.path).relative_to(compat).as_posix(): c for c in results}


def test_the_table_covers_every_file(compat: Path, checks: dict[str, TemplateCheck]) -> None:
    on_disk = {p.relative_to(compat).as_posix() for p in _files(compat)}
    assert on_disk == set(EXPECTED), "update EXPECTED for new or removed corpus files"
    assert set(checks) == on_disk, "check_files must give every file a verdict"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_compat_file_outcome(compat: Path, checks: dict[str, TemplateCheck], name: str) -> None:
    expected, check = EXPECTED[name], checks[name]
    path = str(compat / name)
    assert check.slug == expected.slug
    assert check.ok, check.errors
    assert check.errors == []
    if expected.bad_owner is None:
        assert check.warnings == [
            f"{path}: unknown key '{key}' is ignored" for key in expected.unknown_keys
        ]
    else:
        field, value = expected.bad_owner
        assert len(check.warnings) == 1, check.warnings
        message = check.warnings[0]
        assert message.startswith(f"{path}: field '{field}': "), message
        assert value in message
        assert "12-digit AWS account id" in message  # says how to fix it
        assert "refused" in message  # and what it means meanwhile


def test_legacy_amis_form_is_read_per_region_and_architecture(compat: Path) -> None:
    library = TemplateLibrary([compat])
    al2023 = library.get("amazon-linux-2023-server").template
    assert al2023.ami_config is not None
    amis = al2023.ami_config.amis
    assert amis["us-east-1"] == {
        Architecture.X86_64: "ami-0c94855ba95b798c7",
        Architecture.ARM64: "ami-0f3c7d07486cad139",
    }
    assert {"us-east-1", "us-east-2", "us-west-1"} <= set(amis)

    dl = library.get("Deep Learning GPU").template
    assert dl.package_manager is PackageManager.AMI and dl.is_ami_only
    assert dl.ami_config is not None
    assert dl.ami_config.amis["us-west-2"][Architecture.X86_64] == "ami-0c02fb55956c7d316"
    assert dl.ami_config.instance_types == {
        Architecture.X86_64: "g4dn.xlarge",
        Architecture.ARM64: "g5g.xlarge",
    }
    assert dl.ami_config.ssh_user == "ubuntu"


def test_inherits_pair_child_names_parent_by_display_name(compat: Path) -> None:
    base = compat / "history-base-rocky9.yml"
    child = compat / "history-rocky9-conda-stack.yml"
    library = TemplateLibrary([compat])
    stacked = library.get("rocky-conda").template
    parent = library.get("Rocky Linux 9 Base").template
    assert stacked.inherits == ["Rocky Linux 9 Base"]
    # lists appended (parent first), scalars overridden, ports merged without repeats
    assert stacked.packages.system == parent.packages.system
    assert stacked.packages.conda[0] == "python=3.11" and stacked.packages.pip == ["plotly"]
    assert [u.name for u in stacked.users] == ["rocky", "datascientist"]
    assert [s.name for s in stacked.services] == ["jupyter"]
    assert stacked.instance_defaults.ports == [22, 8888]
    assert (parent.package_manager, stacked.package_manager) == (
        PackageManager.DNF,
        PackageManager.CONDA,
    )
    assert stacked.name == "Rocky Linux 9 + Conda Stack" and stacked.slug == "rocky-conda"
    assert stacked.tags["type"] == "stacked" and stacked.tags["purpose"] == "data-science"

    # checked together, the child finds its parent among the files being checked ...
    together = TemplateLibrary([]).check_files([child, base])
    assert all(c.ok for c in together), [c.errors for c in together]
    # ... alone, it finds it beside itself (issue 7: it used to name the parent as missing)
    (alone,) = TemplateLibrary([]).check_files([child])
    assert alone.ok, alone.errors
    assert alone.warnings == []


def test_compat_folder_as_a_library(compat: Path) -> None:
    library = TemplateLibrary([compat])
    loaded, errors = library.list()
    assert errors == []
    assert len(loaded) == len(EXPECTED)
    (example,) = [t for t in loaded if t.template.slug == "python-ml-ami"]
    assert example.template.ami_config is not None and example.template.ami_config.ami_search
    search = example.template.ami_config.ami_search
    assert search.owner == "cloudworkstation-community"  # kept as written ...
    assert search.all_owners() == []  # ... but never searched
    assert [w.split(": field ")[1].split("'")[1] for w in example.warnings] == [
        "ami_config.ami_search.owner"
    ]
