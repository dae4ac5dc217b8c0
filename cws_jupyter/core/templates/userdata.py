"""Script provisioning: the cloud-init user data that installs a template on a base image."""

from __future__ import annotations

import shlex

from .fields import PackageManager
from .models import Template

#: Rough provisioning times (seconds) used for launch-time estimates; measured on t3.medium-class
#: instances and deliberately conservative.
BOOT_SECONDS = 45
BASE_SETUP_SECONDS = 60
SECONDS_PER_PACKAGE = {"system": 8, "conda": 25, "pip": 12, "spack": 240}
CONDA_BOOTSTRAP_SECONDS = 90


def _quote(items: list[str]) -> str:
    return " ".join(shlex.quote(i) for i in items)


def render_user_data(template: Template) -> str:
    """A bash script for cloud-init that installs the template's packages, users and services."""
    pm = template.package_manager
    pkgs = template.packages
    lines = [
        "#!/bin/bash",
        f"# cws-jupyter script provisioning for template '{template.slug}' ({template.name})",
        "set -euo pipefail",
        "exec > >(tee -a /var/log/cws-provision.log) 2>&1",
        'echo "cws: provisioning started $(date -Is)"',
    ]
    if pkgs.system:
        if pm is PackageManager.DNF:
            lines += [f"dnf install -y {_quote(pkgs.system)}"]
        else:
            lines += [
                "export DEBIAN_FRONTEND=noninteractive",
                "apt-get update -y",
                f"apt-get install -y --no-install-recommends {_quote(pkgs.system)}",
            ]
    if pkgs.conda:
        lines += [
            "if [ ! -x /opt/conda/bin/conda ]; then",
            "  curl -fsSL -o /tmp/miniforge.sh "
            "https://github.com/conda-forge/miniforge/releases/latest/download/"
            "Miniforge3-Linux-$(uname -m).sh",
            "  bash /tmp/miniforge.sh -b -p /opt/conda",
            "fi",
            f"/opt/conda/bin/conda install -y -c conda-forge {_quote(pkgs.conda)}",
        ]
    if pkgs.pip:
        if pkgs.conda:
            pip = "/opt/conda/bin/pip"
        else:  # distributions refuse system-wide pip (PEP 668): use a venv for the workstation
            lines += [
                "python3 -m venv /opt/cws/venv || { apt-get install -y python3-venv && "
                "python3 -m venv /opt/cws/venv; }"
            ]
            pip = "/opt/cws/venv/bin/pip"
        lines += [f"{pip} install {_quote(pkgs.pip)}"]
    if pkgs.spack:
        lines += [
            "if [ ! -d /opt/spack ]; then git clone --depth=1 https://github.com/spack/spack.git /opt/spack; fi",
            f"/opt/spack/bin/spack install {_quote(pkgs.spack)}",
        ]
    for user in template.users:
        groups = ",".join(user.groups)
        shell = shlex.quote(user.shell or "/bin/bash")
        lines += [
            f"id -u {shlex.quote(user.name)} >/dev/null 2>&1 || useradd -m -s {shell} {shlex.quote(user.name)}"
        ]
        if groups:
            lines += [
                f"for g in {' '.join(shlex.quote(g) for g in user.groups)}; do "
                f'getent group "$g" >/dev/null && usermod -aG "$g" {shlex.quote(user.name)}; done'
            ]
    for service in template.services:
        if service.enable:
            lines += [f"systemctl enable --now {shlex.quote(service.name)} || true"]
    for extra in (
        template.ami_config.user_data_script if template.ami_config else None,
        template.user_data,
        template.post_install,
    ):
        if extra:
            lines += ["# --- from the template ---", extra.rstrip()]
    lines += ['echo "cws: provisioning finished $(date -Is)"']
    return "\n".join(lines) + "\n"


def setup_seconds(template: Template) -> int:
    """Estimated provisioning time beyond the boot, from the template's package lists."""
    pkgs = template.packages
    seconds = BASE_SETUP_SECONDS
    seconds += len(pkgs.system) * SECONDS_PER_PACKAGE["system"]
    seconds += len(pkgs.conda) * SECONDS_PER_PACKAGE["conda"]
    seconds += len(pkgs.pip) * SECONDS_PER_PACKAGE["pip"]
    seconds += len(pkgs.spack) * SECONDS_PER_PACKAGE["spack"]
    if pkgs.conda:
        seconds += CONDA_BOOTSTRAP_SECONDS
    return seconds


def render_ami_user_data(template: Template) -> str | None:
    """First-boot script for an AMI that already holds the software: the template's own extras."""
    extras = [
        template.ami_config.user_data_script if template.ami_config else None,
        template.user_data,
        template.post_install,
    ]
    extras = [e.rstrip() for e in extras if e]
    if not extras:
        return None
    head = [
        "#!/bin/bash",
        f"# cws-jupyter first boot for template '{template.slug}' (AMI launch)",
        "set -euo pipefail",
    ]
    return "\n".join(head + extras) + "\n"
