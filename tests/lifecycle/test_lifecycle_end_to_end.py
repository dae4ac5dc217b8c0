"""TestAMISystemEndToEnd and TestCrossRegionAMIAccess against the sandbox: a script-provisioned
workstation becomes an image, the template resolves to it, workstations launch from it (in its
region, and in another region through a copy), and cleaning up leaves every region touched as
it was (images, snapshots, live instances, security groups)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lifecycle_helpers import Cleanup, account_state, counts, image, launch, tags_of, unique

from cws_jupyter.core.errors import Conflict
from cws_jupyter.core.service import CwsService

pytestmark = pytest.mark.sandbox
TEMPLATE = "r-research"


class TestAMISystemEndToEnd:
    REGION = "eu-central-1"

    def test_script_provisioned_to_image_to_launch_and_back(
        self, service: CwsService, cleanup: Cleanup
    ) -> None:
        region = self.REGION
        before = account_state(service, [region])

        first = service.resolve(TEMPLATE, region)
        assert first.resolution_method.value == "script_fallback" and first.ami_id is None
        builder = cleanup.workstation(unique("lc-e2e-src"))
        source = launch(service, TEMPLATE, builder, region).instance
        assert (source.resolution_method, source.provisioning) == ("script_fallback", "script")
        assert source.state == "running"

        build = service.images.create(TEMPLATE, builder, tags=["Stage=e2e"])
        cleanup.image(region, build.ami_id)
        assert build.source_instance == source.id and build.creation_status == "available"

        now = service.resolve(TEMPLATE, region)
        assert now.resolution_method.value == "own_build" and now.ami_id == build.ami_id
        assert now.provisioning.value == "none"
        assert now.estimated_launch_time < first.estimated_launch_time

        user = cleanup.workstation(unique("lc-e2e-use"))
        launched = launch(service, TEMPLATE, user, region).instance
        assert launched.ami_used == build.ami_id and launched.state == "running"
        assert (launched.resolution_method, launched.provisioning) == ("own_build", "none")
        assert launched.cost_savings > 0  # no setup paid at launch

        during = account_state(service, [region])[region]
        assert build.ami_id in during["images"]
        assert {source.id, launched.id} <= set(during["instances"])

        service.instances.act(builder, "terminate", yes=True)
        service.instances.act(user, "terminate", yes=True)
        deleted = service.images.delete(build.ami_id, region, yes=True)
        assert sorted(deleted.snapshots_deleted) == sorted(build.snapshot_ids)

        after = account_state(service, [region])
        assert counts(after) == counts(before)
        assert after == before
        assert service.resolve(TEMPLATE, region).resolution_method.value == "script_fallback"


class TestCrossRegionAMIAccess:
    """ "Deploy AMI in us-east-1, launch instance in eu-west-1 (triggers cross-region copy)".
    The shipped fallback map does not make us-east-1 a neighbour of eu-west-1: a region
    fallbacks override file does."""

    SOURCE, TARGET = "us-east-1", "eu-west-1"

    @pytest.fixture
    def neighbours(self, fresh, tmp_path: Path) -> CwsService:
        """A service whose fallback map makes us-east-1 eu-west-1's only neighbour."""
        overrides = tmp_path / "fallbacks.yaml"
        overrides.write_text(f"{self.TARGET}: [{self.SOURCE}]\n", encoding="utf-8")
        svc = fresh(region_fallbacks_file=overrides)
        assert svc.regions.fallbacks(self.TARGET) == [self.SOURCE]
        return svc

    def test_launch_elsewhere_copies_the_image_and_cleanup_works_in_both_regions(
        self, neighbours: CwsService, cleanup: Cleanup
    ) -> None:
        svc = neighbours
        regions = [self.SOURCE, self.TARGET]
        before = account_state(svc, regions)

        # deploy: a script-provisioned workstation in us-east-1, imaged there
        builder = cleanup.workstation(unique("lc-x-src"))
        launch(svc, TEMPLATE, builder, self.SOURCE, strategy="ami_fallback")
        build = svc.images.create(TEMPLATE, builder)
        cleanup.image(self.SOURCE, build.ami_id)

        res = svc.resolve(TEMPLATE, self.TARGET)
        assert res.resolution_method.value == "cross_region"
        assert (res.ami_id, res.source_region, res.copy_required) == (
            build.ami_id,
            self.SOURCE,
            True,
        )

        # --no-copy refuses, naming where the image is
        with pytest.raises(Conflict) as caught:
            svc.instances.plan(
                svc.get_template(TEMPLATE), unique("lc-x-no"), region=self.TARGET, copy=False
            )
        assert caught.value.field == "region" and self.SOURCE in caught.value.message
        assert build.ami_id in caught.value.message and "--no-copy" in caught.value.message
        assert account_state(svc, [self.TARGET]) == {self.TARGET: before[self.TARGET]}

        # launch in eu-west-1: the image is copied in first
        user = cleanup.workstation(unique("lc-x-use"))
        result = launch(svc, TEMPLATE, user, self.TARGET)
        copy_id = result.copied_ami
        assert copy_id and copy_id != build.ami_id
        cleanup.image(self.TARGET, copy_id)
        record = result.instance
        assert (record.copied_from, record.resolution_method) == (self.SOURCE, "cross_region")
        assert record.ami_used == copy_id and record.region == self.TARGET
        assert record.state == "running"
        ec2 = svc.access.client("ec2", self.TARGET)
        raw = ec2.describe_instances(InstanceIds=[record.id])["Reservations"][0]["Instances"][0]
        assert raw["State"]["Name"] == "running" and raw["ImageId"] == copy_id

        copy_tags = tags_of(image(svc, self.TARGET, copy_id))
        assert copy_tags["cws:source-ami"] == build.ami_id
        assert copy_tags["cws:source-region"] == self.SOURCE
        assert copy_tags["cws:template"] == TEMPLATE
        assert copy_tags["cws:template-hash"] == build.template_hash
        launch_job = svc.jobs.get(record.job_id)
        assert launch_job.resources[f"copy:{self.TARGET}"] == copy_id

        # the copy is now found in eu-west-1 itself
        here = svc.resolve(TEMPLATE, self.TARGET)
        assert (here.resolution_method.value, here.ami_id) == ("own_build", copy_id)

        # cleanup: both workstations, the copy and the build
        svc.instances.act(user, "terminate", yes=True)
        svc.instances.act(builder, "terminate", yes=True)
        svc.images.delete(copy_id, self.TARGET, yes=True)
        svc.images.delete(build.ami_id, self.SOURCE, yes=True)
        after = account_state(svc, regions)
        assert counts(after) == counts(before)
        assert after == before
