"""Behaviour added after review: builds warn when a workstation may still be installing, a
template without ami_config is available where its own builds are, publishing a parameter is
seen by the next resolution at once.

Each test uses templates of its own (written into a folder of its own), so its builds never
change what another test resolves.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lifecycle_helpers import Cleanup, launch, unique

from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
LAB_IMAGE = "ami-05b364d594dcfd9a4"  # the world's own teaching-lab build in us-east-1


def templates(folder: Path, **texts: str) -> Path:
    """Write templates (slug -> YAML) into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in texts.items():
        (folder / f"{slug}.yml").write_text(textwrap.dedent(text))
    return folder


def test_a_scripted_workstation_built_at_once_is_warned_about(
    fresh, cleanup: Cleanup, tmp_path: Path
) -> None:
    """Built right after a script-provisioned launch: a warning (it may be half-installed); then
    the template, which has no ami_config, is available in that region through its own build."""
    slug = unique("zz-plain")
    folder = templates(
        tmp_path / "t",
        **{
            slug: f"""
            name: Plain lab {slug}
            slug: {slug}
            base: ubuntu-24.04
            package_manager: apt
            packages: {{system: [git]}}
            """
        },
    )
    svc: CwsService = fresh(template_path=[folder])
    region = "ap-northeast-1"
    before = svc.test_availability(slug, [region])
    assert before.available_in == 0
    name = cleanup.workstation(unique("plain"))
    launched = launch(svc, slug, name, region)
    assert launched.instance.provisioning == "script"

    build = svc.images.create(slug, name)
    cleanup.image(region, build.ami_id)
    assert build.warnings and "half-installed" in build.warnings[0]

    after = svc.test_availability(slug, [region])
    row = after.regions[0]
    assert row.available and row.resolution_method == "own_build" and row.ami_id == build.ami_id


def test_a_workstation_launched_complete_is_built_without_warning(
    fresh, cleanup: Cleanup, tmp_path: Path
) -> None:
    """Launched from an image that holds the template: nothing to wait for, no warning."""
    slug = unique("zz-complete")
    folder = templates(
        tmp_path / "t",
        **{
            slug: f"""
            name: Complete lab {slug}
            slug: {slug}
            packages: {{system: [git]}}
            ami_config:
              ami_mappings: {{us-east-1: {LAB_IMAGE}}}
              image_includes_packages: true
            """
        },
    )
    svc: CwsService = fresh(template_path=[folder])
    name = cleanup.workstation(unique("complete"))
    launched = launch(svc, slug, name, "us-east-1")
    assert launched.instance.provisioning == "none"
    build = svc.images.create(slug, name)
    cleanup.image("us-east-1", build.ami_id)
    assert build.warnings == []


def test_a_published_parameter_is_resolved_afresh(fresh, tmp_path: Path) -> None:
    """Publishing changes the parameter: the next resolution (any process) sees the new image,
    not a cached lookup of the old one."""
    region = "us-east-2"
    parameter = f"/cws-test/{unique('lab')}/ami"
    slug = unique("zz-published")
    folder = templates(
        tmp_path / "t",
        **{
            slug: f"""
            name: Published lab {slug}
            slug: {slug}
            ami_config:
              ssm_parameter: {parameter}
              image_includes_packages: true
            """
        },
    )
    svc: CwsService = fresh(template_path=[folder])
    ec2 = svc.access.client("ec2", region)
    images = ec2.describe_images(
        Owners=["099720109477"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}]
    )["Images"]
    first, second = sorted(i["ImageId"] for i in images)[:2]

    svc.images.publish(first, parameter, region)
    assert svc.resolve(slug, region).ami_id == first
    assert svc.resolve(slug, region).aws_calls == 0  # cached

    other: CwsService = fresh(template_path=[folder])  # another process, its own memory cache
    assert other.resolve(slug, region).ami_id == first
    other.images.publish(second, parameter, region)
    again = svc.resolve(slug, region)
    assert again.ami_id == second and again.aws_calls > 0
