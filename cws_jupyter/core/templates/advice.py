"""Warnings about valid but doubtful settings: image searches that will be refused (no owner, or
an owner that is not one), and instance types cws-jupyter does not know (a typo, or a type
newer than its list)."""

from __future__ import annotations

from .instance_types import instance_type_problem
from .models import Template


def _instance_types(template: Template) -> list[tuple[str, str]]:
    """Every instance type the template names, with its field path."""
    named: list[tuple[str, str]] = []
    defaults = template.instance_defaults
    if defaults.type:
        named.append(("instance_defaults.type", defaults.type))
    named += [
        (f"instance_defaults.instance_type_preference[{i}]", t)
        for i, t in enumerate(defaults.instance_type_preference)
    ]
    if template.ami_config is not None:
        named += [
            (f"ami_config.instance_types.{arch.value}", t)
            for arch, t in template.ami_config.instance_types.items()
        ]
    return named


def template_advice(template: Template) -> list[str]:
    """Valid but risky settings, worth a warning at load time (each names its field)."""
    advice: list[str] = []
    search = template.ami_config.ami_search if template.ami_config else None
    if search is not None:
        for where, why in search.owner_problems():
            advice.append(
                f"field 'ami_config.ami_search.{where}': {why}. The template loads, but this "
                "search is refused until the owner is an account id or alias"
            )
        if search.owner is None and not search.owners:
            advice.append(
                "field 'ami_config.ami_search': no owner, so the search will be refused (anyone "
                "can publish a look-alike image: AMI squatting, CVE-2018-15869); add `owner:` "
                "(e.g. 099720109477 for Canonical, 137112412989 for Amazon, or self)"
            )
    for where, value in _instance_types(template):
        problem = instance_type_problem(value)
        if problem:
            advice.append(f"field '{where}': {problem}")
    return advice
