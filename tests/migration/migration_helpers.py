"""Helpers for the migration tests (a module of its own: conftest files are not importable)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cws_testing import isolated_environ

from cws_jupyter.core.config import Settings
from cws_jupyter.core.service import CwsService

CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]
REGION = "eu-west-1"

#: Templates without an ami_config (the shipped ones all have one), in a CWS_TEMPLATE_PATH folder.
CUSTOM_TEMPLATES = {
    # A conda lab on a cheap type: 428 s of setup, an AMI does not pay at 20 launches a month.
    "field-notes.yml": """\
# Field notes lab: a comment that the migrated copy cannot keep.
name: "Field Notes Lab"
slug: field-notes
description: "Geospatial notebooks for field work"
long_description: |
  Two lines of text,
  kept as a block.
base: ubuntu-24.04
package_manager: conda
packages:
  system: [git, curl]   # an inline comment
  conda: [python=3.12, jupyterlab, pandas, numpy, scipy, matplotlib, xarray, netcdf4, cartopy, geopandas]
  pip: [folium]
users:
  - name: researcher
    groups: [sudo]
instance_defaults:
  type: t3.large
  root_volume_gb: 30
user_data: |
  #!/bin/bash
  echo "trailing spaces stay   "
  echo 'quotes " and : colons'
tags:
  purpose: fieldwork
""",
    # Spack on a GPU type: 1020 s of setup at about $1.12/h, an AMI pays at 20 launches a month.
    "gpu-spack.yml": """\
name: "GPU Simulation"
slug: gpu-spack
base: ubuntu-24.04
package_manager: spack
packages:
  spack: [gromacs, lammps, openfoam, paraview]
instance_defaults:
  type: g5.xlarge
  root_volume_gb: 100
""",
    # An instance type the price table does not know: only the time can be weighed.
    "mystery-type.yml": """\
name: "Mystery Type"
slug: mystery-type
base: ubuntu-24.04
package_manager: spack
packages:
  spack: [gromacs, lammps]
instance_defaults:
  type: zz9.large
""",
}


def make_settings(home: Path, user_templates: Path, **extra: object) -> Settings:
    """Settings for the sandbox under ``home`` (shared), with a template folder of the test's own."""
    return Settings(
        region=REGION,
        sandbox=True,
        state_dir=home / "state",
        cache_dir=home / "cache",
        user_template_dir=user_templates,
        **extra,
    )


def write_templates(folder: Path, files: dict[str, str]) -> Path:
    """Write template files into ``folder`` (made if needed); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def cli_env(home: Path) -> dict[str, str]:
    """The environment of a `cws` subprocess sharing ``home``'s sandbox (CWS_HOME=home)."""
    return {**isolated_environ(home, sandbox=True), "HOME": str(home), "COLUMNS": "200"}


def cws(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `cws --sandbox ARGS` as a separate process over ``home``."""
    return subprocess.run(
        [*CWS, "--sandbox", *args], env=cli_env(home), capture_output=True, text=True, timeout=180
    )


def launch(service: CwsService, template: str, name: str, region: str = REGION) -> str:
    """Launch a workstation from a template; its instance id."""
    plan = service.instances.plan(service.get_template(template), name, region=region)
    result = service.instances.run(plan)
    assert result.instance.id and result.instance.state == "running"
    return result.instance.id
