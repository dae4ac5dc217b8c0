"""`ami outdated` against the sandbox: a build records the base image its instance ran, and is
outdated once the template's SSM parameter (or search) names a newer one; a template that
changed makes its builds template_changed; copies, layered builds, old builds without the
record, and direct mappings are all judged by where their software started."""

from __future__ import annotations

from pathlib import Path

import pytest
from updates_helpers import Cleanup, Lab, make_image, raw_image, tags_of

from cws_jupyter.core.errors import BadInput, NotFound
from cws_jupyter.core.images.updates import OutdatedImage, OutdatedReport
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox


def row(report: OutdatedReport, ami_id: str) -> OutdatedImage:
    """The report's row of one image (exactly one)."""
    rows = [r for r in report.images if r.ami_id == ami_id]
    assert len(rows) == 1, report.model_dump_json(indent=2)
    return rows[0]


def test_a_build_is_outdated_once_the_ssm_parameter_names_a_newer_base(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """The build's tags say which base its instance ran (cws:base-ami, cws:base-region); it is
    current while the lab's parameter names that base, outdated once it names a newer one."""
    lab = Lab(service, template_dir, "eu-west-1", cleanup)
    first = lab.new_base()
    build = lab.build()
    tags = tags_of(raw_image(service, lab.region, build.ami_id))
    assert (tags["cws:base-ami"], tags["cws:base-region"]) == (first, lab.region)
    assert tags["cws:source-ami"] == first

    before = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert (before.status, before.kind, before.template) == ("current", "build", lab.slug)
    assert (before.built_from, before.built_from_region, before.current_base) == (
        first,
        lab.region,
        first,
    )
    assert lab.parameter in (before.current_base_source or "")

    second = lab.new_base()
    report = service.images.outdated([lab.slug], lab.region)
    after = row(report, build.ami_id)
    assert after.status == "outdated"
    assert (after.built_from, after.current_base) == (first, second)
    assert first in after.reason and second in after.reason and "newer base" in after.reason
    assert f"cws ami rebuild {lab.slug} --region {lab.region}" in after.reason
    assert report.counts == {"outdated": 1} and report.templates == [lab.slug]
    assert report.regions == [lab.region] and [r.ami_id for r in report.outdated] == [build.ami_id]


def test_a_search_answer_is_the_base_too_but_never_a_build_of_the_template(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """A lab that finds its base by searching its own images, with a name pattern its builds
    match as well: the build is no base of its own template (it stays current), and a newer
    image the search finds makes it outdated."""
    lab = Lab(service, template_dir, "eu-central-1", cleanup, search_matches_builds=True)
    first = lab.new_base()
    build = lab.build()
    assert build.name.startswith(f"cws-{lab.slug}-")  # the search pattern matches it

    before = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert (before.status, before.built_from, before.current_base) == ("current", first, first)
    assert "search" in (before.current_base_source or "")

    second = lab.new_base()
    after = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert (after.status, after.current_base) == ("outdated", second)


def test_a_changed_template_makes_its_builds_template_changed(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """One package more: what the template installs changed, so its build is template_changed
    (the resolver skips it), whatever its base."""
    lab = Lab(service, template_dir, "us-east-2", cleanup)
    lab.new_base()
    build = lab.build()
    assert row(service.images.outdated([lab.slug], lab.region), build.ami_id).status == "current"

    lab.write(packages=["git", "tmux"])
    changed = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert changed.status == "template_changed"
    assert "earlier version" in changed.reason and "still the current base" in changed.reason
    resolved = service.resolve(lab.slug, lab.region)
    assert resolved.ami_id != build.ami_id  # the resolver agrees: the build is skipped


def test_copies_carry_the_base_and_are_judged_in_the_base_region(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """A copy made in another region carries the build's base record: it is judged against the
    template's base in the region the base is in."""
    lab = Lab(service, template_dir, "ap-northeast-1", cleanup)
    first = lab.new_base()
    build = lab.build()
    copied = service.images.copy(build.ami_id, ["ca-central-1"], source_region=lab.region)
    copy_id = copied.rows[0].ami_id
    assert copy_id is not None
    cleanup.image("ca-central-1", copy_id)
    tags = tags_of(raw_image(service, "ca-central-1", copy_id))
    assert (tags["cws:base-ami"], tags["cws:base-region"]) == (first, lab.region)

    lab.new_base()
    report = service.images.outdated([lab.slug], "ca-central-1")
    copy_row = row(report, copy_id)
    assert (copy_row.kind, copy_row.region, copy_row.status) == ("copy", "ca-central-1", "outdated")
    assert (copy_row.built_from, copy_row.built_from_region) == (first, lab.region)
    assert copy_row.current_base == lab.bases[-1]


def test_lineage_of_layered_and_old_builds(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """A workstation launched from a build and imaged again started from that build's base; a
    build made before the base record is traced by its cws:source-ami; with neither, its base
    is unknown, and it says so."""
    lab = Lab(service, template_dir, "us-west-2", cleanup)
    first = lab.new_base()
    build = lab.build()
    layered = lab.build()  # the template now resolves to `build`: its workstation runs it
    raw = raw_image(service, lab.region, layered.ami_id)
    assert tags_of(raw)["cws:source-ami"] == build.ami_id
    assert tags_of(raw)["cws:base-ami"] == first  # inherited, not the build it ran

    ec2 = lab.ec2()
    ec2.delete_tags(
        Resources=[build.ami_id], Tags=[{"Key": "cws:base-ami"}, {"Key": "cws:base-region"}]
    )
    service.images.ctx.changed()
    old = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert (old.status, old.built_from) == ("current", first)  # by its cws:source-ami

    ec2.delete_tags(Resources=[build.ami_id], Tags=[{"Key": "cws:source-ami"}])
    service.images.ctx.changed()
    unknown = row(service.images.outdated([lab.slug], lab.region), build.ami_id)
    assert (unknown.status, unknown.built_from) == ("unknown", None)
    assert unknown.reason.startswith("base unknown: built before cws recorded base images")
    assert unknown.current_base == first


def test_direct_mappings_are_judged_against_the_base(
    service: CwsService, template_dir: Path, cleanup: Cleanup
) -> None:
    """A mapping that names the base image itself is current until a newer base exists; one
    that names an image gone since is unknown and says to fix the mapping."""
    region = "us-east-1"
    lab = Lab(service, template_dir, region, cleanup)
    first = lab.new_base()
    gone = make_image(service, region, f"{lab.slug}-gone")
    service.images.delete(gone, region, yes=True)
    lab.write(mappings={region: first})
    report = service.images.outdated([lab.slug], region)
    mapped = row(report, first)
    assert (mapped.kind, mapped.status, mapped.built_from) == ("mapping", "current", first)
    assert mapped.reason.startswith(f"names {first}, still the current base")

    second = lab.new_base()
    stale = row(service.images.outdated([lab.slug], region), first)
    assert (stale.status, stale.current_base) == ("outdated", second)
    assert f"ami_mappings[{region}]" in stale.reason

    lab.write(mappings={region: gone})
    missing = row(service.images.outdated([lab.slug], region), gone)
    assert missing.status == "unknown" and "no longer exists" in missing.reason


def test_every_template_with_images_by_default(service: CwsService) -> None:
    """Without templates named, every template that has builds or direct mappings in the region
    is checked: the shipped teaching-lab and bioinformatics map images in us-east-1."""
    report = service.images.outdated(region="us-east-1")
    mapped = {(r.template, r.kind) for r in report.images}
    assert {("teaching-lab", "mapping"), ("bioinformatics", "mapping")} <= mapped
    teaching = next(r for r in report.images if r.template == "teaching-lab")
    assert teaching.status == "current" and teaching.built_from == teaching.ami_id
    assert sum(report.counts.values()) == len(report.images)
    assert all(r.region == "us-east-1" for r in report.images)


def test_bad_input_is_refused_before_aws_is_asked(service: CwsService) -> None:
    """An unknown template is NotFound (field template), a malformed region BadInput."""
    with pytest.raises(NotFound) as unknown:
        service.images.outdated(["no-such-template"], "eu-west-1")
    assert unknown.value.field == "template"
    with pytest.raises(BadInput) as region:
        service.images.outdated(["teaching-lab"], "eu-wset-1")
    assert region.value.field == "region" and "eu-west-1" in region.value.message
